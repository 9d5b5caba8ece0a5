"""Attacks on the callback worklist (/api/console/callbacks) and on how callbacks come to be, against a real hub
process with real Redis and its SQLite record: a customer cannot list them, an agent never sees a number another
agent claimed, another site's page cannot claim or close one, two agents claiming at once get one winner, each
look at a full number is audited, and neither the chat nor the channel API can make a callback out of thin air."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator

import httpx
import pytest

from devstack import services
from devstack.hub_clients import Customer, HubRun, new_cid
from tests.security.standalone_hub import console_session, error_code, hub_without_bot

EVIL = "https://evil.example"
CALLER = "13912345678"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("callback-attacks")) as run:
        yield run


@pytest.fixture
def users(hub: HubRun) -> Iterator[dict[str, httpx.Client]]:
    clients = {name: console_session(hub, name) for name in ("agent1", "agent2", "supervisor")}
    yield clients
    for client in clients.values():
        client.close()


def voice_callback(hub: HubRun, number: str = CALLER) -> str:
    """A caller on hold asks for a callback on the keypad, as the voice gateway passes it on: the callback's id."""
    cid = new_cid("call")
    assert hub.handoff(cid, channel="voice").status_code == 201
    answer = httpx.post(f"{hub.url}/api/conversations/{cid}/choice", headers=services.HUB_KEY, timeout=10,
                        json={"choice": "callback", "caller_number": number})
    assert answer.status_code == 200, answer.text
    return callback_of(hub, cid)["callback_id"]


_WATCHERS: dict[int, httpx.Client] = {}


def listed(hub: HubRun) -> list[dict]:
    """Every callback, as a supervisor's console lists them (one sign-in per hub: bcrypt is slow on purpose)."""
    if hub.port not in _WATCHERS:
        _WATCHERS[hub.port] = console_session(hub, "supervisor")
    return _WATCHERS[hub.port].get("/api/console/callbacks").json()["callbacks"]


def callback_of(hub: HubRun, cid: str) -> dict:
    found = [c for c in listed(hub) if c["conversation_id"] == cid]
    assert len(found) == 1, found
    return found[0]


def test_signed_out_customers_and_our_services_cannot_list_callbacks(hub: HubRun) -> None:
    voice_callback(hub)
    customer = Customer(hub)  # a chat customer, with her conversation's cookie
    try:
        for headers in ({}, {"Cookie": f"hub_chat={customer.cookie}"}, services.HUB_KEY):
            answer = httpx.get(f"{hub.url}/api/console/callbacks", headers=headers, timeout=10)
            assert answer.status_code == 401 and error_code(answer) == "not_signed_in"
            assert CALLER[-4:] not in answer.text
    finally:
        customer.close()


def test_the_list_is_masked_and_only_the_claimer_sees_the_number_audited(hub: HubRun, users) -> None:
    callback_id = voice_callback(hub)
    for client in users.values():
        listed = client.get("/api/console/callbacks")
        assert listed.status_code == 200 and CALLER not in listed.text
    claim = users["agent1"].post(f"/api/console/callbacks/{callback_id}/claim")
    assert claim.status_code == 200, claim.text
    assert claim.json()["phone"] == CALLER and claim.json()["phone_source"] == "caller_id"
    assert users["agent1"].get(f"/api/console/callbacks/{callback_id}/number").json()["phone"] == CALLER
    for other in ("agent2", "supervisor"):  # a supervisor watches overdue ones; only the claimer calls
        refused = users[other].get(f"/api/console/callbacks/{callback_id}/number")
        assert refused.status_code == 403 and error_code(refused) == "not_your_callback"
        assert CALLER not in users[other].get("/api/console/callbacks").text
    audit = users["supervisor"].get("/api/console/audit").json()
    looks = [a for a in audit if a["action"] == "callback_number" and a["subject"] == callback_id]
    assert [a["username"] for a in looks] == ["agent1", "agent1"]  # the claim and the second look


def test_closing_is_the_claimers_once_and_the_number_is_gone_after(hub: HubRun, users) -> None:
    callback_id = voice_callback(hub)
    unclaimed = users["agent2"].post(f"/api/console/callbacks/{callback_id}/close", json={"outcome": "done"})
    assert unclaimed.status_code == 403 and error_code(unclaimed) == "not_your_callback"
    assert users["agent1"].post(f"/api/console/callbacks/{callback_id}/claim").status_code == 200
    stolen = users["agent2"].post(f"/api/console/callbacks/{callback_id}/close", json={"outcome": "done"})
    assert stolen.status_code == 403
    bad = users["agent1"].post(f"/api/console/callbacks/{callback_id}/close", json={"outcome": "deleted"})
    assert bad.status_code == 422
    note = f"客户说改打 {CALLER}，已回电"  # a number in a note is masked before it is stored
    closed = users["agent1"].post(f"/api/console/callbacks/{callback_id}/close", json={"outcome": "done", "note": note})
    assert closed.status_code == 200 and closed.json()["outcome"] == "done" and CALLER not in closed.text
    again = users["agent1"].post(f"/api/console/callbacks/{callback_id}/close", json={"outcome": "failed"})
    assert again.status_code == 409 and error_code(again) == "callback_closed"
    after = users["agent1"].get(f"/api/console/callbacks/{callback_id}/number")
    assert after.status_code == 409
    late = users["agent2"].post(f"/api/console/callbacks/{callback_id}/claim")
    assert late.status_code == 409 and error_code(late) == "callback_closed"


def test_another_sites_page_cannot_claim_or_close(hub: HubRun, users) -> None:
    callback_id = voice_callback(hub)
    for path, body in ((f"/api/console/callbacks/{callback_id}/claim", None),
                       (f"/api/console/callbacks/{callback_id}/close", {"outcome": "done"})):
        refused = users["agent1"].post(path, json=body, headers={"Origin": EVIL})
        assert refused.status_code == 403 and error_code(refused) == "origin_refused"
        refused = users["agent1"].post(path, json=body, headers={"Sec-Fetch-Site": "cross-site"})
        assert refused.status_code == 403
    assert _by_id(hub, callback_id)["claimed_by"] is None


def _by_id(hub: HubRun, callback_id: str) -> dict:
    return next(c for c in listed(hub) if c["callback_id"] == callback_id)


def test_two_agents_claiming_at_once_exactly_one_wins(hub: HubRun, users) -> None:
    def claim(name: str, callback_id: str, start: threading.Barrier, answers: dict[str, httpx.Response]) -> None:
        start.wait()
        answers[name] = users[name].post(f"/api/console/callbacks/{callback_id}/claim")

    for _ in range(5):
        callback_id = voice_callback(hub)
        answers: dict[str, httpx.Response] = {}
        start = threading.Barrier(2)
        threads = [threading.Thread(target=claim, args=(name, callback_id, start, answers))
                   for name in ("agent1", "agent2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        codes = sorted(a.status_code for a in answers.values())
        assert codes == [200, 409], {k: v.text for k, v in answers.items()}
        winner = next(name for name, a in answers.items() if a.status_code == 200)
        loser = next(a for a in answers.values() if a.status_code == 409)
        assert error_code(loser) == "already_claimed" and CALLER not in loser.text
        assert _by_id(hub, callback_id)["claimed_by"] == winner


def test_ids_and_bodies_that_are_not_callbacks_are_refused(hub: HubRun, users) -> None:
    agent = users["agent1"]
    assert agent.post("/api/console/callbacks/cb-00000000000000000000/claim").status_code == 404
    for bad in ("1 OR 1=1", "..%2F..%2Fetc", "cb-" + "f" * 200):
        assert agent.post(f"/api/console/callbacks/{bad}/claim").status_code in (404, 422)
    callback_id = voice_callback(hub)
    agent.post(f"/api/console/callbacks/{callback_id}/claim")
    too_long = agent.post(f"/api/console/callbacks/{callback_id}/close", json={"outcome": "done", "note": "x" * 2001})
    assert too_long.status_code == 422


def test_the_channel_api_makes_callbacks_only_for_waiting_calls_with_its_key(hub: HubRun) -> None:
    cid = new_cid("call")
    choice = {"choice": "callback", "caller_number": CALLER}
    url = f"{hub.url}/api/conversations/{cid}/choice"
    assert httpx.post(url, json=choice, timeout=10).status_code == 401  # no key
    not_waiting = httpx.post(url, json=choice, headers=services.HUB_KEY, timeout=10)
    assert not_waiting.status_code == 409 and error_code(not_waiting) == "not_waiting"
    app = httpx.post(f"{hub.url}/api/conversations/app-C0001/choice", json=choice, headers=services.HUB_KEY, timeout=10)
    assert app.status_code == 403
    assert hub.handoff(cid, channel="voice").status_code == 201
    long_number = httpx.post(url, json={**choice, "caller_number": "1" * 33}, headers=services.HUB_KEY, timeout=10)
    assert long_number.status_code == 422


def test_a_withheld_caller_id_leaves_the_call_waiting(hub: HubRun) -> None:
    cid = new_cid("call")
    assert hub.handoff(cid, channel="voice").status_code == 201
    answer = httpx.post(f"{hub.url}/api/conversations/{cid}/choice", headers=services.HUB_KEY, timeout=10,
                        json={"choice": "callback", "caller_number": "anonymous"})
    assert answer.status_code == 409 and error_code(answer) == "no_callback_number"
    assert hub.status(cid)["owner"] == "queued"  # nothing to call back: the caller keeps their place


def test_a_chat_customer_nobody_identified_gives_a_number_once_and_it_is_marked_unverified(hub: HubRun) -> None:
    customer = Customer(hub)
    try:
        early = json.dumps({"type": "callback_number", "number": CALLER})
        customer.send_raw(early)  # nobody asked: no callback
        assert customer.error("no_callback_pending")
        assert hub.handoff(customer.cid).status_code == 201
        customer.send_raw('{"type": "choice", "choice": "callback"}')
        ask = customer.event(lambda e: e.get("kind") == "callback_ask_number")
        assert ask["custom"] == {"type": "callback_number"}
        for bad in ('{"type": "callback_number", "number": "hello"}', '{"type": "callback_number", "number": 12}',
                    json.dumps({"type": "callback_number", "number": "1" * 5000})):
            customer.send_raw(bad)
            customer.error("invalid_phone")
        customer.send_raw(json.dumps({"type": "callback_number", "number": "+86 139-1234-5678"}))
        promised = customer.event(lambda e: e.get("kind") == "callback_promised_unverified")
        assert "139****5678" in promised["text"] and "30" in promised["text"]
        customer.send_raw(early)  # a second number (another tab, a replay): refused
        customer.error("no_callback_pending")
        shown = customer.event(lambda e: e.get("kind") == "callback_number")
        assert shown["text"] == "139****5678"
    finally:
        customer.close()
    made = callback_of(hub, customer.cid)
    assert made["phone_source"] == "unverified" and made["phone_masked"] == "139****5678"
    assert made["due"] - made["created"] == pytest.approx(1800, abs=1)


def test_the_database_never_holds_a_full_number(hub: HubRun, users) -> None:
    callback_id = voice_callback(hub, "13787654321")
    users["agent1"].post(f"/api/console/callbacks/{callback_id}/claim")
    path = hub.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT * FROM hub_callbacks").fetchall()
        audit = conn.execute("SELECT * FROM hub_audit").fetchall()
        transcripts = conn.execute("SELECT text FROM hub_transcripts").fetchall()
    assert rows and "13787654321" not in repr(rows) + repr(audit) + repr(transcripts)
