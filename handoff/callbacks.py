"""Callbacks the desk promised ("稍后回电"): created when a waiting customer or caller asks for one, worked
by agents from the console (claim, then done or failed with a note), watched by supervisors when overdue.

Where the number comes from decides how far it is trusted (`source`):
- `verified`: the policy API's record of the customer the conversation proved (handoff/callback_requests.py asks
  it with that customer's token), never a number the chat sent;
- `caller_id`: the number the carrier gave the voice gateway for this call (sent with the hub's channel key);
- `unverified`: typed by a customer whom nothing identified. It is a contact number only: the agent sees it
  marked so and must verify the person on the phone before speaking of any policy.

The database keeps only the masked number. The full one sits in Redis under the callback until it is closed
(or `callback_number_ttl_s` at most) and is shown only to the agent who claimed the callback, each time on
the audit record. Claiming is one conditional UPDATE, so of two agents exactly one wins."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from common import normalize
from common.clock import as_utc
from desk_db.tables.hub import Callback
from handoff import audit
from handoff.errors import HubError
from handoff.records import Records, ts
from handoff.store.marks import Marks
from privacy.fields import mask_phone
from privacy.numbers import mask_text

if TYPE_CHECKING:  # the hub's service imports this module
    from handoff.service import User

Source = Literal["verified", "caller_id", "unverified"]
Outcome = Literal["done", "failed"]
# A caller's number as carriers send it: digits with an optional +, landlines included.
_CALLER_ID = re.compile(r"^\+?\d{5,20}$")
_SEPARATORS = re.compile(r"[\s\-()]")
CHANNEL = "callbacks"  # the event bus channel every console listens to for worklist changes
SHOW_NUMBER = "callback_number"  # the audit action of every look at a full number
CLOSED_SHOWN_S = 24 * 3600  # closed callbacks stay in the worklist this long, for the record


def mobile_number(value: str) -> str | None:
    """A mainland mobile number as 11 digits (what a customer types), else None."""
    return normalize.phone(value) if isinstance(value, str) and len(value) <= 32 else None


def caller_number(value: str | None) -> str | None:
    """The carrier's caller id, cleaned; None when it is absent or withheld ("anonymous")."""
    if not isinstance(value, str):
        return None
    cleaned = _SEPARATORS.sub("", value)
    return (mobile_number(cleaned) or cleaned) if _CALLER_ID.fullmatch(cleaned) else None


@dataclass(frozen=True)
class NewCallback:
    conversation_id: str
    request_id: str | None
    channel: str
    language: str
    reason: str
    customer_id: str | None
    number: str
    source: Source


def _view(row: Callback, now: dt.datetime) -> dict[str, Any]:
    """One callback for the console: the masked number only."""
    due = as_utc(row.due_at)
    return {"callback_id": row.callback_id, "conversation_id": row.conversation_id, "channel": row.channel,
            "language": row.language, "reason": row.reason, "customer_id": row.customer_id,
            "phone_masked": row.phone_masked, "phone_source": row.phone_source,
            "created": as_utc(row.created_at).timestamp(), "due": due.timestamp(),
            "claimed_by": row.claimed_by, "claimed_at": as_utc(row.claimed_at).timestamp() if row.claimed_at else None,
            "closed_at": as_utc(row.closed_at).timestamp() if row.closed_at else None, "outcome": row.outcome,
            "note": row.note, "overdue": row.closed_at is None and due < now,
            # Counted by the service figures: made (done) by its deadline.
            "in_time": row.outcome == "done" and row.closed_at is not None and as_utc(row.closed_at) <= due}


class CallbackDesk:
    def __init__(self, records: Records, marks: Marks, deadline_s: float, number_ttl_s: int) -> None:
        self.records = records
        self.marks = marks
        self.deadline_s = deadline_s
        self.number_ttl_s = number_ttl_s

    async def create(self, new: NewCallback) -> dict[str, Any]:
        callback_id = "cb-" + uuid.uuid4().hex[:20]
        now = time.time()
        # The number first: a row in the worklist always has a number to call while it is open.
        await self.marks.keep_callback_number(callback_id, new.number, self.number_ttl_s)
        row = Callback(callback_id=callback_id, conversation_id=new.conversation_id, request_id=new.request_id,
                       channel=new.channel, language=new.language, reason=new.reason[:32],
                       customer_id=new.customer_id, phone_masked=mask_phone(new.number), phone_source=new.source,
                       created_at=ts(now), due_at=ts(now + self.deadline_s))
        await self.records.now(lambda session: session.add(row))
        return _view(row, dt.datetime.now(dt.UTC))

    async def worklist(self, user: User) -> list[dict[str, Any]]:
        """Open callbacks, soonest due first, then those closed in the last day. Everyone sees every open
        one (so the team can share the work), each with its number masked."""
        def job(session: Session) -> list[Callback]:
            since = ts(time.time() - CLOSED_SHOWN_S)
            query = select(Callback).where(or_(Callback.closed_at.is_(None), Callback.closed_at >= since))
            if not user.is_supervisor:  # an agent's own closed ones only
                query = query.where(or_(Callback.closed_at.is_(None), Callback.claimed_by == user.username))
            return list(session.scalars(query.order_by(Callback.closed_at.is_not(None), Callback.due_at).limit(500)))
        now = dt.datetime.now(dt.UTC)
        return [_view(row, now) for row in await self.records.now(job)]

    async def claim(self, callback_id: str, user: User) -> dict[str, Any]:
        """Take an open callback nobody has taken; the answer carries its full number (audited)."""
        def job(session: Session) -> tuple[int, Callback | None]:
            taken = session.execute(update(Callback).where(
                Callback.callback_id == callback_id, Callback.claimed_by.is_(None), Callback.closed_at.is_(None))
                .values(claimed_by=user.username, claimed_at=dt.datetime.now(dt.UTC))).rowcount
            session.flush()
            return taken, session.get(Callback, callback_id, populate_existing=True)
        taken, row = await self.records.now(job)
        if row is None:
            raise HubError(404, "callback_not_found", "No such callback.")
        if not taken and row.claimed_by != user.username:
            if row.closed_at is not None:
                raise HubError(409, "callback_closed", "This callback is already closed.")
            raise HubError(409, "already_claimed", f"Another agent ({row.claimed_by}) already took this callback.")
        return {**_view(row, dt.datetime.now(dt.UTC)), **await self._reveal(row, user)}

    async def number(self, callback_id: str, user: User) -> dict[str, Any]:
        """The full number again, for the agent who claimed the callback (supervisors included: only the
        claimer calls), while it is open; audited like the claim."""
        row = await self._row(callback_id)
        if row.claimed_by != user.username:
            raise HubError(403, "not_your_callback", "Only the agent who claimed this callback sees its number.")
        if row.closed_at is not None:
            raise HubError(409, "callback_closed", "This callback is already closed.")
        return await self._reveal(row, user)

    async def close(self, callback_id: str, user: User, outcome: Outcome, note: str) -> dict[str, Any]:
        def job(session: Session) -> int:
            return session.execute(update(Callback).where(
                Callback.callback_id == callback_id, Callback.claimed_by == user.username,
                Callback.closed_at.is_(None)).values(
                closed_at=dt.datetime.now(dt.UTC), outcome=outcome, note=mask_text(note.strip())[:2000] or None)
            ).rowcount
        if not await self.records.now(job):
            row = await self._row(callback_id)
            if row.closed_at is not None:
                raise HubError(409, "callback_closed", "This callback is already closed.")
            raise HubError(403, "not_your_callback", "Claim this callback before closing it.")
        # Called: the full number has done its job and is not kept.
        await self.marks.forget_callback_number(callback_id)
        return _view(await self._row(callback_id), dt.datetime.now(dt.UTC))

    async def _row(self, callback_id: str) -> Callback:
        row = await self.records.now(lambda session: session.get(Callback, callback_id))
        if row is None:
            raise HubError(404, "callback_not_found", "No such callback.")
        return row

    async def _reveal(self, row: Callback, user: User) -> dict[str, Any]:
        # On record before it is shown: a failed answer still leaves the look in the audit.
        await audit.record(self.records, user, SHOW_NUMBER, row.customer_id, row.conversation_id,
                           subject=row.callback_id)
        number = await self.marks.callback_number(row.callback_id)
        return {"phone": number, "phone_available": number is not None}
