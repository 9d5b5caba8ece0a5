"""A real Rasa turn's events, published to RabbitMQ and written by the event record: all of them, in
Rasa's order, with personal numbers masked and the app token gone."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import create_engine, text

from devstack import services
from devstack.tokens import app_token
from tests.conftest import Chat


def stored(events_url: str, sender: str) -> list[dict]:
    engine = create_engine(events_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}).scalars()
            return [json.loads(row) for row in rows]
    finally:
        engine.dispose()


def test_a_turns_events_arrive_in_order_masked_and_without_the_token(stack) -> None:
    token = app_token("C0001")
    chat = Chat(stack.rasa_url, {"token": token})
    chat.say("你好")
    chat.say("我的手机号是13800138000")
    services.wait_for_event_record(stack.events_url)
    events = stored(stack.events_url, chat.sender)

    tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker", params={"include_events": "ALL"},
                        auth=services.rasa_auth(), timeout=10).json()
    assert [(e["event"], e.get("name")) for e in events] == [(e["event"], e.get("name")) for e in tracker["events"]]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert said == ["你好", "我的手机号是138****8000"]
    raw = json.dumps(events, ensure_ascii=False)
    assert "13800138000" not in raw and token not in raw and token.split(".")[-1] not in raw
