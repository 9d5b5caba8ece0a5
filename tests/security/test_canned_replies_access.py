"""Attacks on the canned replies (/api/console/canned), against a real hub process: only supervisors
change them, agents only read them, nobody signed out sees them, another site's page cannot make a
supervisor's browser change them, and oversized or garbage input is refused without a change."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from devstack.hub_clients import HubRun
from tests.security.standalone_hub import console_session, error_code, hub_without_bot

EVIL = "https://evil.example"
GOOD = {"language": "zh", "shortcode": "probe", "text": "测试回复"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("canned-attacks")) as run:
        yield run


@pytest.fixture
def supervisor(hub: HubRun) -> Iterator[httpx.Client]:
    client = console_session(hub, "supervisor")
    yield client
    client.close()


@pytest.fixture
def agent(hub: HubRun) -> Iterator[httpx.Client]:
    client = console_session(hub, "agent1")
    yield client
    client.close()


def replies(client: httpx.Client) -> list[dict]:
    response = client.get("/api/console/canned")
    assert response.status_code == 200, response.text
    return response.json()


def test_agents_read_but_cannot_change_canned_replies(hub, supervisor, agent):
    target = next(r for r in replies(supervisor) if (r["language"], r["shortcode"]) == ("zh", "hello"))
    before = replies(supervisor)
    assert replies(agent) == before  # agents read them all
    for response in (agent.post("/api/console/canned", json=GOOD),
                     agent.put(f"/api/console/canned/{target['id']}", json=GOOD),
                     agent.delete(f"/api/console/canned/{target['id']}")):
        assert response.status_code == 403 and error_code(response) == "supervisors_only"
    assert replies(supervisor) == before


def test_nobody_signed_out_reads_or_changes_them(hub, supervisor):
    before = replies(supervisor)
    with httpx.Client(base_url=hub.url, timeout=15) as stranger:
        for response in (stranger.get("/api/console/canned"), stranger.post("/api/console/canned", json=GOOD),
                         stranger.put(f"/api/console/canned/{before[0]['id']}", json=GOOD),
                         stranger.delete(f"/api/console/canned/{before[0]['id']}")):
            assert response.status_code == 401 and error_code(response) == "not_signed_in"
    with httpx.Client(base_url=hub.url, timeout=15, cookies={"hub_session": "forged-" + "x" * 40}) as forged:
        assert forged.get("/api/console/canned").status_code == 401
    assert replies(supervisor) == before


def test_another_sites_page_cannot_change_them_with_a_supervisors_cookie(hub, supervisor):
    before = replies(supervisor)
    target = before[0]["id"]
    for headers in ({"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        for response in (supervisor.post("/api/console/canned", json=GOOD, headers=headers),
                         supervisor.put(f"/api/console/canned/{target}", json=GOOD, headers=headers),
                         supervisor.delete(f"/api/console/canned/{target}", headers=headers)):
            assert response.status_code == 403 and error_code(response) == "origin_refused"
    # A form another site posts (no JSON content type, no CORS preflight) is refused too.
    form = supervisor.post("/api/console/canned", content=json.dumps(GOOD),
                           headers={"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"})
    assert form.status_code == 403
    assert replies(supervisor) == before


def test_garbage_and_oversized_input_is_refused_and_changes_nothing(hub, supervisor):
    before = replies(supervisor)
    target = before[0]["id"]
    bad_bodies = [
        {**GOOD, "language": "fr"}, {**GOOD, "shortcode": "Hello"}, {**GOOD, "shortcode": "../etc"},
        {**GOOD, "shortcode": "a" * 33}, {**GOOD, "shortcode": ""}, {**GOOD, "shortcode": "你好"},
        {**GOOD, "shortcode": "ok\nbad"}, {**GOOD, "text": ""}, {**GOOD, "text": "   \n "},
        {**GOOD, "text": "长" * 2001}, {**GOOD, "text": ["list"]}, {**GOOD, "language": None},
        {"language": "zh", "text": "no shortcode"}, [], "just a string",
    ]
    for body in bad_bodies:
        for response in (supervisor.post("/api/console/canned", json=body),
                         supervisor.put(f"/api/console/canned/{target}", json=body)):
            assert response.status_code == 422, (body, response.text)
    for raw in (b"{not json", b"\xff\xfe", b'{"a":' * 5000):
        response = supervisor.post("/api/console/canned", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 422), response.text
    huge = supervisor.post("/api/console/canned", content=json.dumps({**GOOD, "text": "x" * 200_000}),
                           headers={"Content-Type": "application/json"})
    assert huge.status_code == 413
    for reply_id in ("0", "-1", str(2**40), "abc", "1.5", "1;DROP TABLE hub_canned_replies"):
        assert supervisor.put(f"/api/console/canned/{reply_id}", json=GOOD).status_code in (404, 422)
        assert supervisor.delete(f"/api/console/canned/{reply_id}").status_code in (404, 422)
    assert supervisor.get("/api/console/canned", params={"language": "' OR 1=1 --"}).status_code == 422
    assert replies(supervisor) == before


def test_a_shortcode_is_unique_per_language_and_missing_replies_say_so(hub, supervisor):
    created = supervisor.post("/api/console/canned", json=GOOD)
    assert created.status_code == 201, created.text
    reply = created.json()
    assert reply["updated_by"] == "supervisor"
    again = supervisor.post("/api/console/canned", json={**GOOD, "text": "另一条"})
    assert again.status_code == 409 and error_code(again) == "canned_shortcode_taken"
    assert supervisor.post("/api/console/canned", json={**GOOD, "language": "en"}).status_code == 201
    hello = next(r for r in replies(supervisor) if (r["language"], r["shortcode"]) == ("zh", "hello"))
    clash = supervisor.put(f"/api/console/canned/{hello['id']}", json=GOOD)  # renaming onto a taken shortcode
    assert clash.status_code == 409
    assert supervisor.delete(f"/api/console/canned/{reply['id']}").status_code == 200
    gone = supervisor.delete(f"/api/console/canned/{reply['id']}")
    assert gone.status_code == 404 and error_code(gone) == "canned_not_found"
    assert supervisor.put(f"/api/console/canned/{reply['id']}", json=GOOD).status_code == 404
    audit = [r["action"] for r in supervisor.get("/api/console/audit").json()]
    assert {"canned_create", "canned_update", "canned_delete"} <= set(audit)
