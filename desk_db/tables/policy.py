"""ORM models (SQLAlchemy 2 typed declarative). Portable between SQLite and PostgreSQL."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from common.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC. SQLite drops tz info, so keep it out of the DB."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


Money = Numeric(12, 2)
LargeMoney = Numeric(14, 2)  # sums insured run into the millions


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(11), unique=True, index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    preferred_language: Mapped[str] = mapped_column(String(2), default="zh")

    policies: Mapped[list["Policy"]] = relationship(back_populates="customer")


class Policy(Base):
    __tablename__ = "policies"

    policy_number: Mapped[str] = mapped_column(String(10), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    insurance_type: Mapped[str] = mapped_column(String(16))  # health / auto / life / accident
    product_name_zh: Mapped[str] = mapped_column(String(100))
    product_name_en: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))  # active / expired / lapsed / cancelled
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    insured_name: Mapped[str] = mapped_column(String(100))
    sum_insured: Mapped[Decimal] = mapped_column(LargeMoney)
    annual_premium: Mapped[Decimal] = mapped_column(Money)
    payment_frequency: Mapped[str] = mapped_column(String(16))  # annual / monthly / single

    customer: Mapped[Customer] = relationship(back_populates="policies")
    premiums: Mapped[list["Premium"]] = relationship(back_populates="policy", order_by="Premium.due_date")


class Premium(Base):
    """One instalment of a policy's premium schedule."""

    __tablename__ = "premiums"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_number: Mapped[str] = mapped_column(ForeignKey("policies.policy_number"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(8), default="due")  # due / paid
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    policy: Mapped[Policy] = relationship(back_populates="premiums")


class Payment(Base):
    __tablename__ = "payments"

    payment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    premium_id: Mapped[int] = mapped_column(ForeignKey("premiums.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending / paid
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    premium: Mapped[Premium] = relationship()


class Claim(Base):
    __tablename__ = "claims"

    claim_number: Mapped[str] = mapped_column(String(10), primary_key=True)
    policy_number: Mapped[str] = mapped_column(ForeignKey("policies.policy_number"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    insurance_type: Mapped[str] = mapped_column(String(16))
    incident_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(LargeMoney)
    description: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # reported / reviewing / paying / paid / rejected
    fast_track: Mapped[bool] = mapped_column(Boolean, default=False)
    reject_reason_zh: Mapped[str | None] = mapped_column(Text, nullable=True)
    reject_reason_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set on approval (by the review or an adjuster): what is paid, within the claim and the cover.
    approved_amount: Mapped[Decimal | None] = mapped_column(LargeMoney, nullable=True)
    # The payout gateway's reference, once the payout was sent (status paying/paid).
    payout_reference: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True, index=True)
    # "adjuster": waiting for an adjuster's decision; "materials": waiting for the customer's materials.
    review_queue: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    # JSON: the last InvoiceFindings reviewed, and the failed checks [{code, zh, en}], for the adjuster.
    review_findings: Mapped[str | None] = mapped_column(Text, nullable=True)
    review_problems: Mapped[str | None] = mapped_column(Text, nullable=True)

    events: Mapped[list["ClaimEvent"]] = relationship(
        back_populates="claim", order_by="(ClaimEvent.at, ClaimEvent.id)", cascade="all, delete-orphan"
    )


class ClaimEvent(Base):
    """Status history of a claim."""

    __tablename__ = "claim_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_number: Mapped[str] = mapped_column(ForeignKey("claims.claim_number"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # "status": the claim moved to `status` (the timeline); else an action that kept the status:
    # "queued" (to an adjuster), "materials_requested", "retake_requested".
    kind: Mapped[str] = mapped_column(String(24), default="status", server_default="status")
    # Who did it: "customer", "system" (the automatic review, the payout confirmation), "adjuster:<username>".
    actor: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # JSON of what the action chose: {"kinds": [...]} of requested materials, {"reason_code": ...} of a rejection.
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)

    claim: Mapped[Claim] = relationship(back_populates="events")


class UsedInvoice(Base):
    """An invoice number paid (or being paid) on a claim. The primary key makes a second claim with the
    same number fail at insert, whichever customer files it and however close together."""

    __tablename__ = "used_invoices"

    invoice_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    claim_number: Mapped[str] = mapped_column(ForeignKey("claims.claim_number"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClaimNotification(Base):
    """Outbox of claim progress messages: one row per claim event and channel (app / sms), written in the
    transaction that records the event; the reminder worker (outreach/claim_updates.py) delivers them.
    status: pending / sending / deferred (quiet hours) / sent / skipped_opted_out / failed_invalid_phone / failed."""

    __tablename__ = "claim_notifications"
    __table_args__ = (UniqueConstraint("event_id", "channel", name="uq_claim_notifications_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("claim_events.id"), index=True)
    claim_number: Mapped[str] = mapped_column(ForeignKey("claims.claim_number"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(24), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[ClaimEvent] = relationship()

    @property
    def idempotency_key(self) -> str:
        return f"claim-update-{self.event_id}-{self.channel}"


class ClaimRequest(Base):
    """A claim filed with an Idempotency-Key: the same key again (a retry) gets this claim back.
    Unique per customer and key, so of two concurrent requests with one key only one can file."""

    __tablename__ = "claim_requests"
    __table_args__ = (UniqueConstraint("customer_id", "idempotency_key", name="uq_claim_requests_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the request body it was filed with
    claim_number: Mapped[str] = mapped_column(ForeignKey("claims.claim_number"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Document(Base):
    """An issued e-policy. Only the SHA-256 of its verification code is kept."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_number: Mapped[str] = mapped_column(ForeignKey("policies.policy_number"), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)

    policy: Mapped[Policy] = relationship()


class EpolicyCopy(Base):
    """One e-policy PDF printed for a customer's download, each with a code of its own (only its hash kept)
    and the SHA-256 of the exact file served: the code proves the copy is ours, the file hash that nothing in
    it was changed. `link_id` is unique: one download link prints one copy, however often it is opened."""

    __tablename__ = "epolicy_copies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_number: Mapped[str] = mapped_column(ForeignKey("policies.policy_number"), index=True)
    link_id: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)

    policy: Mapped[Policy] = relationship()


class KnowledgeEntry(Base):
    """One FAQ entry or product clause section, imported from knowledge/data/*.yml
    (`python -m policy_api.knowledge_store`). The search index is rebuilt from these rows."""

    __tablename__ = "knowledge_entries"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "faq" or "clause"
    topic: Mapped[str] = mapped_column(String(40))
    product: Mapped[str | None] = mapped_column(String(120), nullable=True)  # clauses: product name
    section: Mapped[str | None] = mapped_column(String(200), nullable=True)  # clauses: section title
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    alternates: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of other phrasings
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClaimMaterial(Base):
    """One file a customer sent for a claim (a photo or a PDF), as stored after its checks: re-encoded, under a
    random file name in the materials directory (claims/material_store.py), with the SHA-256 of what is
    stored. `findings` is the JSON of claims.findings.InvoiceFindings once a review has read it."""

    __tablename__ = "claim_materials"
    __table_args__ = (UniqueConstraint("claim_number", "sha256", name="uq_claim_materials_content"),)

    material_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never a sequence
    claim_number: Mapped[str] = mapped_column(ForeignKey("claims.claim_number"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # invoice / diagnosis / id_card / accident_report / damage_photo / other
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(32))  # image/jpeg, image/png or application/pdf
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)  # images only
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)  # PDFs only
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="received")  # received / reviewing / accepted / retake / rejected
    findings: Mapped[str | None] = mapped_column(Text, nullable=True)
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)  # why a retake or a rejection, zh / en
