"""A log line is one JSON object naming what it is about, and no module can log a phone or ID number."""

from __future__ import annotations

import io
import json
import logging
from typing import Iterator

import pytest

from observability import logs
from observability.context import bound


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What the service's log handler writes, as configured for a service."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    logs.configure("test_service", stream=stream)
    yield stream
    root.handlers[:], root.level = handlers, level


def last_line(written: io.StringIO) -> dict:
    return json.loads(written.getvalue().strip().splitlines()[-1])


def test_lines_carry_the_ids_of_what_they_are_about(written: io.StringIO) -> None:
    with bound(conversation_id="web-abc123", call_sid="CA" + "0" * 32):
        logging.getLogger("voice.line.session").info("caller hung up")
    line = last_line(written)
    assert line["message"] == "caller hung up" and line["level"] == "INFO" and line["service"] == "test_service"
    assert line["conversation_id"] == "web-abc123" and line["call_sid"].startswith("CA")
    logging.getLogger("x").info("outside any conversation")
    assert "conversation_id" not in last_line(written)


@pytest.mark.parametrize("said", ["我的手机 138 0013 8000", "id 11010119900307123X please", "１３８００１３８０００"])
def test_a_personal_number_logged_by_any_module_is_masked(written: io.StringIO,
                                                          said: str) -> None:
    logging.getLogger("some.library").warning("customer wrote: %s", said)
    message = last_line(written)["message"]
    digits = "".join(ch for ch in said if ch.isdigit())
    assert message.startswith("customer wrote: ") and digits not in "".join(c for c in message if c.isdigit())
    assert "*" in message
