"""Whispers and the customer's wait, against a real hub process and real Redis (no bot behind it:
handoffs are posted on the channel API as the action server posts them).

A whisper reaches the conversation's agent and the supervisors, and nothing the customer gets: not
her chat socket's frames (live or replayed), not the transcript saved at the close, not the hub's log
Rasa is fed from."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import create_engine, text

from devstack.hub_clients import Agent, Customer, HubRun
from tests.security.standalone_hub import REDIS_URL, hub_without_bot

SECRET = "悄悄话：先别承诺赔付金额 whisper-7f3a"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    # Escalation after 4 s while nobody accepts; the offer holds 60 s, so the one agent keeps it.
    with hub_without_bot(tmp_path_factory.mktemp("whisper"), HANDOFF_ESCALATE_S="4",
                         HANDOFF_RESERVATION_S="60") as run:
        yield run


def customer_in_queue(hub: HubRun) -> Customer:
    cid, cookie = hub.chat_session()
    customer = Customer(hub, cid, cookie=cookie)
    assert hub.handoff(cid).status_code == 201
    return customer


def test_whisper_reaches_the_agent_and_never_the_customer(hub):
    agent, boss = Agent(hub, "agent1"), Agent(hub, "supervisor", available=False)
    customer = customer_in_queue(hub)
    try:
        offer = agent.offer(request_id=None)
        assert agent.accept(offer["request_id"]).status_code == 200
        customer.event(lambda e: e.get("kind") == "agent_joined")
        customer.send("我的理赔什么时候到账？")
        agent.event(lambda e: e.get("sender") == "customer")

        sent = boss.http.post(f"/api/console/conversations/{customer.cid}/whispers", json={"text": SECRET})
        assert sent.status_code == 200, sent.text
        got = agent.frames.wait_for(lambda f: f.get("type") == "whisper", 15, "whisper at the agent")
        assert got["text"] == SECRET and got["conversation_id"] == customer.cid and got["author"] == "周主管"
        boss.frames.wait_for(lambda f: f.get("type") == "whisper", 15, "whisper at the supervisors")
        assert [w["text"] for w in agent.http.get(f"/api/console/conversations/{customer.cid}/whispers").json()] \
            == [SECRET]

        # The conversation goes on after it, and ends: the customer sees all of that, and no whisper.
        assert agent.reply(customer.cid, "您好，我来查一下。").status_code == 200
        customer.event(lambda e: e.get("sender") == "agent")
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
        customer.event(lambda e: e.get("kind") == "csat_request")
        live = customer.frames.seen + customer.frames.drain(1.0)
        assert live and not [f for f in live if "whisper" in json.dumps(f, ensure_ascii=False)]

        # Reconnecting replays the whole conversation: still none.
        again = Customer(hub, customer.cid, cookie=customer.cookie)
        replayed = [again.frames.wait_for(lambda f: f.get("type") == "status", 15, "status")]
        replayed += again.frames.seen + again.frames.drain(1.0)
        again.close()
        assert any(f.get("type") == "event" for f in replayed)
        assert not [f for f in replayed if "whisper" in json.dumps(f, ensure_ascii=False)]

        # Neither the hub's log (what Rasa is fed from) nor the transcript saved at the close holds it.
        client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
        log = client.lrange(f"{hub.prefix}:c:{customer.cid}:log", 0, -1)
        client.close()
        assert log and not [line for line in log if "whisper" in line]
        engine = create_engine(hub.database_url)
        deadline = time.monotonic() + 20
        lines: list[str] = []
        while time.monotonic() < deadline and not lines:
            with engine.connect() as conn:
                lines = list(conn.execute(text("SELECT text FROM hub_transcripts WHERE conversation_id = :c"),
                                          {"c": customer.cid}).scalars())
            time.sleep(0.3)
        engine.dispose()
        assert "我的理赔什么时候到账？" in lines and not [line for line in lines if "whisper" in line]
    finally:
        customer.close()
        agent.set_state("offline")  # a closed console alone leaves the agent available
        agent.close()
        boss.close()


def test_position_one_with_an_agent_free_is_told_less_than_a_minute(hub):
    agent = Agent(hub, "agent1")
    customer = customer_in_queue(hub)
    try:
        status = customer.status(lambda s: s["owner"] == "queued")
        assert status["position"] == 1 and status["estimated_wait_s"] is not None
        assert status["estimated_wait_s"] < 60
        agent.offer()  # offered, and not taken: the escalation after 4 s says the same wait in words
        escalated = customer.event(lambda e: e.get("kind") == "escalated", 30, "escalation")
        assert "不到 1 分钟" in escalated["text"] and "秒" not in escalated["text"]
        assert escalated["estimated_wait_s"] < 60
    finally:
        customer.close()
        agent.set_state("offline")
        agent.close()


def test_with_no_agent_available_no_number_is_made_up(hub):
    Agent(hub, "agent2", available=False).close()  # signed in once, never available
    customer = customer_in_queue(hub)
    try:
        # Told at once, or within the router's next pass (the estimate reads the agents once a second).
        status = customer.status(lambda s: s["owner"] == "queued" and s["estimated_wait_s"] is None, 15)
        assert status["position"] >= 1
    finally:
        customer.close()
