"""Attacks on whispers (POST/GET /api/console/conversations/{cid}/whispers), against a real hub
process: only supervisors whisper (not the conversation's own agent, nobody signed out, no forged
session, no customer), only the conversation's agent and supervisors read them, another site's page
cannot make a supervisor's browser whisper, and garbage is refused without a whisper kept."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import httpx
import pytest

from devstack.hub_clients import Agent, Customer, HubRun, new_cid
from tests.security.standalone_hub import console_session, error_code, hub_without_bot

EVIL = "https://evil.example"
GOOD = {"text": "请先核实保单号"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("whisper-attacks"), HANDOFF_RESERVATION_S="60") as run:
        yield run


@pytest.fixture(scope="module")
def live(hub: HubRun) -> Iterator[tuple[str, str, Agent]]:
    """A conversation agent1 handles: (its id, the customer's resume cookie, agent1)."""
    cid, cookie = hub.chat_session()
    agent = Agent(hub, "agent1")
    assert hub.handoff(cid).status_code == 201
    assert agent.accept(agent.offer()["request_id"]).status_code == 200
    yield cid, cookie, agent
    agent.close()


@pytest.fixture(scope="module")
def supervisor(hub: HubRun) -> Iterator[httpx.Client]:
    with contextlib.closing(console_session(hub, "supervisor")) as client:
        yield client


def whispers(client: httpx.Client, cid: str) -> list[dict]:
    response = client.get(f"/api/console/conversations/{cid}/whispers")
    assert response.status_code == 200, response.text
    return response.json()


def test_agents_cannot_whisper_not_even_in_their_own_conversation(hub, live, supervisor):
    cid, _, agent1 = live
    before = whispers(supervisor, cid)
    response = agent1.http.post(f"/api/console/conversations/{cid}/whispers", json=GOOD)
    assert response.status_code == 403 and error_code(response) == "supervisors_only"
    agent2 = console_session(hub, "agent2")
    try:
        response = agent2.post(f"/api/console/conversations/{cid}/whispers", json=GOOD)
        assert response.status_code == 403 and error_code(response) == "supervisors_only"
        # Nor read another agent's: they are about a conversation agent2 has nothing to do with.
        read = agent2.get(f"/api/console/conversations/{cid}/whispers")
        assert read.status_code == 403 and error_code(read) == "not_your_conversation"
    finally:
        agent2.close()
    # The console socket takes no whisper either.
    agent1.frames.ws.send(json.dumps({"type": "whisper", "conversation_id": cid, "text": "x"}))
    agent1.frames.wait_for(lambda f: f.get("type") == "error" and f.get("code") == "unknown_type", 10)
    assert whispers(supervisor, cid) == before


def test_nobody_signed_out_no_forged_session_and_no_customer_whispers_or_reads(hub, live, supervisor):
    cid, cookie, _ = live
    before = whispers(supervisor, cid)
    for cookies in ({}, {"hub_session": "forged-" + "x" * 40}, {"hub_chat": cookie}):
        with httpx.Client(base_url=hub.url, timeout=15, cookies=cookies) as stranger:
            for response in (stranger.post(f"/api/console/conversations/{cid}/whispers", json=GOOD),
                             stranger.get(f"/api/console/conversations/{cid}/whispers")):
                assert response.status_code == 401 and error_code(response) == "not_signed_in"
    assert whispers(supervisor, cid) == before


def test_another_sites_page_cannot_whisper_with_a_supervisors_cookie(hub, live, supervisor):
    cid = live[0]
    before = whispers(supervisor, cid)
    for headers in ({"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        response = supervisor.post(f"/api/console/conversations/{cid}/whispers", json=GOOD, headers=headers)
        assert response.status_code == 403 and error_code(response) == "origin_refused"
    form = supervisor.post(f"/api/console/conversations/{cid}/whispers", content=json.dumps(GOOD),
                           headers={"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"})
    assert form.status_code == 403
    assert whispers(supervisor, cid) == before


def test_garbage_and_wrong_conversations_are_refused(hub, live, supervisor):
    cid = live[0]
    before = whispers(supervisor, cid)
    for body in ({"text": ""}, {"text": "  \n "}, {"text": "长" * 1001}, {"text": ["x"]}, {}, [], "text"):
        response = supervisor.post(f"/api/console/conversations/{cid}/whispers", json=body)
        assert response.status_code == 422, (body, response.text)
    huge = supervisor.post(f"/api/console/conversations/{cid}/whispers", content=json.dumps({"text": "x" * 200_000}),
                           headers={"Content-Type": "application/json"})
    assert huge.status_code == 413
    for bad in ("short", "a" * 65, "bad id!", "..%2F..%2Fetc"):
        assert supervisor.post(f"/api/console/conversations/{bad}/whispers", json=GOOD).status_code in (404, 422)
    missing = supervisor.post(f"/api/console/conversations/{new_cid('none')}/whispers", json=GOOD)
    assert missing.status_code == 404 and error_code(missing) == "conversation_not_found"
    # A conversation still waiting for an agent: nobody to whisper to.
    waiting = new_cid("wait")
    assert hub.handoff(waiting).status_code == 201
    response = supervisor.post(f"/api/console/conversations/{waiting}/whispers", json=GOOD)
    assert response.status_code == 409 and error_code(response) == "not_with_agent"
    assert whispers(supervisor, cid) == before


def test_a_supervisors_whisper_is_kept_masked_and_read_by_the_agent(hub, live, supervisor):
    cid, cookie, agent1 = live
    sent = supervisor.post(f"/api/console/conversations/{cid}/whispers", json={"text": "她的手机 13800138000 已核实"})
    assert sent.status_code == 200, sent.text
    assert "13800138000" not in sent.text  # personal numbers masked before the whisper is kept or sent
    assert whispers(agent1.http, cid)[-1]["text"] == sent.json()["text"]
    # The customer's own socket never carries it.
    customer = Customer(hub, cid, cookie=cookie)
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "status", 15, "status")
        assert not [f for f in customer.frames.seen + customer.frames.drain(1.0) if "已核实" in json.dumps(f, ensure_ascii=False)]
    finally:
        customer.close()
