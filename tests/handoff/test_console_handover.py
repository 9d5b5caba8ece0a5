"""Transfer, wrap-up and the customer's history on a real hub (real Redis, its SQLite record), without a
bot: the customer is signed in with her app token (the hub's verified identity), her handoff is posted on
the channel API, agents work through the console's HTTP API and WebSocket.

- agent1 transfers her to agent2 (王强) with a note: she is told, agent2 gets the conversation with the
  note (a phone number in it masked), agent1 loses it; agent2 closes with a label and a one-line summary.
- Her next conversation shows both legs in the history (transferred; closed with label and summary), each
  readable read-only; every read is in the audit table.
- A transfer back to the queue for a skill is offered to the colleague with it, not back to the sender,
  with the note on the offer; the transfer's wait and the labels are in the supervisor's figures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.hub_clients import Agent, Customer, HubRun
from devstack.tokens import app_token
from tests.security.standalone_hub import hub_without_bot

NOTE = "客户理赔材料已收齐，请跟进；电话 13800138000"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("handover"), HANDOFF_RESERVATION_S="30") as run:
        yield run


@pytest.fixture
def agents(hub: HubRun) -> Iterator[tuple[Agent, Agent, Agent]]:
    people = (Agent(hub, "agent1"), Agent(hub, "agent2"), Agent(hub, "supervisor", available=False))
    yield people
    for person in people:
        person.set_state("offline")
        person.close()


def signed_in_customer(hub: HubRun, customer_id: str = "C0001") -> Customer:
    customer = Customer(hub, token=app_token(customer_id))
    customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
    return customer


def to_agent(hub: HubRun, customer: Customer, agent: Agent, **fields: object) -> str:
    """Her handoff, offered to and accepted by `agent`; the request id."""
    assert hub.handoff(customer.cid, **fields).status_code == 201
    offer = agent.offer(timeout=20)
    assert offer["conversation_id"] == customer.cid and offer["customer_id"] == "C0001"
    assert agent.accept(offer["request_id"]).status_code == 200
    return offer["request_id"]


def test_transfer_to_a_colleague_then_wrap_up_shows_in_the_next_conversations_history(
        hub: HubRun, agents: tuple[Agent, Agent, Agent]) -> None:
    agent1, agent2, supervisor = agents
    customer = signed_in_customer(hub)
    try:
        agent2.set_state("away")  # the first offer goes to agent1
        first_rid = to_agent(hub, customer, agent1)
        agent2.set_state("available")
        assert agent1.reply(customer.cid, "您好，我先看一下").status_code == 200

        response = agent1.http.post(f"/api/console/conversations/{customer.cid}/transfer",
                                    json={"to_agent": "agent2", "note": NOTE})
        assert response.status_code == 200, response.text
        assert response.json()["to"] == "agent2"
        told = customer.event(lambda e: e.get("kind") == "transferred_agent", 10, "transfer notice")
        assert "王强" in told["text"]
        agent1.frames.wait_for(lambda f: f.get("type") == "conversation_closed"
                               and f.get("outcome") == "transferred", 10, "closed for agent1")
        agent2.frames.wait_for(lambda f: f.get("type") == "assigned" and f["conversation_id"] == customer.cid,
                               10, "assigned to agent2")
        view = agent2.conversation(customer.cid)
        assert view["owner"] == "agent" and view["agent"] == "agent2"
        assert view["request"]["customer_id"] == "C0001"  # the verified identity travels with her
        assert view["request"]["transfer_by"] == "李娜"
        assert "13800138000" not in str(view["request"]) and "请跟进" in view["request"]["transfer_note"]
        assert any("请跟进" in n["text"] for n in view["notes"])
        assert agent1.reply(customer.cid, "还在吗").status_code == 403  # no longer agent1's
        assert agent2.reply(customer.cid, "我是王强，接着为您处理").status_code == 200

        bad = agent2.http.post(f"/api/console/conversations/{customer.cid}/close",
                               json={"label": "no_such_label", "summary": "x"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_label"
        assert agent2.conversation(customer.cid)["owner"] == "agent"  # a refused wrap-up closes nothing
        closed = agent2.http.post(f"/api/console/conversations/{customer.cid}/close",
                                  json={"label": "complaint_claim", "summary": "理赔进度投诉，已催办 13800138000"})
        assert closed.status_code == 200, closed.text
    finally:
        customer.close()

    later = signed_in_customer(hub)  # her next chat, another day
    try:
        agent2.set_state("away")
        second_rid = to_agent(hub, later, agent1)
        history = agent1.http.get(f"/api/console/conversations/{later.cid}/history")
        assert history.status_code == 200, history.text
        data = history.json()
        assert data["customer_id"] == "C0001"
        legs = {row["request_id"]: row for row in data["conversations"]}
        assert second_rid not in legs
        assert legs[first_rid]["outcome"] == "transferred" and legs[first_rid]["agent"] == "agent1"
        wrapped = next(row for row in legs.values() if row["transferred_from"] == first_rid)
        assert wrapped["outcome"] == "closed" and wrapped["agent"] == "agent2"
        assert wrapped["label"] == "complaint_claim" and wrapped["wrapup"].startswith("理赔进度投诉")
        assert "13800138000" not in wrapped["wrapup"]

        past = agent1.http.get(f"/api/console/history/{wrapped['request_id']}")
        assert past.status_code == 200, past.text
        texts = [line["text"] for line in past.json()["transcript"]]
        assert "我是王强，接着为您处理" in texts and "您好，我先看一下" not in texts  # that leg only
        assert any("请跟进" in n["text"] for n in past.json()["notes"])

        found = supervisor.http.get("/api/console/history", params={"label": "complaint_claim"}).json()
        assert [r["request_id"] for r in found] == [wrapped["request_id"]]
        audit = supervisor.http.get("/api/console/audit").json()
        actions = {(r["username"], r["action"]) for r in audit}
        assert {("agent1", "view_history"), ("agent1", "view_past_conversation"),
                ("supervisor", "search_history")} <= actions
        assert agent1.http.post(f"/api/console/conversations/{later.cid}/close").status_code == 200
    finally:
        later.close()


def test_transfer_to_the_queue_goes_to_a_colleague_with_the_skill(
        hub: HubRun, agents: tuple[Agent, Agent, Agent]) -> None:
    agent1, agent2, supervisor = agents
    customer = signed_in_customer(hub)
    try:
        agent2.set_state("away")
        to_agent(hub, customer, agent1)
        agent2.set_state("available")
        response = agent1.http.post(f"/api/console/conversations/{customer.cid}/transfer",
                                    json={"to_queue": True, "skill": "complaints", "note": "投诉升级"})
        assert response.status_code == 200, response.text
        customer.event(lambda e: e.get("kind") == "transferred_queue", 10, "queue notice")
        offer = agent2.offer(timeout=20)
        assert offer["conversation_id"] == customer.cid
        assert offer["transfer_note"] == "投诉升级" and offer["transfer_by"] == "李娜"
        assert agent2.accept(offer["request_id"]).status_code == 200
        customer.event(lambda e: e.get("kind") == "agent_joined" and "王强" in e.get("text", ""), 10, "joined")
        assert agent2.http.post(f"/api/console/conversations/{customer.cid}/close",
                                json={"label": "complaint_service", "summary": ""}).status_code == 200
    finally:
        customer.close()
    figures = supervisor.http.get("/api/console/wrapup/figures")
    assert figures.status_code == 200, figures.text
    body = figures.json()
    assert body["transfers"] >= 1 and body["transfer_waits"] >= 1 and body["transfer_wait_p50_s"] is not None
    assert body["labels"].get("complaint_service", 0) >= 1
    assert agent1.http.get("/api/console/wrapup/figures").status_code == 403
