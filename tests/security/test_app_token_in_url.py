"""The insurer's app token in a URL, against a real hub process and Debian's Chromium: the app used to
open `/chat?token=<JWT>`, so the customer's token sat in server logs, browser history and Referer
headers, where whoever reads them could open her chats. Now a `token` query parameter is refused on
every hub route before anything reads it, and the app hands the token over in the URL fragment
(`/chat#token=...`, never sent to a server), which the page wipes from the address bar at once."""

from __future__ import annotations

import os

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from devstack.tokens import app_token
from tests.security.standalone_hub import hub, hub_log  # noqa: F401  (fixture: a hub of this module's own)

CHROMIUM = "/usr/bin/chromium"



def test_app_token_in_a_url_is_refused(hub):  # noqa: F811
    token = app_token("C0001")
    for method, path in (("GET", f"/chat?token={token}"), ("GET", f"/chat?c=app-C0001&token={token}"),
                         ("POST", f"/api/chat/session?token={token}"), ("GET", f"/?token={token}")):
        response = httpx.request(method, hub.url + path, timeout=10, follow_redirects=False)
        assert response.status_code == 400, (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "token_in_url" and "令牌不能放在网址中" in error["message"], error
        assert token not in response.text
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{hub.ws_url}/ws/chat/app-C0001?token={token}", open_timeout=10)
    assert refused.value.response.status_code == 400
    assert token not in hub_log(hub)  # nor written anywhere on the way
    # The app's own ways in: the token in the session request's body, and on the socket's first frame.
    session = httpx.post(f"{hub.url}/api/chat/session", json={"token": token, "app": True}, timeout=10)
    assert session.json() == {"conversation_id": "app-C0001", "resumed": True}, session.text
    with connect(f"{hub.ws_url}/ws/chat/app-C0001", open_timeout=10) as ws:
        ws.send(f'{{"type": "auth", "token": "{token}"}}')
        assert '"auth_ok"' in ws.recv(timeout=10)


def test_chat_page_takes_the_token_from_the_fragment_and_forgets_it(hub):  # noqa: F811
    """Also the chat page under the hub's CSP in a real browser: it runs, nothing is blocked."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: apt-get install chromium fonts-wqy-microhei (.ci/run does it)")
    token = app_token("C0001")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_context().new_page()
            console = []
            page.on("console", lambda message: console.append(message.text))
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(f"{hub.url}/chat#c=app-C0001&token={token}")
            page.wait_for_function("window.hubChat && window.hubChat.cid()")
            assert page.evaluate("window.hubChat.cid()") == "app-C0001"  # the token opened her app chat
            assert token not in page.url and page.evaluate("location.hash") == ""
            page.fill("#input", "你好")
            page.click("#send")
            expect(page.locator(".msg.customer:not(.pending)")).to_contain_text("你好", timeout=15_000)
            expect(page.locator("h1")).to_have_text("保险智能客服")
            page.click("#lang")  # a handler bound by script, not inline
            expect(page.locator("h1")).to_have_text("Insurance Service Desk")
            assert not [r for r in requests if token in r], requests  # no request carried it in its URL
            assert not [m for m in console if "Content Security Policy" in m], console
        finally:
            browser.close()
