"""Debian's Chromium under Playwright for the browser tests of the chat page and the console (never
`playwright install`: it downloads browsers from the network), with screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from devstack import services

SHOTS = services.ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: apt-get install chromium fonts-wqy-microhei (make test installs it: scripts/prerequisites.sh)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


def sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/console")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in")


def available_agent(browser: Browser, url: str, username: str, password: str) -> Page:
    """An agent's console in its own browser context, signed in and set available (once the page has read the
    agent's state: a choice made before would be overwritten)."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(page, url, username, password)
    expect(page).to_have_url(re.compile(r"/console/agent"))
    expect(page.locator("#state")).to_be_enabled()
    page.select_option("#state", "available")
    return page


def approve_in_adjuster_console(page: Page, url: str, password: str, claim_number: str, amount: str,
                                check_open: Callable[[Page], None] | None = None) -> None:
    """adjuster1 signs in, lands on the adjusters' page, opens the queued claim (check_open may look at it first)
    and approves `amount`; returns once the page shows the claim in 赔付中."""
    sign_in(page, url, "adjuster1", password)
    expect(page).to_have_url(re.compile("/console/adjuster"))
    expect(page.locator("#me")).to_have_text("赵敏")
    page.locator(f'tr[data-claim="{claim_number}"] button.claim-open').click(timeout=60_000)
    if check_open:
        check_open(page)
    page.fill("#approve-amount", amount)
    page.click("#approve-form button[type=submit]")
    expect(page.locator("#claim-title")).to_contain_text("赔付中", timeout=60_000)


def close_with_wrapup(agent: Page, label: str = "other") -> None:
    """The agent closes the open conversation: the wrap-up dialog asks for a label first."""
    agent.click("#close")
    agent.select_option("#wrapup-label", label)
    agent.click("#wrapup-confirm")
