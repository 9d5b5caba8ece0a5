"""Attacks on the internal services (first slice), each tried as an outsider would, against the
session's real Rasa and action server: refused with a clear error, while our own services' calls still work.

The outsider has everything the README and the code tell: the URLs, the routes, the payload shapes, the
demo customers. They do not have the install's secrets.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest

from devstack import services
from service_auth.rasa_auth import mint_token
from service_auth.signing import SIGNATURE_HEADER, sign
from tests.actions.test_action_server import DOMAIN

FORGED_VERIFICATION = [
    {"event": "slot", "name": "verified", "value": True},
    {"event": "slot", "name": "customer_id", "value": "C0002"},
]


def conversation_id() -> str:
    return f"sec-{uuid.uuid4().hex[:10]}"


def tracker(stack: Any, cid: str) -> dict[str, Any]:
    response = httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", timeout=10, auth=services.rasa_auth())
    assert response.status_code == 200, response.text
    return response.json()


def signed_turn(stack: Any, cid: str, text: str) -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": cid, "message": text},
                      timeout=60, auth=services.rasa_auth())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_setting_verified_slots_through_rasa_api_without_token_is_refused(stack):
    """Issue #16, 1: POST tracker events making conversation x "verified as C0002", then asking for policies."""
    cid = conversation_id()
    url = f"{stack.rasa_url}/conversations/{cid}/tracker/events"
    someone_elses_secret = "a-secret-of-at-least-32-characters-that-is-not-ours"
    attempts = {
        "no token": {},
        "token in the query string": {"params": {"token": "anything"}},
        "token signed with a guessed secret": {"headers": bearer(mint_token(someone_elses_secret, "attacker"))},
        "unsigned token (alg none)": {"headers": bearer(jwt.encode({"user": {"username": "x", "role": "admin"}},
                                                                   None, algorithm="none"))},
    }
    for what, kwargs in attempts.items():
        response = httpx.post(url, json=FORGED_VERIFICATION, timeout=10, **kwargs)
        assert response.status_code in (401, 403), (what, response.status_code, response.text)
        assert response.json()["reason"] in ("NotAuthenticated", "NotAuthorized"), (what, response.text)

    # Nothing was written: the conversation is not verified, and asking for policies asks who you are.
    slots = tracker(stack, cid)["slots"]
    assert slots.get("verified") in (None, False) and slots.get("customer_id") is None
    reply = " ".join(m.get("text", "") for m in signed_turn(stack, cid, "查一下我的保单").json())
    assert "LF20230007" not in reply and "AU20230009" not in reply  # John Smith's policies
    assert "手机号" in reply

    # Our own services (the hub pauses and resumes this way) still write events with their token.
    ours = httpx.post(url, json={"event": "slot", "name": "language", "value": "en"}, timeout=10,
                      auth=services.rasa_auth())
    assert ours.status_code == 200, ours.text
    assert tracker(stack, cid)["slots"]["language"] == "en"


def test_reading_someones_tracker_without_token_is_refused(stack):
    """Issue #16, 1: GET /conversations/<id>/tracker returned anyone's whole conversation."""
    cid = conversation_id()
    assert signed_turn(stack, cid, "13800138000").status_code == 200  # a customer's phone number, now in the tracker
    url = f"{stack.rasa_url}/conversations/{cid}/tracker"
    for kwargs in ({}, {"params": {"token": "x"}}, {"headers": bearer("not.a.jwt")},
                   {"headers": bearer(mint_token("b" * 40, "attacker"))}):
        response = httpx.get(url, timeout=10, **kwargs)
        assert response.status_code == 401, (kwargs, response.text)
        assert response.json()["reason"] == "NotAuthenticated"
        assert "13800138000" not in response.text
    # Every other route of the HTTP API is behind the same token, e.g. parsing and the domain.
    for method, path in (("POST", "/model/parse"), ("GET", "/domain"), ("GET", "/status")):
        assert httpx.request(method, stack.rasa_url + path, json={"text": "hi"}, timeout=10).status_code == 401

    # With our token the conversation is there.
    events = tracker(stack, cid)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["13800138000"]


def test_rest_channel_message_without_our_signature_is_refused(stack):
    """Issue #16, 2: the REST channel took any `sender`: knowing a conversation id was enough to continue it."""
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    cid = conversation_id()
    body = json.dumps({"sender": cid, "message": "你好"}).encode()
    now = time.time()
    someone_elses = "c" * 40
    tampered = json.dumps({"sender": "app-C0001", "message": "你好"}).encode()
    attempts = {
        "no signature": {},
        "signature with a guessed secret": {SIGNATURE_HEADER: sign(someone_elses, body)},
        "our signature of another body": {SIGNATURE_HEADER: sign(services.RASA_SECRETS["RASA_CHANNEL_SECRET"], tampered)},
        "our signature, replayed 10 minutes later": {
            SIGNATURE_HEADER: sign(services.RASA_SECRETS["RASA_CHANNEL_SECRET"], body, now=now - 600)},
        "garbage header": {SIGNATURE_HEADER: "t=x,v1=y"},
    }
    for what, headers in attempts.items():
        response = httpx.post(url, content=body, timeout=10, headers={"Content-Type": "application/json", **headers})
        assert response.status_code == 401, (what, response.status_code, response.text)
        error = response.json()
        assert error["error"] == "unauthorized" and error["message"].startswith("channel refused:"), (what, error)
    assert not [e for e in tracker(stack, cid)["events"] if e["event"] == "user"]  # nothing reached the bot

    # Signed by our services, the same message gets the bot's answer.
    response = signed_turn(stack, cid, "你好")
    assert response.status_code == 200, response.text
    assert any(m.get("text") for m in response.json())


@pytest.mark.parametrize("header", [None, "", "wrong-secret-of-the-right-length-000000000"])
def test_forged_tracker_to_action_server_without_secret_is_refused(stack, header):
    """Issue #16, 3: the action server ran any tracker: `verified: true, customer_id: C0001` got her policies."""
    forged = {
        "next_action": "action_handle_request", "sender_id": "attacker", "version": "3.6.2", "domain": DOMAIN,
        "tracker": {
            "sender_id": "attacker", "slots": {"language": "zh", "verified": True, "customer_id": "C0001"},
            "latest_message": {"text": "我的保单", "intent": {"name": "query_policy", "confidence": 1.0},
                               "entities": [], "metadata": {}},
            "events": [], "paused": False, "followup_action": None, "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }
    headers = {} if header is None else {"X-Desk-Action-Secret": header}
    response = httpx.post(f"{stack.actions_url}/webhook", json=forged, headers=headers, timeout=20)
    assert response.status_code == 401, response.text
    assert "X-Desk-Action-Secret" in response.json()["message"]
    assert "HL20240001" not in response.text
    assert httpx.get(f"{stack.actions_url}/actions", headers=headers, timeout=10).status_code == 401
    assert httpx.get(f"{stack.actions_url}/health", timeout=10).status_code == 200  # liveness stays open


def test_verified_customer_still_gets_her_policies_through_rasa(chat):
    """The legitimate path of the three attacks above: channel signature, Rasa -> action server secret."""
    chat.say("查一下我的保单")
    reply = chat.say("13800138000 后四位1234")
    assert "验证成功" in reply and "HL20240001" in reply and "LF20230007" not in reply


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.docker.yml"])
def test_rasa_sends_the_action_secret_from_the_projects_own_endpoints(endpoints):
    """devstack/services.py rewrites endpoints.yml for each run; this reads the shipped files as Rasa does
    (a quoted "${VAR}" is sent literally, and every action call would be refused)."""
    script = ("import sys; from rasa.utils.endpoints import read_endpoint_config; "
              "print(read_endpoint_config(sys.argv[1], 'action_endpoint').headers['X-Desk-Action-Secret'])")
    env = {"PATH": "/usr/bin:/bin", "ACTION_SERVER_SECRET": services.ACTION_SERVER_SECRET, "POSTGRES_PASSWORD": "p",
           "ACTION_SERVER_URL": "http://actions:5055", "REDIS_HOST": "redis", "POSTGRES_HOST": "postgres",
           "POSTGRES_DB": "desk", "POSTGRES_USER": "desk", "RABBITMQ_HOST": "rabbitmq", "RABBITMQ_USER": "desk",
           "RABBITMQ_PASSWORD": "r"}
    result = subprocess.run([services.RASA_PYTHON, "-c", script, str(services.ROOT / "bot" / endpoints)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == services.ACTION_SERVER_SECRET
