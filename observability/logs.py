"""One log format for every service: a JSON object per line (python-json-logger) with the time, level,
service, logger, message and the ids of what the line is about (observability.context)."""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from observability import context

# Seven digits in a row (spaces, dashes or dots between them allowed): only such lines can hold a phone,
# ID or card number, so only they pay for the masking pipeline.
_MAYBE_PERSONAL_NUMBER = re.compile(r"\d(?:[\s.\-]?\d){6}")


class _ContextIds(logging.Filter):
    """Adds the bound conversation/call/request ids and the service name to every record, and masks
    phone, ID and card numbers in its message (privacy.numbers), whoever wrote it."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.__dict__.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
        message = record.getMessage()
        if _MAYBE_PERSONAL_NUMBER.search(message):
            from privacy.numbers import mask_text

            masked = mask_text(message)
            if masked != message:
                record.msg, record.args = masked, None
        for name, value in context.current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def configure(service: str, level: int = logging.INFO, stream: TextIO | None = None,
              load_masking: bool = True) -> None:
    """Route every logger (ours, uvicorn's, sanic's, Rasa SDK's) to one JSON handler on stderr.

    The masking pipeline (spaCy, which imports thinc and torch: seconds on a busy host) loads here, at
    start, so that the first customer whose request logs a number does not wait for it."""
    if load_masking:
        from privacy.numbers import pipeline

        pipeline()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter("{asctime}{levelname}{service}{name}{message}", style="{",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                                       json_ensure_ascii=False))
    handler.addFilter(_ContextIds(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Servers that install handlers of their own: theirs go through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sanic.root", "sanic.error", "sanic.access"):
        server_logger = logging.getLogger(name)
        server_logger.handlers[:] = []
        server_logger.propagate = True
