"""Reminders: a reminder's details for the assistant, opt-out from chat and from SMS
replies, and renewal payment links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from fastapi import status
from pydantic import BaseModel, Field

from common.clock import utcnow
from desk_db.tables.policy import Payment
from desk_db.tables.reminders import Reminder
from policy_api import lookups
from policy_api.deps import CustomerDep, GatewayDep, RowId, SessionDep, same_customer
from policy_api.errors import ApiError, CustomerTokenMismatch
from policy_api.renewals import renewal_premium
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import Money, PaymentCreate
from reminder_records.optout import handle_inbound_sms, record_opt_out

router = v1_router("reminders")


class ReminderNotFound(ApiError):
    status_code, code, message = 404, "reminder_not_found", "No such reminder."


class ReminderOut(BaseModel):
    reminder_id: int
    customer_id: str
    kind: Literal["premium", "renewal"]
    step: int
    policy_number: str
    product_name_zh: str
    product_name_en: str
    due_date: date
    amount: Money
    language: Literal["zh", "en"]
    sent_at: datetime | None
    acted_on_at: datetime | None


class OptOutIn(BaseModel):
    channels: Literal["all", "sms", "app"] = "all"
    source: Literal["chat", "sms", "api"] = "chat"
    detail: str | None = Field(default=None, max_length=120, description="e.g. the conversation id")


class OptOutOut(BaseModel):
    customer_id: str
    channels: str
    source: str
    created_at: datetime


class InboundSms(BaseModel):
    phone: str = Field(max_length=20, description="The number the reply came from.")
    text: str = Field(max_length=500)
    in_reply_to: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                                    description="The reference of our SMS it answers, when the gateway threads "
                                                "replies (the key we sent it with, e.g. reminder-12-sms).")


class InboundSmsResult(BaseModel):
    opted_out: bool


class RenewalPaymentCreated(BaseModel):
    payment_id: str
    payment_url: str
    amount: Money
    status: Literal["pending"]
    policy_number: str
    current_end_date: date
    new_end_date: date


@router.get("/reminders/{reminder_id}", response_model=ReminderOut, responses=error_docs(404))
def get_reminder(reminder_id: RowId, session: SessionDep) -> ReminderOut:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise ReminderNotFound()
    policy = lookups.policy(session, reminder.policy_number)
    return ReminderOut(reminder_id=reminder.id, customer_id=reminder.customer_id, kind=reminder.kind,  # type: ignore[arg-type]
                       step=reminder.step, policy_number=reminder.policy_number,
                       product_name_zh=policy.product_name_zh, product_name_en=policy.product_name_en,
                       due_date=reminder.due_date, amount=reminder.amount, language=reminder.language,  # type: ignore[arg-type]
                       sent_at=reminder.sent_at, acted_on_at=reminder.acted_on_at)


@router.post("/customers/{customer_id}/opt-out", response_model=OptOutOut, status_code=status.HTTP_201_CREATED,
             responses=error_docs(404))
def opt_out(customer_id: str, body: OptOutIn, session: SessionDep) -> OptOutOut:
    """Stop reminders on the given channels at once; the opt-out is recorded (who, when, how)."""
    customer = lookups.customer(session, customer_id)
    record = record_opt_out(session, customer.customer_id, body.channels, body.source, body.detail, utcnow())
    session.commit()
    return OptOutOut(customer_id=record.customer_id, channels=record.channels, source=record.source,
                     created_at=record.created_at)


@router.post("/sms/inbound", response_model=InboundSmsResult)
def inbound_sms(body: InboundSms, session: SessionDep) -> InboundSmsResult:
    """The SMS gateway's webhook for replies: "TD" / "退订" / "STOP" answering one of our reminder SMS
    (sent to that number in the last 30 days) turns that customer's SMS reminders off."""
    record = handle_inbound_sms(session, body.phone, body.text, utcnow(), body.in_reply_to)
    session.commit()
    return InboundSmsResult(opted_out=record is not None)


@router.post("/policies/{policy_number}/renewal-payments", response_model=RenewalPaymentCreated,
             status_code=status.HTTP_201_CREATED, responses=error_docs(403, 404, 409))
def renewal_payment(policy_number: str, body: PaymentCreate, session: SessionDep,
                    gateway: GatewayDep, customer: CustomerDep) -> RenewalPaymentCreated:
    """A payment link for the policy's next period; once paid the policy's cover runs a year longer.
    Only for the token's customer's own policies."""
    if not same_customer(customer, body.customer_id):
        raise CustomerTokenMismatch()
    policy = lookups.policy(session, policy_number, customer.customer_id)
    premium, renewal = renewal_premium(session, policy)
    created = gateway.create_payment(amount=premium.amount,
                                     description=f"{policy.policy_number} renewal to {renewal.new_end_date}")
    session.add(Payment(payment_id=created.payment_id, premium_id=premium.id, amount=premium.amount,
                        status="pending", created_at=utcnow()))
    session.commit()
    return RenewalPaymentCreated(payment_id=created.payment_id, payment_url=created.payment_url,
                                 amount=premium.amount, status="pending", policy_number=policy.policy_number,
                                 current_end_date=renewal.old_end_date, new_end_date=renewal.new_end_date)
