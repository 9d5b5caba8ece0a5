"""One log format for every service: a JSON object per line (python-json-logger) with the time, level,
service, logger, message and the ids of what the line is about (observability.context)."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from observability import context


class _ContextIds(logging.Filter):
    """Adds the bound conversation/call/request ids and the service name to every record."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.__dict__.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
        for name, value in context.current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def configure(service: str, level: int = logging.INFO) -> None:
    """Route every logger (ours, uvicorn's, sanic's, Rasa SDK's) to one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
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
