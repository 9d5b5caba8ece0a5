"""A customer's past conversations with agents, from the hub's records: the list for the customer of an
open conversation, one past conversation read-only, and a search.

Who may read what: supervisors everything; an agent the conversations they handled and those of their
customers (a customer whose conversation they handled, own now, or have offered). "This customer" is
always the identity the hub holds for a conversation (the verified customer on its handoff request),
never an id a browser sends; a search by customer id only narrows what the agent may read anyway.
Every read is audited (handoff/audit.py's table) before the answer goes out."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from common.clock import as_utc
from desk_db.tables.hub import HandoffRecord, Note, TranscriptLine
from handoff import audit
from handoff.errors import HubError
from handoff.service import Hub, User

VIEW_HISTORY = "view_history"
VIEW_PAST = "view_past_conversation"
SEARCH_HISTORY = "search_history"
MAX_RESULTS = 100
RID = re.compile(r"r-[0-9a-f]{16}")


@dataclass(frozen=True)
class Query:
    """A search of past conversations; every field narrows it."""

    customer_id: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    reason: str | None = None
    label: str | None = None
    agent: str | None = None

    def subject(self) -> str:
        """What was searched for, for the audit entry (64 characters)."""
        parts = [f"{k}={v}" for k, v in self.__dict__.items() if v not in (None, "")]
        return (" ".join(parts) or "all")[:64]


def row(record: HandoffRecord) -> dict[str, Any]:
    return {"request_id": record.request_id, "conversation_id": record.conversation_id,
            "customer_id": record.customer_id, "created_at": _iso(record.created_at),
            "closed_at": _iso(record.closed_at), "channel": record.channel, "language": record.language,
            "reason": record.reason, "outcome": record.outcome, "csat": record.csat, "agent": record.agent,
            "label": record.label, "wrapup": record.wrapup, "transferred_from": record.transferred_from}


async def customers_of(hub: Hub, user: User) -> set[str]:
    """The customers whose history this agent may read: of the conversations they handled, and of the
    ones they own or have offered now."""
    past = await hub.records.now(lambda s: set(s.scalars(
        select(HandoffRecord.customer_id).distinct()
        .where(HandoffRecord.agent == user.username, HandoffRecord.customer_id.is_not(None)))))
    rids = [(await hub.state.conversation(cid)).get("request_id")
            for cid in await hub.state.agent_conversations(user.username)]
    rids += await hub.state.agent_offers(user.username)
    for rid in filter(None, rids):
        customer = await hub.state.request_field(rid, "customer_id")
        if customer:
            past.add(customer)
    return past


async def of_conversation(hub: Hub, cid: str, user: User) -> dict[str, Any]:
    """The past conversations of the customer this live conversation proved to be."""
    conv = await hub.can_see(cid, user)
    customer_id = await hub.state.request_field(conv["request_id"], "customer_id")
    if not customer_id:
        return {"customer_id": None, "conversations": []}
    await audit.record(hub.records, user, VIEW_HISTORY, customer_id, cid)
    current = conv["request_id"]

    def job(session: Session) -> list[dict[str, Any]]:
        records = session.scalars(select(HandoffRecord).where(HandoffRecord.customer_id == customer_id,
                                                              HandoffRecord.request_id != current)
                                  .order_by(HandoffRecord.created_at.desc()).limit(MAX_RESULTS))
        return [row(r) for r in records]
    return {"customer_id": customer_id, "conversations": await hub.records.now(job),
            "reminders": await open_reminders(hub, customer_id)}


async def search(hub: Hub, user: User, query: Query) -> list[dict[str, Any]]:
    allowed = None if user.is_supervisor else await customers_of(hub, user)
    await audit.record(hub.records, user, SEARCH_HISTORY, query.customer_id, subject=query.subject())

    def job(session: Session) -> list[dict[str, Any]]:
        q = select(HandoffRecord)
        if allowed is not None:
            q = q.where(or_(HandoffRecord.agent == user.username, HandoffRecord.customer_id.in_(sorted(allowed))))
        if query.customer_id:
            q = q.where(HandoffRecord.customer_id == query.customer_id)
        if query.since:
            q = q.where(HandoffRecord.created_at >= _start(query.since))
        if query.until:
            q = q.where(HandoffRecord.created_at < _start(query.until + dt.timedelta(days=1)))
        if query.reason:
            q = q.where(HandoffRecord.reason == query.reason)
        if query.label:
            q = q.where(HandoffRecord.label == query.label)
        if query.agent:
            q = q.where(HandoffRecord.agent == query.agent)
        return [row(r) for r in session.scalars(q.order_by(HandoffRecord.created_at.desc()).limit(MAX_RESULTS))]
    return await hub.records.now(job)


async def past_conversation(hub: Hub, rid: str, user: User) -> dict[str, Any]:
    """One past conversation read-only: its record, its transcript (masked when stored) and notes."""
    record = await hub.records.now(lambda s: s.get(HandoffRecord, rid))
    if record is None:
        raise HubError(404, "record_not_found", "No such past conversation.")
    if not user.is_supervisor and record.agent != user.username \
            and (not record.customer_id or record.customer_id not in await customers_of(hub, user)):
        # Same answer as for no record: an agent learns nothing about conversations not theirs to read.
        raise HubError(404, "record_not_found", "No such past conversation.")
    await audit.record(hub.records, user, VIEW_PAST, record.customer_id, record.conversation_id, subject=rid)

    def job(session: Session) -> dict[str, Any]:
        # A conversation (an app chat) may hold several handoffs: this one's part runs from the end of the
        # one before to the start of the one after.
        legs = session.execute(select(HandoffRecord.created_at, HandoffRecord.closed_at)
                               .where(HandoffRecord.conversation_id == record.conversation_id)).all()
        created = as_utc(record.created_at)
        before = [as_utc(c) for r in legs if (c := r.closed_at) is not None and as_utc(r.created_at) < created]
        after = [as_utc(r.created_at) for r in legs if as_utc(r.created_at) > created]
        lines = select(TranscriptLine).where(TranscriptLine.conversation_id == record.conversation_id,
                                             TranscriptLine.suppressed.is_(False))
        if before:
            lines = lines.where(TranscriptLine.at >= max(before))
        if after:
            lines = lines.where(TranscriptLine.at < min(after))
        notes = session.scalars(select(Note).where(Note.request_id == rid).order_by(Note.id))
        return {**row(record),
                "transcript": [{"seq": t.seq, "sender": t.sender, "author": t.author, "text": t.text,
                                "at": as_utc(t.at).timestamp()} for t in session.scalars(lines.order_by(TranscriptLine.seq))],
                "notes": [{"author": n.author, "text": n.text, "at": as_utc(n.at).timestamp()} for n in notes]}
    return await hub.records.now(job)


async def open_reminders(hub: Hub, customer_id: str) -> list[dict[str, Any]]:
    """The customer's reminders not yet acted on (premiums due, renewals), from the policy API; phone
    numbers and SMS texts stay there."""
    try:
        response = await hub.policy.client.get(f"/v1/customers/{customer_id}/reminder-records")
        response.raise_for_status()
        reminders = response.json().get("reminders", [])
    except (httpx.HTTPError, ValueError):  # the panel shows "unavailable"; the rest of the history still answers
        return [{"unavailable": True}]
    today = dt.date.today().isoformat()
    return [{k: r.get(k) for k in ("kind", "policy_number", "due_date", "amount", "sent_at")}
            for r in reminders if not r.get("acted_on_at") and (r.get("due_date") or "") >= today]


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, dt.UTC)




def _iso(value: dt.datetime | None) -> str | None:
    return as_utc(value).isoformat() if value else None
