"""Attacks on the hub's channel API (item 5) against a real hub process: the routes our own
services call (handoffs, voice messages and events, status, reminders) without the hub's key, and with
the key on a signed-in customer's `app-<customer>` conversation. Each is refused with a clear error;
the legitimate calls still work."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from devstack import services
from devstack.hub_clients import Customer, new_cid
from devstack.tokens import app_token
from tests.handoff.conftest import hub, start_hub  # noqa: F401  (fixtures: a real hub per test)
from tests.security.test_secrets import clean_env

KEY = services.HUB_KEY


def test_channel_api_without_key_is_refused(hub):  # noqa: F811
    cid = new_cid("sec")
    calls = [("POST", "/api/handoffs", {"conversation_id": cid, "reason": "request"}),
             ("POST", f"/api/conversations/{cid}/messages", {"text": "你好"}),
             ("GET", f"/api/conversations/{cid}/events?wait=0", None),
             ("GET", f"/api/conversations/{cid}/status", None),
             ("POST", f"/api/conversations/{cid}/external", {"intent": "EXTERNAL_premium_reminder"})]
    for method, path, body in calls:
        for headers in ({}, {"X-API-Key": "dev-handoff-key"}, {"X-API-Key": services.HUB_API_KEY[:-1] + "x"}):
            response = httpx.request(method, hub.url + path, json=body, headers=headers, timeout=10)
            assert response.status_code == 401, (path, response.text)
            assert response.json()["error"]["code"] == "unauthorized"
    assert hub.status(cid)["owner"] == "bot"  # nothing of that was queued

    # Our own services, with the key, still queue a handoff and talk to the conversation.
    assert hub.handoff(cid).status_code == 201
    sent = httpx.post(f"{hub.url}/api/conversations/{cid}/messages", json={"text": "还在吗"}, headers=KEY, timeout=10)
    assert sent.status_code == 202 and sent.json()["owner"] == "queued"
    events = httpx.get(f"{hub.url}/api/conversations/{cid}/events", params={"wait": 0}, headers=KEY, timeout=10)
    assert "还在吗" in [e.get("text") for e in events.json()["events"]]


def test_channel_api_with_key_cannot_open_app_conversation(hub):  # noqa: F811
    """Even with the key (a leaked one, or a confused service), her app chat is neither read nor written
    nor given her stored app token: it opens only with her own token on the chat WebSocket."""
    cid = "app-C0001"
    owner = Customer(hub, cid=cid, token=app_token("C0001"))
    try:
        owner.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        owner.status(lambda s: True)
    finally:
        owner.close()
    hub.handoff(cid)  # something in her log a caller must not get back
    for method, path, body in (("GET", f"/api/conversations/{cid}/events?wait=0", None),
                               ("GET", f"/api/conversations/{cid}/status", None),
                               ("POST", f"/api/conversations/{cid}/messages", {"text": "查一下我的保单"})):
        response = httpx.request(method, hub.url + path, json=body, headers=KEY, timeout=10)
        assert response.status_code == 403, (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "app_conversation" and "app token" in error["message"]
        assert "转人工" not in response.text

    # She still opens it with her token, and nothing was added to it by the refused calls.
    again = Customer(hub, cid=cid, token=app_token("C0001"))
    try:
        again.status(lambda s: s["owner"] == "queued")
        assert not [e for e in again.events() if e.get("sender") == "customer"]
    finally:
        again.close()


@pytest.mark.parametrize("value", [None, "", "hub-key", "changethis"])
def test_hub_without_a_channel_key_refuses_to_start(value):
    """The key is no longer optional: an unset (the old default, also compose's), short or published one
    stops the hub with one line naming it, instead of leaving the channel API open."""
    result = subprocess.run([services.APP_PYTHON, "-m", "handoff"], cwd=services.ROOT,
                            env=clean_env(HANDOFF_API_KEY=value), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert result.stderr.strip().splitlines()[-1].startswith("refusing to start: HANDOFF_API_KEY ")
