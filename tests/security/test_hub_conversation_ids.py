"""Attacks on the hub's conversation ids (item 6), against a real hub process: the chat
page took its id from the link (`/chat?c=`), whoever held an id got the whole replay and could go on
after the victim verified, and socket.io took any `session_id`. Now the hub names each conversation
and gives its resume secret only to the browser that started it (an HttpOnly, SameSite=Strict cookie)."""

from __future__ import annotations

import contextlib
import json
import os

import pytest
from playwright.sync_api import expect, sync_playwright
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from devstack.hub_clients import Customer, recv_event
from devstack.tokens import app_token
from tests.handoff.conftest import hub, start_hub  # noqa: F401  (fixtures: a real hub per test)

CHROMIUM = "/usr/bin/chromium"
SECRET = "我的身份证后四位是1234"


def victim_conversation(hub) -> Customer:  # noqa: F811
    """A customer whose conversation holds something private (queued for an agent, so no bot turn)."""
    victim = Customer(hub)
    hub.handoff(victim.cid)
    victim.send(SECRET)
    victim.event(lambda e: e.get("text") == SECRET)
    return victim


def refused(url: str, cookie: str | None = None, first: dict | None = None) -> list[dict]:
    """Every frame the hub sends before it closes the socket."""
    headers = {"Cookie": f"hub_chat={cookie}"} if cookie else {}
    frames = []
    with connect(url, open_timeout=10, additional_headers=headers) as ws:
        with contextlib.suppress(ConnectionClosed):  # the hub may have closed already: it must not matter
            if first:
                ws.send(json.dumps(first))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frames.append(json.loads(ws.recv(timeout=15)))
    assert closed.value.rcvd.code == 1008
    return frames


def test_replay_without_resume_secret_is_refused(hub):  # noqa: F811
    victim = victim_conversation(hub)
    try:
        _, own_cookie = hub.chat_session()  # an attacker's own, valid cookie is for another conversation
        forged = f"{victim.cid}.{'A' * 43}"
        for cookie in (None, own_cookie, forged):
            for last_seq in (0, 1):
                frames = refused(f"{hub.ws_url}/ws/chat/{victim.cid}?last_seq={last_seq}", cookie,
                                 {"type": "message", "text": "继续", "client_msg_id": "x"})
                assert [f["code"] for f in frames] == ["resume_secret_required"], frames
                assert SECRET not in json.dumps(frames, ensure_ascii=False)
        # The victim's own browser (its cookie) replays the conversation, and only the victim's words are in it.
        back = Customer(hub, victim.cid, cookie=victim.cookie)
        try:
            back.event(lambda e: e.get("text") == SECRET)
            back.status(lambda s: s["owner"] == "queued")
            assert [e["text"] for e in back.events() if e.get("sender") == "customer"] == [SECRET]
        finally:
            back.close()
    finally:
        victim.close()


def test_forged_app_token_does_not_sign_in_a_web_conversation(hub):  # noqa: F811
    customer = Customer(hub)
    try:
        customer.send_raw(json.dumps({"type": "auth", "token": app_token("C0001", secret="x" * 40)}))
        assert customer.error("invalid_token")
        customer.send_raw(json.dumps({"type": "auth", "token": app_token("C0001")}))
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        customer.send_raw(json.dumps({"type": "auth", "token": app_token("C0002")}))  # a second customer
        assert customer.error("not_your_conversation")
    finally:
        customer.close()


def test_link_with_victim_id_gives_a_fresh_conversation(hub):  # noqa: F811
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: apt-get install chromium fonts-wqy-microhei (make test installs it: scripts/prerequisites.sh)")
    victim = victim_conversation(hub)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            try:
                page = browser.new_context().new_page()
                page.goto(f"{hub.url}/chat?c={victim.cid}")  # the attacker's link, opened in another browser
                page.wait_for_function("window.hubChat && window.hubChat.cid()")
                own = page.evaluate("window.hubChat.cid()")
                assert own != victim.cid and own.startswith("web-")
                page.wait_for_timeout(1500)
                expect(page.locator("#messages")).not_to_contain_text(SECRET)
                # The page is a working conversation of its own, and a reload keeps it (the cookie).
                page.fill("#input", "转人工测试")
                page.click("#send")
                expect(page.locator(".msg.customer").last).to_contain_text("转人工测试")
                page.reload()
                page.wait_for_function("window.hubChat && window.hubChat.cid()")
                assert page.evaluate("window.hubChat.cid()") == own
                expect(page.locator(".msg.customer").first).to_contain_text("转人工测试", timeout=15_000)
                cookie = next(c for c in page.context.cookies() if c["name"] == "hub_chat")
                assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
                assert page.evaluate("document.cookie") == ""  # page scripts never see the secret
            finally:
                browser.close()
    finally:
        victim.close()



def socketio_session(hub, session_id: str, cookie: str | None = None):  # noqa: F811
    headers = {"Cookie": f"hub_chat={cookie}"} if cookie else {}
    ws = connect(f"{hub.ws_url}/socket.io/?EIO=4&transport=websocket", open_timeout=10,
                 additional_headers=headers).__enter__()
    ws.recv(timeout=10)
    ws.send("40")
    ws.recv(timeout=10)
    ws.send("42" + json.dumps(["session_request", {"session_id": session_id}]))
    return ws, recv_event(ws, "session_confirm")


def test_socketio_with_someone_elses_session_id_is_not_their_conversation(hub):  # noqa: F811
    victim_ws, victim_cid = socketio_session(hub, "")
    victim_cookie = victim_ws.response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    try:
        hub.handoff(victim_cid)  # queued: what is said stays in the hub
        victim_ws.send("42" + json.dumps(["user_uttered", {"message": SECRET, "session_id": victim_cid}]))
        attacker, attacker_cid = socketio_session(hub, victim_cid)
        try:
            assert attacker_cid != victim_cid
            attacker.send("42" + json.dumps(["user_uttered", {"message": "我来冒充", "session_id": victim_cid}]))
            # Only the victim's own (cookie-bound) reconnect gets her conversation back.
            again, again_cid = socketio_session(hub, "anything", victim_cookie)
            again.close()
            assert again_cid == victim_cid
        finally:
            attacker.close()
    finally:
        victim_ws.close()
    victim = Customer(hub, victim_cid, cookie=victim_cookie)  # the same cookie opens it on /ws/chat too
    try:
        victim.status(lambda s: s["owner"] == "queued")
        texts = [e.get("text") for e in victim.events() if e.get("sender") == "customer"]
        assert texts == [SECRET], texts
    finally:
        victim.close()
