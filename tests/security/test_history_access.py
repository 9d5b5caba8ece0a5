"""Attacks on the customer history, transfer and wrap-up routes, against a real hub process (real Redis,
its SQLite record): an agent reads only their own past conversations and their customers'; "this
customer" is the identity the hub verified, never an id a caller names; nobody but a signed-in console
user reaches the routes; another site's page cannot transfer or close for an agent; a transfer goes only
to an agent available now, and only of one's own conversation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from sqlalchemy.orm import Session

from desk_db.engine import make_engine
from desk_db.tables.hub import HandoffRecord, TranscriptLine
from devstack.hub_clients import Agent, Customer, HubRun, new_cid
from devstack.tokens import app_token
from tests.security.standalone_hub import console_session, error_code, hub_without_bot

EVIL = "https://evil.example"
SECRET_LINE = "C0002 的私密对话内容"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("history-attacks"), HANDOFF_RESERVATION_S="30") as run:
        yield run


@pytest.fixture(scope="module")
def others_record(hub: HubRun) -> str:
    """A closed conversation of customer C0002 that only agent2 handled."""
    rid, cid = "r-" + uuid.uuid4().hex[:16], new_cid("old")
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    engine = make_engine(hub.database_url)
    with Session(engine) as session:
        session.add(HandoffRecord(request_id=rid, conversation_id=cid, reason="complaint", language="zh",
                                  channel="chat", customer_id="C0002", summary=[], created_at=at, agent="agent2",
                                  escalated=False, outcome="closed", closed_at=at + dt.timedelta(minutes=5),
                                  label="other", wrapup="已处理"))
        session.add(TranscriptLine(conversation_id=cid, seq=1, sender="customer", text=SECRET_LINE,
                                   at=at + dt.timedelta(minutes=1)))
        session.commit()
    engine.dispose()
    return rid


@pytest.fixture
def people(hub: HubRun) -> Iterator[tuple[Agent, Agent]]:
    agent1, agent2 = Agent(hub, "agent1", available=False), Agent(hub, "agent2")
    yield agent1, agent2
    for person in (agent1, agent2):
        person.set_state("offline")
        person.close()


def test_an_agent_cannot_read_another_agents_unrelated_customer(hub: HubRun, others_record: str) -> None:
    with closing(console_session(hub, "agent1")) as agent1, closing(console_session(hub, "agent2")) as agent2, \
            closing(console_session(hub, "supervisor")) as supervisor:
        refused = agent1.get(f"/api/console/history/{others_record}")
        assert refused.status_code == 404 and error_code(refused) == "record_not_found"  # as if it did not exist
        assert SECRET_LINE not in refused.text
        for params in ({"customer_id": "C0002"}, {"agent": "agent2"}, {"label": "other"}, {}):
            found = agent1.get("/api/console/history", params=params)
            assert found.status_code == 200 and others_record not in found.text, params
        mine = agent2.get(f"/api/console/history/{others_record}")  # their own
        assert mine.status_code == 200 and mine.json()["transcript"][0]["text"] == SECRET_LINE
        assert others_record in supervisor.get("/api/console/history", params={"customer_id": "C0002"}).text
        assert supervisor.get(f"/api/console/history/{others_record}").status_code == 200


def test_history_and_transfer_of_someone_elses_live_conversation_are_refused(hub: HubRun,
                                                                              people: tuple[Agent, Agent]) -> None:
    agent1, agent2 = people
    customer = Customer(hub, token=app_token("C0001"))
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        assert hub.handoff(customer.cid).status_code == 201
        offer = agent2.offer(timeout=20)
        assert agent2.accept(offer["request_id"]).status_code == 200
        cid = customer.cid

        response = agent1.http.get(f"/api/console/conversations/{cid}/history")
        assert response.status_code == 403 and error_code(response) == "not_your_conversation"
        response = agent1.http.post(f"/api/console/conversations/{cid}/transfer", json={"to_queue": True})
        assert response.status_code == 403 and error_code(response) == "not_your_conversation"
        response = agent1.http.post(f"/api/console/conversations/{cid}/close", json={"label": "other"})
        assert response.status_code == 403

        # Only to an agent available now, not to oneself, not to a made-up name; one target at a time.
        for body, status, code in (({"to_agent": "agent1"}, 409, "agent_unavailable"),  # agent1 is away
                                   ({"to_agent": "ghost"}, 409, "agent_unavailable"),
                                   ({"to_agent": "agent2"}, 409, "same_agent"),
                                   ({"to_agent": "agent1", "to_queue": True}, 422, None),
                                   ({}, 422, None),
                                   ({"to_queue": True, "skill": "root"}, 422, None),
                                   ({"to_queue": True, "note": "x" * 501}, 422, None)):
            response = agent2.http.post(f"/api/console/conversations/{cid}/transfer", json=body)
            assert response.status_code == status, (body, response.text)
            if code:
                assert error_code(response) == code
        assert agent2.conversation(cid)["agent"] == "agent2"  # nothing moved

        # Another site's page cannot make agent2's browser transfer or close it.
        for path, body in (("transfer", {"to_queue": True}), ("close", {"label": "other"})):
            response = agent2.http.post(f"/api/console/conversations/{cid}/{path}", json=body,
                                        headers={"Origin": EVIL})
            assert response.status_code == 403 and error_code(response) == "origin_refused"
        assert agent2.conversation(cid)["owner"] == "agent"
        # agent2's own history view names the verified customer, and is audited.
        assert agent2.http.get(f"/api/console/conversations/{cid}/history").json()["customer_id"] == "C0001"
        assert agent2.http.post(f"/api/console/conversations/{cid}/close").status_code == 200
    finally:
        customer.close()


def test_a_claimed_customer_id_never_opens_a_history(hub: HubRun, people: tuple[Agent, Agent],
                                                     others_record: str) -> None:
    """A handoff that names C0002 for a chat that proved nothing: the console shows no customer and no history."""
    _, agent2 = people
    cid = new_cid("claim")
    assert hub.handoff(cid, customer_id="C0002").status_code == 201
    offer = agent2.offer(timeout=20)
    assert offer["customer_id"] is None
    assert agent2.accept(offer["request_id"]).status_code == 200
    history = agent2.http.get(f"/api/console/conversations/{cid}/history")
    assert history.status_code == 200 and history.json() == {"customer_id": None, "conversations": []}
    assert agent2.http.post(f"/api/console/conversations/{cid}/close").status_code == 200


def test_customers_and_strangers_cannot_reach_the_routes(hub: HubRun, others_record: str) -> None:
    cid, cookie = hub.chat_session()
    with httpx.Client(base_url=hub.url, timeout=15, cookies={"hub_chat": cookie}) as customer:
        for response in (customer.get(f"/api/console/conversations/{cid}/history"),
                         customer.get("/api/console/history", params={"customer_id": "C0002"}),
                         customer.get(f"/api/console/history/{others_record}"),
                         customer.get("/api/console/transfer/agents"),
                         customer.get("/api/console/wrapup/labels"),
                         customer.post(f"/api/console/conversations/{cid}/transfer", json={"to_queue": True}),
                         customer.post(f"/api/console/conversations/{cid}/close", json={"label": "other"})):
            assert response.status_code == 401, response.request.url
            assert SECRET_LINE not in response.text


def test_bad_input_is_refused(hub: HubRun) -> None:
    with closing(console_session(hub, "supervisor")) as supervisor:
        for path in ("/api/console/history/../../etc", "/api/console/history/r-zz",
                     "/api/console/history/" + "r-" + "a" * 200):
            assert supervisor.get(path).status_code == 404, path
        for params in ({"since": "yesterday"}, {"customer_id": "C" * 33}, {"agent": "a" * 65}):
            assert supervisor.get("/api/console/history", params=params).status_code == 422, params
