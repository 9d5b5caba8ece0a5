"""Cross-site attacks on a signed-in agent's console, against a real hub process: another site's page
makes the agent's browser post to the console API (CSRF) or open the console WebSocket (cross-site
WebSocket hijacking) with the agent's session cookie. The hub refuses every state-changing request and
every console socket whose Origin is not its own (or on HANDOFF_ALLOWED_ORIGINS); the console's own
pages, our services (no browser, no Origin) and an allow-listed app still get through."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from devstack.hub_clients import HubRun
from tests.security.standalone_hub import hub_without_bot

EVIL = "https://evil.example"
APP_ORIGIN = "https://app.insurer.example"  # the insurer's app, served elsewhere and allow-listed


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("cross-origin"), HANDOFF_ALLOWED_ORIGINS=APP_ORIGIN) as run:
        yield run


def signed_in(hub: HubRun, username: str = "agent1") -> httpx.Client:
    client = httpx.Client(base_url=hub.url, timeout=15)
    response = client.post("/api/console/login", json={"username": username, "password": hub.passwords[username]},
                           headers={"Origin": hub.url})
    assert response.status_code == 200, response.text
    return client


def state_of(client: httpx.Client) -> str:
    return client.get("/api/console/me").json()["state"]


def assert_origin_refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "origin_refused"
    assert "Cross-origin request refused" in error["message"] and "跨站请求已被拒绝" in error["message"]


def test_cross_origin_post_with_an_agents_cookie_is_refused(hub):
    agent = signed_in(hub)
    try:
        assert agent.post("/api/console/me/state", json={"state": "away"}).status_code == 200
        for headers in ({"Origin": EVIL}, {"Origin": "null"},  # a sandboxed frame or a data: page
                        {"Origin": hub.url.replace("127.0.0.1", "localhost")},  # another host name
                        {"Sec-Fetch-Site": "cross-site"},  # a browser that sends no Origin
                        {"Sec-Fetch-Site": "same-site"}):  # a sibling sub-domain is another origin too
            for path, body in (("/api/console/me/state", {"state": "available"}),
                               ("/api/console/logout", None),
                               ("/api/console/conversations/web-0123456789abcdef/messages", {"text": "hi"})):
                assert_origin_refused(agent.post(path, json=body, headers=headers))
        assert state_of(agent) == "away"  # nothing of it happened; the session still works
        # The console's own page, an allow-listed app, and a non-browser client (no Origin) get through.
        for headers in ({"Origin": hub.url, "Sec-Fetch-Site": "same-origin"}, {"Origin": APP_ORIGIN}, {}):
            assert agent.post("/api/console/me/state", json={"state": "available"}, headers=headers).status_code == 200
            assert state_of(agent) == "available"
            agent.post("/api/console/me/state", json={"state": "away"})
    finally:
        agent.close()


def test_cross_origin_sign_in_is_refused(hub):
    """Login CSRF: a foreign page signs the victim's browser in to the attacker's account."""
    response = httpx.post(f"{hub.url}/api/console/login", headers={"Origin": EVIL},
                          json={"username": "agent2", "password": hub.passwords["agent2"]}, timeout=15)
    assert_origin_refused(response)
    assert "hub_session" not in response.cookies
    signed_in(hub, "agent2").close()


def test_console_socket_from_a_foreign_origin_is_refused(hub):
    agent = signed_in(hub)
    cookie = {"Cookie": f"hub_session={agent.cookies.get('hub_session')}"}
    try:
        for origin in (EVIL, "null"):
            with pytest.raises(InvalidStatus) as refused:
                connect(f"{hub.ws_url}/ws/console", origin=origin, additional_headers=cookie, open_timeout=10)
            assert refused.value.response.status_code == 403
            assert b"origin_refused" in refused.value.response.body
        for origin in (hub.url, APP_ORIGIN):  # the console page itself, and the allow-listed app
            with connect(f"{hub.ws_url}/ws/console", origin=origin, additional_headers=cookie,
                         open_timeout=10) as ws:
                assert '"hello"' in ws.recv(timeout=10)
    finally:
        agent.close()
