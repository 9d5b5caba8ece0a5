"""Attacks on the hub's pages, against a real hub process: framing the console in another site's page
(clickjacking), script injected into a page (nothing inline runs: the CSP allows only the hub's own
script files, and the pages have no inline script, style or handler for it to break), the URL leaking
through Referer, and the session cookies sent in clear text when the hub is served over TLS."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from handoff.settings import ROOT
from tests.security.standalone_hub import hub  # noqa: F401  (fixture: a hub of this module's own)

CHROMIUM = "/usr/bin/chromium"
PAGES = ("/chat", "/console", "/console/agent", "/console/supervisor", "/console/figures", "/console/adjuster")



class InlineCode(HTMLParser):
    """What a CSP without 'unsafe-inline' would block: inline scripts, handlers, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in names if name.startswith("on") or name == "style"]
        self.found += [f"{tag} {name}=javascript:" for name, value in attrs
                       if (value or "").strip().lower().startswith("javascript:")]


def test_pages_cannot_be_framed_or_run_injected_script(hub):  # noqa: F811
    for path in (*PAGES, "/static/chat.js", "/api/console/me", "/no-such-page"):
        response = httpx.get(hub.url + path, timeout=10, follow_redirects=False)
        assert response.status_code < 500, (path, response.status_code)
        csp = response.headers.get("content-security-policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        assert directives.get("script-src") == ["'self'"], (path, csp)  # no 'unsafe-inline', no eval
        assert directives.get("style-src") == ["'self'"], (path, csp)
        assert directives.get("frame-ancestors") == ["'none'"], (path, csp)
        assert directives.get("object-src") == ["'none'"] and directives.get("base-uri") == ["'none'"], (path, csp)
        assert response.headers.get("x-frame-options") == "DENY", path
        assert response.headers.get("referrer-policy") == "no-referrer", path
        assert response.headers.get("x-content-type-options") == "nosniff", path
        assert "strict-transport-security" not in response.headers  # plain HTTP: HSTS would mean nothing
    # Every page the hub serves works under that policy: nothing inline to be blocked.
    for page in sorted((ROOT / "handoff" / "static").glob("*.html")):
        parser = InlineCode()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.found == [], (page.name, parser.found)


def test_session_cookies_are_not_sent_in_clear_over_tls(hub):  # noqa: F811
    """Behind a TLS-terminating proxy (X-Forwarded-Proto from a trusted address), every cookie is Secure
    and HSTS is sent; a plain-HTTP development hub still works without them."""
    tls = {"X-Forwarded-Proto": "https"}
    login = {"username": "agent1", "password": hub.passwords["agent1"]}
    over_tls = [httpx.post(f"{hub.url}/api/console/login", json=login, headers=tls, timeout=15),
                httpx.post(f"{hub.url}/api/chat/session", headers=tls, timeout=15)]
    for response in over_tls:
        assert response.status_code == 200, response.text
        cookie = response.headers["set-cookie"]
        assert "; secure" in cookie.lower() and "httponly" in cookie.lower(), cookie
        assert response.headers["strict-transport-security"].startswith("max-age=")
    # A browser on the https page (its Origin) is the hub's own origin there.
    state = httpx.post(f"{hub.url}/api/console/me/state", json={"state": "away"}, timeout=15,
                       headers={**tls, "Origin": hub.url.replace("http://", "https://")},
                       cookies={"hub_session": over_tls[0].cookies["hub_session"]})
    assert state.status_code == 200, state.text
    plain = httpx.post(f"{hub.url}/api/chat/session", timeout=15)
    assert plain.status_code == 200 and "secure" not in plain.headers["set-cookie"].lower()


def test_console_works_in_chromium_under_the_csp(hub):  # noqa: F811
    """The legitimate path: the sign-in form, the agent's and the supervisor's pages run in a real
    browser with the policy in force, and the browser reports nothing blocked."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: apt-get install chromium fonts-wqy-microhei (.ci/run does it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for username, page_path, name in (("agent1", "/console/agent", "李娜"),
                                              ("supervisor", "/console/supervisor", "周主管")):
                page = browser.new_context().new_page()
                console: list[str] = []
                page.on("console", lambda message, seen=console: seen.append(message.text))
                page.goto(f"{hub.url}/console")
                page.fill("#username", username)
                page.fill("#password", hub.passwords[username])
                page.click("#sign-in")  # login.js posts with the page's own Origin
                expect(page).to_have_url(re.compile(page_path))
                expect(page.locator("#me")).to_have_text(name)
                page.click("[data-toggle-lang]")
                expect(page.locator("header h1")).to_have_text(re.compile("console|view", re.I))
                page.goto(f"{hub.url}/console/figures")
                if username == "supervisor":
                    expect(page.locator("#me")).to_have_text(name)
                assert not [m for m in console if "Content Security Policy" in m], console
        finally:
            browser.close()
