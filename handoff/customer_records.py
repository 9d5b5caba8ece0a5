"""The hub's database rows of one customer's conversations (handoff records, transcript lines, notes),
and what the retention period leaves of them. Plain functions of a Session: the hub runs them on its
writer thread (Records.now), the retention command in its own transaction.

Erasing deletes what carries the customer's words (transcript lines, agents' notes) and anonymises
the handoff record: its conversation id becomes a random `erased-…` one and its customer and summary go,
while its times, outcome and rating stay so the supervisor figures still count it.
Audit entries stay as they are: they name who opened a customer, not what the customer said."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from handoff.models import HandoffRecord, Note, TranscriptLine

ERASED_PREFIX = "erased-"


def conversations_of(session: Session, customer_id: str) -> set[str]:
    """The conversations whose handoff named this customer."""
    return set(session.scalars(select(HandoffRecord.conversation_id).distinct()
                               .where(HandoffRecord.customer_id == customer_id)))


def request_ids(session: Session, conversation_ids: Iterable[str]) -> set[str]:
    """The handoff requests of these conversations (their live copies in Redis go with them)."""
    return set(session.scalars(select(HandoffRecord.request_id)
                               .where(HandoffRecord.conversation_id.in_(sorted(set(conversation_ids))))))


def export(session: Session, conversation_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    cids = sorted(set(conversation_ids))
    handoffs = session.scalars(select(HandoffRecord).where(HandoffRecord.conversation_id.in_(cids))
                               .order_by(HandoffRecord.created_at))
    lines = session.scalars(select(TranscriptLine).where(TranscriptLine.conversation_id.in_(cids))
                            .order_by(TranscriptLine.conversation_id, TranscriptLine.seq))
    notes = session.scalars(select(Note).where(Note.conversation_id.in_(cids)).order_by(Note.id))
    return {
        "handoffs": [{"request_id": h.request_id, "conversation_id": h.conversation_id, "reason": h.reason,
                      "language": h.language, "channel": h.channel, "customer_id": h.customer_id,
                      "summary": h.summary, "created_at": _iso(h.created_at), "agent": h.agent,
                      "outcome": h.outcome, "closed_at": _iso(h.closed_at), "csat": h.csat} for h in handoffs],
        "transcripts": [{"conversation_id": t.conversation_id, "seq": t.seq, "sender": t.sender,
                         "author": t.author, "text": t.text, "at": _iso(t.at)} for t in lines],
        "notes": [{"conversation_id": n.conversation_id, "request_id": n.request_id, "author": n.author,
                   "text": n.text, "at": _iso(n.at)} for n in notes],
    }


def erase(session: Session, conversation_ids: Iterable[str]) -> dict[str, int]:
    """Delete the transcripts and notes, anonymise the handoff records; counts per table. The caller commits."""
    cids = sorted(set(conversation_ids))
    counts = {"transcript_lines": _deleted(session, TranscriptLine, TranscriptLine.conversation_id.in_(cids)),
              "notes": _deleted(session, Note, Note.conversation_id.in_(cids)),
              "handoffs_anonymised": 0}
    for cid in cids:  # one pseudonym per conversation: the figures still see one conversation
        counts["handoffs_anonymised"] += _anonymise(session, HandoffRecord.conversation_id == cid)
    return counts


def expire(session: Session, cutoff: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    """What is older than the cutoff: transcript lines and notes deleted, handoff records anonymised."""
    old_handoffs = (HandoffRecord.created_at < cutoff) & ~HandoffRecord.conversation_id.startswith(ERASED_PREFIX)
    if dry_run:
        return {"transcript_lines": _count(session, TranscriptLine, TranscriptLine.at < cutoff),
                "notes": _count(session, Note, Note.at < cutoff),
                "handoffs_anonymised": _count(session, HandoffRecord, old_handoffs)}
    counts = {"transcript_lines": _deleted(session, TranscriptLine, TranscriptLine.at < cutoff),
              "notes": _deleted(session, Note, Note.at < cutoff), "handoffs_anonymised": 0}
    for cid in session.scalars(select(HandoffRecord.conversation_id).distinct().where(old_handoffs)).all():
        counts["handoffs_anonymised"] += _anonymise(session, old_handoffs & (HandoffRecord.conversation_id == cid))
    return counts


def _anonymise(session: Session, where: Any) -> int:
    pseudonym = ERASED_PREFIX + secrets.token_hex(12)
    done = session.execute(update(HandoffRecord).where(where).values(
        conversation_id=pseudonym, customer_id=None, summary=[]))
    return done.rowcount or 0


def _deleted(session: Session, model: Any, where: Any) -> int:
    return session.execute(delete(model).where(where)).rowcount or 0


def _count(session: Session, model: Any, where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(where)) or 0


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


