"""Every call's transcript in the database, personal numbers masked (like a chat transcript).

Tables voice_calls and voice_turns (desk_db/tables/voice.py), by default in the policy API's database; the
schema is made by the shared migrations (desk_db).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    insert,
    select,
    update,
)

from desk_db.engine import ensure_schema, make_engine
from desk_db.tables.voice import calls, turns
from privacy.numbers import mask_text


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def mask_caller(number: str | None) -> str | None:
    if not number:
        return None
    return number[:-8] + "****" + number[-4:] if len(number) >= 11 else mask_text(number)


class TranscriptStore:
    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        ensure_schema(self.engine)

    def start_call(self, call_id: str, call_sid: str | None, stream_sid: str | None, caller: str | None,
                   called: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(calls).values(call_id=call_id, call_sid=call_sid, stream_sid=stream_sid,
                                              caller=mask_caller(caller), called=called, started_at=now()))

    def calls_for_sid(self, call_sid: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(calls.c.call_id).where(calls.c.call_sid == call_sid)
                                     .order_by(calls.c.started_at)).scalars())

    def is_http_conversation(self, call_id: str) -> bool:
        """Made by POST /utterance (not a phone call): only those may be continued over HTTP."""
        with self.engine.connect() as conn:
            row = conn.execute(select(calls.c.end_reason).where(calls.c.call_id == call_id)).first()
            return row is not None and row.end_reason == "http"

    def ensure_call(self, call_id: str, language: str) -> None:
        """A conversation over the HTTP utterance endpoint: one "call" per conversation id, created on first use."""
        with self.engine.begin() as conn:
            if conn.execute(select(calls.c.call_id).where(calls.c.call_id == call_id)).first() is None:
                conn.execute(insert(calls).values(call_id=call_id, language=language, started_at=now(),
                                                  end_reason="http"))

    def next_seq(self, call_id: str) -> int:
        with self.engine.connect() as conn:
            rows = conn.execute(select(turns.c.seq).where(turns.c.call_id == call_id)).scalars().all()
            return max(rows, default=0) + 1

    def set_language(self, call_id: str, language: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(calls).where(calls.c.call_id == call_id).values(language=language))

    def add_turn(self, call_id: str, seq: int, speaker: str, source: str, text: str,
                 intent: str | None = None, metrics: dict[str, Any] | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(turns).values(call_id=call_id, seq=seq, speaker=speaker, source=source,
                                              text=mask_text(text), intent=intent, at=now(), metrics=metrics))

    def set_metrics(self, call_id: str, seq: int, metrics: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(turns).where(turns.c.call_id == call_id, turns.c.seq == seq).values(metrics=metrics))

    def end_call(self, call_id: str, reason: str, handoff_request_id: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(calls).where(calls.c.call_id == call_id).values(
                ended_at=now(), end_reason=reason, handoff_request_id=handoff_request_id))

    def call(self, call_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(calls).where(calls.c.call_id == call_id)).mappings().first()
            if row is None:
                return None
            rows = conn.execute(select(turns).where(turns.c.call_id == call_id).order_by(turns.c.seq)).mappings()
            result = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()}
            result["turns"] = [{k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in t.items()
                                if k not in ("id", "call_id")} for t in rows]
            return result

    def close(self) -> None:
        self.engine.dispose()
