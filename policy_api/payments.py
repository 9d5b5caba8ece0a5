"""Payment gateway abstraction. `SimulatedGateway` stands in for a real provider: it hands out
links to this service's own /pay pages. A real gateway would implement the same Protocol and
confirm payments through its webhook instead of /pay/{id}/confirm."""

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class GatewayPayment:
    payment_id: str
    payment_url: str


class PaymentGateway(Protocol):
    def create_payment(self, *, amount: Decimal, description: str) -> GatewayPayment:
        """Register a payment with the provider and return its id and the customer-facing URL."""
        ...


class SimulatedGateway:
    def __init__(self, public_url: str) -> None:
        self.public_url = public_url.rstrip("/")

    def create_payment(self, *, amount: Decimal, description: str) -> GatewayPayment:
        # Unguessable: the /pay pages need no API key, so the id is the capability.
        payment_id = secrets.token_urlsafe(16)
        return GatewayPayment(payment_id=payment_id, payment_url=f"{self.public_url}/pay/{payment_id}")
