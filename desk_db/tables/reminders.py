"""Reminder tables, on the policy database's Base (the shared migrations, desk_db, make them).
Contract: docs/proactive_service.md (the service figures read `reminders`)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.clock import utcnow
from desk_db.tables.policy import Base, Money, UTCDateTime


class Reminder(Base):
    """One reminder step for one premium (kind premium) or one policy period (kind renewal)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "ref", "step", name="uq_reminders_kind_ref_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # premium / renewal
    # Premium id; for renewals the policy number and the end date of the period ("AU20240002/2026-12-22"),
    # so next year's renewal of the same policy gets its own reminders.
    ref: Mapped[str] = mapped_column(String(40))
    step: Mapped[int] = mapped_column(Integer)  # days before: 15/7/1 (premium), 30/7/1 (renewal)
    policy_number: Mapped[str] = mapped_column(String(10), index=True)
    due_date: Mapped[date] = mapped_column(Date)  # premium due date / last day of cover
    amount: Mapped[Decimal] = mapped_column(Money)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acted_on_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    deliveries: Mapped[list["ReminderDelivery"]] = relationship(
        back_populates="reminder", order_by="ReminderDelivery.channel", cascade="all, delete-orphan")


class ReminderDelivery(Base):
    """One reminder on one channel. status: pending / sending (reserved, outcome unknown) / deferred
    (quiet hours) / sent / failed_invalid_phone / failed / skipped_opted_out / skipped_resolved."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("reminder_id", "channel", name="uq_reminder_deliveries_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # app / sms
    status: Mapped[str] = mapped_column(String(24), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reserved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reminder: Mapped[Reminder] = relationship(back_populates="deliveries")

    @property
    def idempotency_key(self) -> str:
        return delivery_key(self.reminder_id, self.channel)


def delivery_key(reminder_id: int, channel: str) -> str:
    """The idempotency key of a reminder's delivery on a channel; the default SMS gateway's outbox is keyed by it,
    so removing a reminder must remove its outbox row too (SQLite reuses a deleted row's id)."""
    return f"reminder-{reminder_id}-{channel}"


class SmsOutbox(Base):
    """What the default SMS gateway "sent". A real gateway would send instead; tests read this."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactPreference(Base):
    """Which channels a customer allows for reminders. No row: both."""

    __tablename__ = "contact_preferences"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), primary_key=True)
    app_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    sms_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OptOut(Base):
    """Record of every opt-out: who, when, how (chat / sms / api) and from which channels."""

    __tablename__ = "reminder_opt_outs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    channels: Mapped[str] = mapped_column(String(8))  # all / sms / app
    source: Mapped[str] = mapped_column(String(8))  # chat / sms / api
    detail: Mapped[str | None] = mapped_column(String(120), nullable=True)  # conversation id, masked phone
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PolicyRenewal(Base):
    """A renewal in progress: the premium for the next period; paying it extends the policy a year."""

    __tablename__ = "policy_renewals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_number: Mapped[str] = mapped_column(ForeignKey("policies.policy_number"), index=True)
    premium_id: Mapped[int] = mapped_column(ForeignKey("premiums.id"), unique=True)
    old_end_date: Mapped[date] = mapped_column(Date)
    new_end_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
