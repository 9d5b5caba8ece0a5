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

from policy_api.clock import utcnow


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

    claim: Mapped[Claim] = relationship(back_populates="events")


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


class KnowledgeEntry(Base):
    """One FAQ entry or product clause section, imported from knowledge/data/*.yml
    (`python -m policy_api.knowledge_import`). The search index is rebuilt from these rows."""

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
