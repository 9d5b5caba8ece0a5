"""Bad input to the hub gets a clear error and disturbs nothing else."""

from __future__ import annotations

import contextlib
import json

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from devstack import services
from devstack.hub_clients import Agent, Customer, new_cid


def test_bad_websocket_frames_are_refused_and_the_conversation_goes_on(hub):
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        hub.handoff(customer.cid)
        assert agent.accept(agent.offer()["request_id"]).status_code == 200

        customer.send_raw("{not json")
        assert "JSON" in customer.error("malformed_frame")["message"]
        customer.send_raw(b"\x00\x01binary")
        customer.error("malformed_frame")
        customer.send_raw(json.dumps({"type": "message", "text": "x" * 20000}))  # 20 KB frame
        customer.error("frame_too_large")
        customer.send_raw(json.dumps({"type": "message", "text": "长" * 2001, "client_msg_id": "too-long"}))
        assert customer.error("message_too_long")["client_msg_id"] == "too-long"
        customer.send_raw(json.dumps({"type": "message", "text": "   "}))
        customer.error("empty_message")
        customer.send_raw(json.dumps({"type": "launch_missiles"}))
        customer.error("unknown_type")
        customer.send_raw(json.dumps({"type": "csat", "score": 9}))
        customer.error("invalid_score")

        # Nothing of that reached the transcript; the same connection still works.
        customer.send("正常的消息")
        agent.event(lambda e: e.get("text") == "正常的消息")
        texts = [e["text"] for e in agent.conversation(customer.cid)["transcript"] if e["sender"] == "customer"]
        assert texts == ["正常的消息"]

        # A frame above the WebSocket limit (1 MB) closes only that connection (1009, message too big).
        other = Customer(hub)
        # The hub may refuse the frame while it is still being written: the client's send then fails, and what
        # counts is the close the reader got.
        with contextlib.suppress(ConnectionClosed, OSError):
            other.send_raw(json.dumps({"type": "message", "text": "y" * (1100 * 1024)}))
        other.frames._thread.join(timeout=10)
        assert other.frames.closed is not None and other.frames.closed.rcvd.code == 1009
        customer.send("还在")
        agent.event(lambda e: e.get("text") == "还在")
    finally:
        customer.close()
        agent.close()


def test_forged_or_missing_session_is_refused(hub):
    forged = httpx.Client(base_url=hub.url, cookies={"hub_session": "f" * 64})
    response = forged.get("/api/console/conversations")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_signed_in"
    assert httpx.post(f"{hub.url}/api/console/requests/r-x/accept").status_code == 401
    bad = httpx.post(f"{hub.url}/api/console/login", json={"username": "agent1", "password": "wrong"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_credentials"
    with connect(f"{hub.ws_url}/ws/console", additional_headers={"Cookie": "hub_session=" + "f" * 64}) as ws:
        frame = json.loads(ws.recv(timeout=5))
        assert frame["code"] == "not_signed_in"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd.code == 4401


def test_agent_cannot_touch_a_conversation_that_is_not_theirs(hub):
    agent1, agent2 = Agent(hub, "agent1"), Agent(hub, "agent2", available=False)
    supervisor = Agent(hub, "supervisor", available=False)
    from devstack.tokens import app_token

    customer = Customer(hub, token=app_token("C0001"))  # signed in by the app: the hub knows it is her
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        hub.handoff(customer.cid, customer_id="C0001")
        assert agent1.accept(agent1.offer()["request_id"]).status_code == 200
        before = agent1.conversation(customer.cid)["transcript"]

        for response in (agent2.reply(customer.cid, "我来插一句"),
                         agent2.http.post(f"/api/console/conversations/{customer.cid}/close"),
                         agent2.http.get(f"/api/console/conversations/{customer.cid}"),
                         agent2.http.get("/api/console/customers/C0001", params={"conversation_id": customer.cid})):
            assert response.status_code == 403, response.text
            assert response.json()["error"]["code"] == "not_your_conversation"
        assert agent1.conversation(customer.cid)["transcript"] == before
        assert agent1.conversation(customer.cid)["owner"] == "agent"
        assert agent2.http.get("/api/console/supervisor/overview").status_code == 403

        # The owner opens the customer's data: masked, and audited.
        data = agent1.http.get("/api/console/customers/C0001", params={"conversation_id": customer.cid}).json()
        assert data["profile"]["phone_masked"] == "138****8000" and "13800138000" not in json.dumps(data)
        assert {p["policy_number"] for p in data["policies"]} >= {"HL20240001"}
        assert any(c["claim_number"] == "CL20250001" for c in data["claims"])
        audit = supervisor.http.get("/api/console/audit").json()
        assert [(a["username"], a["customer_id"], a["conversation_id"]) for a in audit] == [
            ("agent1", "C0001", customer.cid)]
        # The agent's reply still goes through.
        assert agent1.reply(customer.cid, "您好").status_code == 200
        customer.event(lambda e: e.get("text") == "您好")
    finally:
        customer.close()
        for a in (agent1, agent2, supervisor):
            a.close()


def test_malformed_handoff_requests_are_refused(hub):
    url = f"{hub.url}/api/handoffs"
    json_key = {"Content-Type": "application/json", **services.HUB_KEY}
    assert httpx.post(url, content=b"{oops", headers=json_key).status_code == 400
    response = httpx.post(url, json={"conversation_id": "x", "reason": "request"}, headers=services.HUB_KEY)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
    assert httpx.post(url, json={"conversation_id": new_cid(), "channel": "fax"},
                      headers=services.HUB_KEY).status_code == 422
    assert httpx.post(url, content=b"{" + b" " * 70000 + b"}", headers=json_key).status_code == 413
    cid = new_cid()
    first, again = hub.handoff(cid), hub.handoff(cid)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["request_id"] == again.json()["request_id"]


def test_app_conversation_opens_only_with_its_customers_token(hub):
    """`app-C0001` is guessable: without her app token nothing of it is shown and nothing can be sent.
    (Nothing is sent to the assistant here: other tests use her app conversation in Rasa.)"""
    from devstack.tokens import app_token

    cid = "app-C0001"
    hub.handoff(cid)  # something in the log that a stranger must not see
    owner = Customer(hub, cid=cid, token=app_token("C0001"))
    try:
        owner.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        assert owner.status(lambda s: True)["owner"] == "queued"
    finally:
        owner.close()
    for first_frame in (None, {"type": "message", "text": "退订"}, {"type": "auth", "token": app_token("C0002")},
                        {"type": "auth", "token": app_token("C0001", ttl_s=-60)},
                        {"type": "auth", "token": app_token("C0001", secret="forged-secret-0123456789abcdefghij")}):
        with connect(f"{hub.ws_url}/ws/chat/{cid}", open_timeout=10) as ws:
            if first_frame is not None:
                ws.send(json.dumps(first_frame))
            frames = []
            with pytest.raises(ConnectionClosed):
                while True:
                    frames.append(json.loads(ws.recv(timeout=15)))
        assert [f["type"] for f in frames] == ["error"] and frames[0]["code"] == "auth_required", frames
    # The refused sockets added nothing to the conversation.
    again = Customer(hub, cid=cid, token=app_token("C0001"))
    try:
        again.status(lambda s: True)  # the replay comes before the first status
        assert not [e for e in again.events() if e.get("sender") == "customer"]
    finally:
        again.close()
