"""Whispers and the wait in Debian's Chromium: the customer at position 1 with an agent free reads
"不到 1 分钟"; the supervisor whispers from the conversation she watches, the agent's console shows
it, and the customer's page never does; the figures page then counts the conversation for the agent. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.browser import SHOTS, close_with_wrapup, sign_in
from devstack.hub_clients import HubRun
from tests.security.standalone_hub import hub_without_bot

WHISPER = "先别承诺赔付金额，等理赔组确认"


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    """A hub without a bot: the handoff is posted on the channel API, as the action server does."""
    with hub_without_bot(tmp_path_factory.mktemp("whisper-browser"), HANDOFF_RESERVATION_S="60") as run:
        yield run


def console(browser: Browser, hub: HubRun, username: str, path: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(page, hub.url, username, hub.passwords[username])
    expect(page).to_have_url(re.compile(path))
    return page


def test_the_agent_sees_a_supervisors_whisper_and_the_customer_does_not(quiet_hub: HubRun, browser: Browser) -> None:
    agent = console(browser, quiet_hub, "agent1", r"/console/agent")
    expect(agent.locator("#state")).to_be_enabled()
    agent.select_option("#state", "available")

    customer = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
    customer.goto(f"{quiet_hub.url}/chat")
    customer.wait_for_function("window.hubChat && window.hubChat.cid()")
    cid = customer.evaluate("window.hubChat.cid()")
    assert quiet_hub.handoff(cid).status_code == 201
    expect(customer.locator("#status")).to_contain_text("排第 1 位", timeout=20_000)
    expect(customer.locator("#status")).to_contain_text("不到 1 分钟")
    expect(customer.locator("#status")).not_to_contain_text("秒")
    customer.screenshot(path=str(SHOTS / "whisper_01_customer_wait.png"))

    agent.locator(".offer .accept").first.click(timeout=20_000)
    expect(agent.locator("#conv-title")).to_have_text(cid)
    agent.fill("#reply", "您好，我来帮您看一下。")
    agent.click("#send-reply")
    expect(customer.locator(".msg.agent").last).to_contain_text("我来帮您看一下")

    supervisor = console(browser, quiet_hub, "supervisor", r"/console/supervisor")
    live = supervisor.locator(f'#live tr[data-conversation="{cid}"]')
    expect(live).to_contain_text("李娜", timeout=15_000)
    live.locator(".view").click()
    expect(supervisor.locator("#whisper-form")).to_be_visible()
    supervisor.fill("#whisper-input", WHISPER)
    supervisor.click("#whisper-send")
    expect(supervisor.locator("#whispers .whisper")).to_contain_text(WHISPER)
    supervisor.screenshot(path=str(SHOTS / "whisper_02_supervisor.png"))

    whisper = agent.locator("#whispers-card .whisper")
    expect(whisper).to_contain_text(WHISPER, timeout=15_000)
    expect(whisper).to_contain_text("周主管")
    expect(agent.locator("#transcript")).not_to_contain_text(WHISPER)  # apart from the conversation
    agent.screenshot(path=str(SHOTS / "whisper_03_agent_sees_it.png"))

    # Opened again (a reload), the whisper is still there for the agent.
    agent.reload()
    expect(agent.locator("#whispers-card .whisper")).to_contain_text(WHISPER, timeout=15_000)

    # The customer's page: the agent's words, never the whisper, also after a reload (full replay).
    agent.fill("#reply", "已为您登记。")
    agent.click("#send-reply")
    expect(customer.locator(".msg.agent").last).to_contain_text("已为您登记")
    expect(customer.locator("body")).not_to_contain_text(WHISPER)
    customer.reload()
    expect(customer.locator(".msg.agent").last).to_contain_text("已为您登记", timeout=20_000)
    expect(customer.locator("body")).not_to_contain_text(WHISPER)
    customer.screenshot(path=str(SHOTS / "whisper_04_customer_never_sees_it.png"))

    # Closed and rated: the per-agent figures of the day count it for 李娜 (agent1).
    close_with_wrapup(agent)
    customer.locator("#csat").get_by_role("button", name="4").click(timeout=20_000)
    expect(customer.locator(".msg.system").last).to_contain_text("感谢您的评价")
    supervisor.goto(f"{quiet_hub.url}/console/figures")
    row = supervisor.locator('#agent-figures tr[data-agent="agent1"]')
    expect(row.locator(".handled")).to_have_text("1", timeout=20_000)
    expect(row.locator(".agent")).to_have_text("李娜 (agent1)")
    expect(row.locator(".csat")).to_have_text("4 (1)")
    expect(row.locator(".avg-handle")).to_contain_text(" s")
    supervisor.screenshot(path=str(SHOTS / "whisper_05_agent_figures.png"), full_page=True)
