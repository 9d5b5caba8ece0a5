"""Attacks on console user management (/api/console/users), against a real hub process: agents and adjusters cannot
manage users (nor make themselves supervisors), nobody signed out can, another site's page cannot make
a supervisor's browser do it, garbage and oversized input changes nothing, supervisors cannot be
disabled or reset from the console, and a disabled or reset agent's sessions stop working at once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from devstack.hub_clients import HubRun
from tests.security.standalone_hub import console_session, error_code, hub_log, hub_without_bot

EVIL = "https://evil.example"
NEW = {"username": "wu.fang", "display_name": "吴芳", "languages": ["zh"], "skills": ["general"], "capacity": 2}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("user-attacks")) as run:
        yield run


@pytest.fixture
def supervisor(hub: HubRun) -> Iterator[httpx.Client]:
    client = console_session(hub, "supervisor")
    yield client
    client.close()


def users(client: httpx.Client) -> list[dict]:
    response = client.get("/api/console/users")
    assert response.status_code == 200, response.text
    return response.json()


def test_agents_and_strangers_cannot_manage_users(hub, supervisor):
    before = users(supervisor)
    agent = console_session(hub, "agent1")
    adjuster = console_session(hub, "adjuster1")
    stranger = httpx.Client(base_url=hub.url, timeout=15)
    try:
        for client, status, why in ((agent, 403, "supervisors_only"), (adjuster, 403, "supervisors_only"),
                                    (stranger, 401, "not_signed_in")):
            for response in (client.get("/api/console/users"),
                             client.post("/api/console/users", json=NEW),
                             client.post("/api/console/users", json={**NEW, "username": "agent1", "role": "supervisor"}),
                             client.post("/api/console/users/agent2/disable"),
                             client.post("/api/console/users/agent2/enable"),
                             client.post("/api/console/users/agent2/reset")):
                assert response.status_code == status and error_code(response) == why, response.text
        assert agent.get("/api/console/me").json()["role"] == "agent"
    finally:
        agent.close()
        adjuster.close()
        stranger.close()
    assert users(supervisor) == before


def test_another_sites_page_cannot_manage_users_with_a_supervisors_cookie(hub, supervisor):
    before = users(supervisor)
    for headers in ({"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        for response in (supervisor.post("/api/console/users", json=NEW, headers=headers),
                         supervisor.post("/api/console/users/agent2/disable", headers=headers),
                         supervisor.post("/api/console/users/agent2/reset", headers=headers)):
            assert response.status_code == 403 and error_code(response) == "origin_refused"
    form = supervisor.post("/api/console/users", content=json.dumps(NEW),
                           headers={"Content-Type": "text/plain", "Origin": EVIL})
    assert form.status_code == 403
    assert users(supervisor) == before
    console_session(hub, "agent2").close()  # agent2's password still works: no reset happened


def test_garbage_and_oversized_input_changes_nothing(hub, supervisor):
    before = users(supervisor)
    for body in ({**NEW, "username": "Wu Fang"}, {**NEW, "username": "../../etc"}, {**NEW, "username": "w"},
                 {**NEW, "username": "x" * 33}, {**NEW, "display_name": ""}, {**NEW, "display_name": "名" * 101},
                 {**NEW, "languages": []}, {**NEW, "languages": ["fr"]}, {**NEW, "languages": "zh"},
                 {**NEW, "skills": ["root"]}, {**NEW, "skills": []}, {**NEW, "capacity": 0}, {**NEW, "capacity": 21},
                 {**NEW, "capacity": "3; DROP TABLE hub_users"}, {**NEW, "capacity": 1e99}, [], "x", None):
        response = supervisor.post("/api/console/users", json=body)
        assert response.status_code == 422, (body, response.text)
    for raw in (b"{oops", b'{"a":' * 5000, json.dumps({**NEW, "display_name": "x" * 200_000}).encode()):
        response = supervisor.post("/api/console/users", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 413, 422), response.text
    for name in ("..", "a/b", "x" * 200, "%00", "SUPERVISOR", "nobody-here"):
        for action in ("disable", "enable", "reset"):
            response = supervisor.post(f"/api/console/users/{name}/{action}")
            assert response.status_code in (404, 422), (name, response.text)
    assert users(supervisor) == before


def test_supervisors_are_not_disabled_or_reset_from_the_console_and_names_are_unique(hub, supervisor):
    for action in ("disable", "reset"):
        response = supervisor.post(f"/api/console/users/supervisor/{action}")
        assert response.status_code == 404 and error_code(response) == "agent_not_found"
    assert supervisor.get("/api/console/me").status_code == 200  # still signed in
    taken = supervisor.post("/api/console/users", json={**NEW, "username": "agent1"})
    assert taken.status_code == 409 and error_code(taken) == "username_taken"
    console_session(hub, "agent1").close()  # agent1 untouched


def test_a_disabled_or_reset_agent_is_signed_out_everywhere_at_once(hub, supervisor):
    created = supervisor.post("/api/console/users", json=NEW)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    password = created.json()["password"]
    assert all("password" not in u for u in users(supervisor))  # listed without any secret

    laptop, phone = console_session(hub, "wu.fang", password), console_session(hub, "wu.fang", password)
    cookie = {"Cookie": f"hub_session={laptop.cookies.get('hub_session')}"}
    with connect(f"{hub.ws_url}/ws/console", additional_headers=cookie, open_timeout=10) as ws:
        assert '"hello"' in ws.recv(timeout=10)
        reset = supervisor.post("/api/console/users/wu.fang/reset")
        assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
        new_password = reset.json()["password"]
        frames = []
        with pytest.raises(ConnectionClosed):  # the hub closes it (a TimeoutError would fail the test)
            while True:
                frames.append(json.loads(ws.recv(timeout=10)))
        assert any(f.get("code") == "not_signed_in" for f in frames)
    for client in (laptop, phone):
        assert client.get("/api/console/me").status_code == 401
        client.close()
    assert error_code(httpx.post(f"{hub.url}/api/console/login", json={"username": "wu.fang", "password": password},
                           timeout=15)) == "bad_credentials"

    again = console_session(hub, "wu.fang", new_password)
    assert supervisor.post("/api/console/users/wu.fang/disable").status_code == 200
    assert again.get("/api/console/me").status_code == 401
    again.close()
    refused = httpx.post(f"{hub.url}/api/console/login", json={"username": "wu.fang", "password": new_password},
                         timeout=15)
    assert refused.status_code == 403 and error_code(refused) == "account_disabled"
    wrong = httpx.post(f"{hub.url}/api/console/login", json={"username": "wu.fang", "password": "not-it-at-all"},
                       timeout=15)
    assert wrong.status_code == 401 and error_code(wrong) == "bad_credentials"  # the disabling told only to the holder

    audit = [(r["action"], r["subject"]) for r in supervisor.get("/api/console/audit").json()]
    assert {("user_create", "wu.fang"), ("user_reset", "wu.fang"), ("user_disable", "wu.fang")} <= set(audit)
    log = hub_log(hub)
    assert password not in log and new_password not in log
