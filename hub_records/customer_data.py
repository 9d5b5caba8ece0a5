"""The hub's database rows of one customer's conversations (handoff records, transcript lines, notes, callbacks),
and what the retention period leaves of them. Plain functions of a Session: the hub runs them on its
writer thread (Records.now), the retention command in its own transaction.

Erasing deletes what carries the customer's words (transcript lines, agents' notes) and anonymises
the handoff record: its conversation id becomes a random `erased-…` one and its customer and summary go,
while its times, outcome and rating stay so the supervisor figures still count it. Callbacks likewise keep
their times and outcome (the callback figures) and lose the conversation, customer, masked number and note.
Audit entries stay as they are: they name who opened a customer, not what the customer said."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desk_db.tables.hub import Callback, HandoffRecord, Note, TranscriptLine

ERASED_PREFIX = "erased-"


def conversations_of(session: Session, customer_id: str) -> set[str]:
    """The conversations whose handoff named this customer."""
    return set(session.scalars(select(HandoffRecord.conversation_id).distinct()
                               .where(HandoffRecord.customer_id == customer_id)))


def request_ids(session: Session, conversation_ids: Iterable[str]) -> set[str]:
    """The handoff requests of these conversations (their live copies in Redis go with them)."""
    return set(session.scalars(select(HandoffRecord.request_id)
                               .where(HandoffRecord.conversation_id.in_(sorted(set(conversation_ids))))))


def callback_ids(session: Session, conversation_ids: Iterable[str]) -> set[str]:
    """The callbacks of these conversations (an open one's full number is in Redis until it is closed)."""
    return set(session.scalars(select(Callback.callback_id)
                               .where(Callback.conversation_id.in_(sorted(set(conversation_ids))))))


def export(session: Session, conversation_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    cids = sorted(set(conversation_ids))
    handoffs = session.scalars(select(HandoffRecord).where(HandoffRecord.conversation_id.in_(cids))
                               .order_by(HandoffRecord.created_at))
    lines = session.scalars(select(TranscriptLine).where(TranscriptLine.conversation_id.in_(cids))
                            .order_by(TranscriptLine.conversation_id, TranscriptLine.seq))
    notes = session.scalars(select(Note).where(Note.conversation_id.in_(cids)).order_by(Note.id))
    callbacks = session.scalars(select(Callback).where(Callback.conversation_id.in_(cids))
                                .order_by(Callback.created_at))
    return {
        "handoffs": [{"request_id": h.request_id, "conversation_id": h.conversation_id, "reason": h.reason,
                      "language": h.language, "channel": h.channel, "customer_id": h.customer_id,
                      "summary": h.summary, "created_at": _iso(h.created_at), "agent": h.agent,
                      "outcome": h.outcome, "closed_at": _iso(h.closed_at), "csat": h.csat} for h in handoffs],
        "transcripts": [{"conversation_id": t.conversation_id, "seq": t.seq, "sender": t.sender,
                         "author": t.author, "text": t.text, "at": _iso(t.at)} for t in lines],
        "notes": [{"conversation_id": n.conversation_id, "request_id": n.request_id, "author": n.author,
                   "text": n.text, "at": _iso(n.at)} for n in notes],
        "callbacks": [{"callback_id": c.callback_id, "conversation_id": c.conversation_id, "channel": c.channel,
                       "language": c.language, "reason": c.reason, "phone_masked": c.phone_masked,
                       "phone_source": c.phone_source, "created_at": _iso(c.created_at), "due_at": _iso(c.due_at),
                       "claimed_by": c.claimed_by, "closed_at": _iso(c.closed_at), "outcome": c.outcome,
                       "note": c.note} for c in callbacks],
    }


def erase(session: Session, conversation_ids: Iterable[str]) -> dict[str, int]:
    """Delete the transcripts and notes, anonymise the handoff records; counts per table. The caller commits."""
    cids = sorted(set(conversation_ids))
    counts = {"transcript_lines": _deleted(session, TranscriptLine, TranscriptLine.conversation_id.in_(cids)),
              "notes": _deleted(session, Note, Note.conversation_id.in_(cids)),
              "handoffs_anonymised": 0,
              "callbacks_anonymised": _anonymise_callbacks(session, Callback.conversation_id.in_(cids))}
    for cid in cids:  # one pseudonym per conversation: the figures still see one conversation
        counts["handoffs_anonymised"] += _anonymise(session, HandoffRecord.conversation_id == cid)
    return counts


def expire(session: Session, cutoff: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    """What is older than the cutoff: transcript lines and notes deleted, handoff records anonymised."""
    old_handoffs = (HandoffRecord.created_at < cutoff) & ~HandoffRecord.conversation_id.startswith(ERASED_PREFIX)
    old_callbacks = (Callback.created_at < cutoff) & ~Callback.conversation_id.startswith(ERASED_PREFIX)
    if dry_run:
        return {"transcript_lines": _count(session, TranscriptLine, TranscriptLine.at < cutoff),
                "notes": _count(session, Note, Note.at < cutoff),
                "handoffs_anonymised": _count(session, HandoffRecord, old_handoffs),
                "callbacks_anonymised": _count(session, Callback, old_callbacks)}
    counts = {"transcript_lines": _deleted(session, TranscriptLine, TranscriptLine.at < cutoff),
              "notes": _deleted(session, Note, Note.at < cutoff), "handoffs_anonymised": 0,
              "callbacks_anonymised": _anonymise_callbacks(session, old_callbacks)}
    for cid in session.scalars(select(HandoffRecord.conversation_id).distinct().where(old_handoffs)).all():
        counts["handoffs_anonymised"] += _anonymise(session, old_handoffs & (HandoffRecord.conversation_id == cid))
    return counts


def _anonymise(session: Session, where: Any) -> int:
    pseudonym = ERASED_PREFIX + secrets.token_hex(12)
    done = session.execute(update(HandoffRecord).where(where).values(
        conversation_id=pseudonym, customer_id=None, summary=[]))
    return done.rowcount or 0


def _anonymise_callbacks(session: Session, where: Any) -> int:
    """Each callback its own pseudonym: nothing links it to the conversation or to the other callbacks."""
    done = 0
    for callback_id in session.scalars(select(Callback.callback_id).where(where)).all():
        done += session.execute(update(Callback).where(Callback.callback_id == callback_id).values(
            conversation_id=ERASED_PREFIX + secrets.token_hex(12), request_id=None, customer_id=None,
            phone_masked="", note=None)).rowcount or 0
    return done


def _deleted(session: Session, model: Any, where: Any) -> int:
    return session.execute(delete(model).where(where)).rowcount or 0


def _count(session: Session, model: Any, where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(where)) or 0


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


