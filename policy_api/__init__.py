"""Policy-data API of the insurer's customer-service system."""

__version__ = "1.0.0"
