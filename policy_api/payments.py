"""Payment gateway abstractions: premiums in (`PaymentGateway`), claim payouts out (`PayoutGateway`). `SimulatedGateway` stands in for a real provider: it hands out
links to this service's own /pay pages. A real gateway would implement the same Protocol and
confirm payments through its webhook instead of /pay/{id}/confirm."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol


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


# --- Payouts (claims) -----------------------------------------------------------------------------------
PayoutState = Literal["pending", "settled", "failed"]


@dataclass(frozen=True)
class PayoutReceipt:
    reference: str
    accepted_at: datetime


class PayoutGateway(Protocol):
    """Pays approved claims to the customer's bank card. `send_payout` must be idempotent per reference
    (a retry after a crash sends the same reference again); `payout_status` is what a confirmation
    (the provider's webhook or a status query) says about it."""

    def send_payout(self, *, reference: str, amount: Decimal, description: str, now: datetime) -> PayoutReceipt: ...

    def payout_status(self, *, reference: str, sent_at: datetime, now: datetime) -> PayoutState: ...


class SimulatedPayoutGateway:
    """A fake (declared in the README): accepts every payout and reports it settled `settle_s` seconds after
    it was sent. Stateless, so every worker of the API gives the same answer."""

    def __init__(self, settle_s: float) -> None:
        self.settle_s = settle_s

    def send_payout(self, *, reference: str, amount: Decimal, description: str, now: datetime) -> PayoutReceipt:
        return PayoutReceipt(reference=reference, accepted_at=now)

    def payout_status(self, *, reference: str, sent_at: datetime, now: datetime) -> PayoutState:
        return "settled" if (now - sent_at).total_seconds() >= self.settle_s else "pending"
