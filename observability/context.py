"""The conversation, call and request a piece of work is for, carried by context variables so that every
log line written while doing it names them, whichever module writes it."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Iterator

CONVERSATION_ID: ContextVar[str | None] = ContextVar("conversation_id", default=None)
CALL_SID: ContextVar[str | None] = ContextVar("call_sid", default=None)
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

FIELDS = {"conversation_id": CONVERSATION_ID, "call_sid": CALL_SID, "request_id": REQUEST_ID}


@contextlib.contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """Within the block, log lines carry these ids (conversation_id, call_sid, request_id)."""
    tokens = [(FIELDS[name], FIELDS[name].set(value)) for name, value in ids.items() if value is not None]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def bind(**ids: str | None) -> None:
    """For the rest of the current task (an asyncio task or a request handler): log lines carry these ids."""
    for name, value in ids.items():
        if value is not None:
            FIELDS[name].set(value)


def current() -> dict[str, str]:
    return {name: value for name, var in FIELDS.items() if (value := var.get()) is not None}
