"""Typing signals cannot be abused: a flood is cut to one signal per two seconds, an agent cannot
signal into a conversation that is not theirs, garbage gets an error and no relay, and a conversation
with the bot or in the queue relays nothing (nobody there to tell, and nothing to learn for a prober)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from devstack.hub_clients import Agent, Customer, HubRun
from handoff.typing_indicator import EVERY_S
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("typing"), HANDOFF_RESERVATION_S="30") as run:
        yield run


def typing_frames(frames: list[dict], sender: str) -> list[dict]:
    return [f for f in frames if f.get("type") == "typing" and f.get("sender") == sender]


def test_typing_is_rate_limited_and_only_between_the_customer_and_her_agent(hub: HubRun) -> None:
    customer = Customer(hub)
    agent1 = Agent(hub, "agent1")
    agent2 = Agent(hub, "agent2", available=False)
    watcher = Agent(hub, "supervisor", available=False)  # a supervisor's socket gets every conversation's events
    try:
        customer.send_raw(json.dumps({"type": "typing"}))  # with the bot: relayed to nobody
        assert hub.handoff(customer.cid).status_code == 201
        customer.send_raw(json.dumps({"type": "typing"}))  # in the queue: relayed to nobody
        offer = agent1.offer()
        assert agent1.accept(offer["request_id"]).status_code == 200
        customer.status(lambda s: s.get("owner") == "agent")
        agent1.frames.drain(EVERY_S)  # the signals above spent the customer's allowance for two seconds
        assert typing_frames(watcher.frames.drain(0.1), "customer") == []

        # A flood from the customer: the agent gets one signal per two seconds, not fifty (two, if the
        # hub was slow enough on a loaded host to read the flood across a two-second mark).
        for _ in range(50):
            customer.send_raw(json.dumps({"type": "typing"}))
        got = typing_frames(agent1.frames.drain(1.5), "customer")
        assert 1 <= len(got) <= 2 and got[0]["conversation_id"] == customer.cid

        # agent2 does not have this conversation: nothing reaches the customer.
        agent2.frames.ws.send(json.dumps({"type": "typing", "conversation_id": customer.cid}))
        assert typing_frames(customer.frames.drain(1.5), "agent") == []
        # Its owner's does, once per two seconds however often it is sent.
        for _ in range(20):
            agent1.frames.ws.send(json.dumps({"type": "typing", "conversation_id": customer.cid}))
        assert 1 <= len(typing_frames(customer.frames.drain(1.5), "agent")) <= 2

        # Garbage in the console socket: an error, no relay, the socket stays usable.
        for bad in ({"type": "typing"}, {"type": "typing", "conversation_id": "../" * 30},
                    {"type": "typing", "conversation_id": ["x"]}, {"type": "typing", "conversation_id": "x" * 5000}):
            agent1.frames.ws.send(json.dumps(bad))
        errors = [f for f in agent1.frames.drain(1.5) if f.get("type") == "error"]
        assert {e["code"] for e in errors} <= {"invalid_conversation_id", "unknown_type"} and len(errors) == 4
        agent1.frames.ws.send(json.dumps({"type": "ping"}))
        agent1.frames.wait_for(lambda f: f.get("type") == "pong", 5, "pong")
        assert typing_frames(customer.frames.drain(0.5), "agent") == []

        # Nothing of it in the record: the conversation holds only what was said.
        view = agent1.conversation(customer.cid)
        assert all(e.get("sender") in ("system", "customer", "bot", "agent") and e.get("type") != "typing"
                   for e in view["transcript"])
        assert not [e for e in view["transcript"] if e.get("kind") == "typing"]
    finally:
        customer.close()
        agent1.close()
        agent2.close()
        watcher.close()
