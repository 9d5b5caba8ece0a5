"""Hand back with messages the agent left unanswered, against a real hub process and real Redis (no
bot behind it: a message relayed to the bot gets the hub's "assistant unavailable" answer, which is
how these tests see that it was relayed). By default the bot does not take them, so a "转人工" is not
run again and does not put the customer straight back in the queue; the agent may choose it does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from devstack.hub_clients import Agent, Customer, HubRun
from tests.security.standalone_hub import REDIS_URL, hub_without_bot


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("handback")) as run:
        yield run


def unanswered_at_hand_back(hub: HubRun, agent: Agent, body: dict | None) -> Customer:
    cid, cookie = hub.chat_session()
    customer = Customer(hub, cid, cookie=cookie)
    assert hub.handoff(cid).status_code == 201
    assert agent.accept(agent.offer()["request_id"]).status_code == 200
    assert agent.reply(cid, "请问还有什么问题？").status_code == 200
    customer.event(lambda e: e.get("sender") == "agent")
    customer.send("转人工")
    agent.event(lambda e: e.get("text") == "转人工" and e.get("conversation_id") == cid)
    response = agent.http.post(f"/api/console/conversations/{cid}/handback", **({"json": body} if body else {}))
    assert response.status_code == 200, response.text
    customer.event(lambda e: e.get("kind") == "handed_back")
    return customer


def test_by_default_the_bot_does_not_take_what_the_agent_left_unanswered(hub):
    agent = Agent(hub, "agent1")
    try:
        for body in (None, {"bot_answers": False}):
            customer = unanswered_at_hand_back(hub, agent, body)
            try:
                later = customer.frames.drain(4.0)
                assert not [f for f in later if f.get("type") == "event" and f.get("sender") in ("bot", "system")
                            and f.get("kind") != "handed_back"], later
                assert not [f for f in later if f.get("type") == "status" and f.get("owner") == "queued"]
                client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
                assert client.llen(f"{hub.prefix}:c:{customer.cid}:botq") == 0
                assert not client.sismember(f"{hub.prefix}:botpending", customer.cid)
                client.close()
                assert hub.status(customer.cid)["owner"] == "bot"
            finally:
                customer.close()
    finally:
        agent.set_state("offline")
        agent.close()


def test_the_agent_may_choose_that_the_bot_answers_them(hub):
    agent = Agent(hub, "agent1")
    customer = unanswered_at_hand_back(hub, agent, {"bot_answers": True})
    try:
        # Relayed to the bot (here unreachable: the hub's own "assistant unavailable" answer says so).
        customer.event(lambda e: e.get("kind") == "bot_unavailable", 30, "the bot's turn")
    finally:
        customer.close()
        agent.set_state("offline")
        agent.close()


def test_garbage_choices_are_refused(hub):
    agent = Agent(hub, "agent1")
    cid, cookie = hub.chat_session()
    customer = Customer(hub, cid, cookie=cookie)
    try:
        assert hub.handoff(cid).status_code == 201
        assert agent.accept(agent.offer()["request_id"]).status_code == 200
        for body in ({"bot_answers": "maybe"}, {"bot_answers": [1]}, [], "yes"):
            response = agent.http.post(f"/api/console/conversations/{cid}/handback", json=body)
            assert response.status_code == 422, (body, response.text)
        assert hub.status(cid)["owner"] == "agent"
    finally:
        customer.close()
        agent.set_state("offline")
        agent.close()
