"""The hub's record in the project's database: its own tables (prefix hub_) in its own metadata."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class HubBase(DeclarativeBase):
    pass


class HubUser(HubBase):
    """An agent or a supervisor of the console."""

    __tablename__ = "hub_users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # agent | supervisor | adjuster
    languages: Mapped[str] = mapped_column(String(64), default="zh,en")  # comma-separated
    topics: Mapped[str] = mapped_column(String(200), default="general")  # comma-separated
    capacity: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set by a supervisor: the user cannot sign in and their sessions have ended; None while active.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class HandoffRecord(HubBase):
    """One handoff request from creation to its end, with the times the supervisor figures use."""

    __tablename__ = "hub_handoffs"
    request_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))
    customer_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    summary: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    first_offered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    accept_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    agent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_choice: Mapped[str | None] = mapped_column(String(16), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    csat: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Wrap-up at close (handoff/wrapup.py): a label code from HANDOFF_WRAPUP_LABELS and a one-line summary.
    label: Mapped[str | None] = mapped_column(String(32), nullable=True)
    wrapup: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A transfer (handoff/transfer.py) ends one leg (outcome "transferred") and starts a new record naming it.
    transferred_from: Mapped[str | None] = mapped_column(String(40), nullable=True)


class TranscriptLine(HubBase):
    __tablename__ = "hub_transcripts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Note(HubBase):
    """An internal note on a conversation; never shown to the customer."""

    __tablename__ = "hub_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(40), index=True)
    conversation_id: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(HubBase):
    """Who opened which customer's data in the console, and when."""

    __tablename__ = "hub_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str] = mapped_column(String(32), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(32), default="view_customer")
    # What a supervisor's change was about: the console user, or the canned reply ("zh/hello").
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CannedReply(HubBase):
    """A reply agents insert by typing "/shortcode"; supervisors keep them, one set per language."""

    __tablename__ = "hub_canned_replies"
    __table_args__ = (UniqueConstraint("language", "shortcode", name="uq_hub_canned_replies_language_shortcode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    language: Mapped[str] = mapped_column(String(8))  # zh | en
    shortcode: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Callback(HubBase):
    """A call the desk promised a customer ("稍后回电"): due by `due_at`, claimed by one agent, closed with
    an outcome. Only the masked number is kept here; the full one lives in Redis until the task is closed
    (handoff/callbacks.py), so this table never holds a callable number."""

    __tablename__ = "hub_callbacks"
    callback_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    request_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    phone_masked: Mapped[str] = mapped_column(String(32))
    # verified (the policy API's record of a verified customer) | caller_id (the voice line's caller) |
    # unverified (typed by the customer: a contact number, never an identity).
    phone_source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # done | failed
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # masked (privacy/numbers.py)
