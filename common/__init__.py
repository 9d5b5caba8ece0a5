"""The shared kernel every service may import: it imports no service (tests/test_architecture.py)."""
