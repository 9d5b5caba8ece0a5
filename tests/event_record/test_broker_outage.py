"""RabbitMQ away, when Rasa starts and again in the middle of a conversation: the customer is answered
all the same, and the events of those turns, kept in Rasa's memory meanwhile, reach the table once
RabbitMQ is back. (RabbitMQ is cut for this Rasa only, by a proxy: other tests share the broker.)"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from devstack import services
from tests.conftest import Chat
from tests.event_record.tcp_proxy import TcpProxy

# An answer must not wait on RabbitMQ; generous for a loaded host, far below Rasa's own broker, which
# retries 20 times, 5 s apart, before it gives up at start-up.
ANSWER_WITHIN_S = 20


def stored_kinds(events_url: str, sender: str) -> list[str]:
    engine = create_engine(events_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
            return [row.data for row in rows]
    except Exception:  # the table is made by the event record when it starts
        return []
    finally:
        engine.dispose()


def answered_in_time(chat: Chat) -> str:
    start = time.monotonic()
    answer = chat.say("你好")
    assert time.monotonic() - start < ANSWER_WITHIN_S
    return answer


def wait_for_events(events_url: str, sender: str, timeout_s: float = 90) -> list[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rows = stored_kinds(events_url, sender)
        if any('"event": "user"' in row for row in rows) and any('"event": "bot"' in row for row in rows):
            return rows
        time.sleep(0.5)
    raise AssertionError(f"the events of {sender} did not arrive in {timeout_s}s")


@pytest.mark.timeout(900)
def test_customer_is_answered_while_rabbitmq_is_away_and_the_events_follow(stack, tmp_path: Path) -> None:
    proxy = TcpProxy(services.free_port(), ("127.0.0.1", services.RABBITMQ_PORT))
    events_url = f"sqlite:///{tmp_path / 'rasa-events.db'}"
    with services.rasa_server(stack.actions_url, tmp_path, broker_port=proxy.port) as rasa_url:
        try:
            # Away since Rasa started.
            first = Chat(rasa_url)
            assert "智能客服" in answered_in_time(first)
            assert stored_kinds(events_url, first.sender) == []
            proxy.start()
            wait_for_events(events_url, first.sender)

            # Gone in the middle of the conversation.
            proxy.cut()
            assert "智能客服" in answered_in_time(first)
            second = Chat(rasa_url)
            assert "智能客服" in answered_in_time(second)
            proxy.start()
            wait_for_events(events_url, second.sender)
            services.wait_for_event_record(events_url)
            assert sum('"event": "user"' in row for row in stored_kinds(events_url, first.sender)) == 2
        finally:
            proxy.cut()
