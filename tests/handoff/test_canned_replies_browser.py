"""Canned replies kept by a supervisor in the console and used by an agent, in Chromium: create, edit and
delete per language with shortcodes; the agent's "/" panel offers what the supervisor saved, in the
conversation's language; each change is in the supervisor's audit list."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.browser import SHOTS, available_agent, sign_in
from devstack.hub_clients import HubRun, new_cid
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("canned"), HANDOFF_RESERVATION_S="30") as run:
        yield run


def save_reply(page: Page, language: str, shortcode: str, text: str) -> None:
    page.select_option("#canned-language", language)
    page.fill("#canned-shortcode", shortcode)
    page.fill("#canned-text", text)
    page.click("#canned-save")


def test_supervisor_keeps_canned_replies_and_the_agent_uses_them(quiet_hub: HubRun, browser: Browser) -> None:
    supervisor = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    supervisor.on("dialog", lambda dialog: dialog.accept())
    sign_in(supervisor, quiet_hub.url, "supervisor", quiet_hub.passwords["supervisor"])
    expect(supervisor).to_have_url(re.compile(r"/console/supervisor"))
    table = supervisor.locator("#canned-table")
    expect(table.locator('tr[data-shortcode="zh/hello"]')).to_contain_text("很高兴为您服务")  # the starter set

    save_reply(supervisor, "zh", "policy", "您的保单信息如下：<b>请核对</b>")
    row = table.locator('tr[data-shortcode="zh/policy"]')
    expect(row).to_contain_text("<b>请核对</b>")  # text, never markup
    save_reply(supervisor, "en", "policy", "Here are your policy details.")
    expect(table.locator('tr[data-shortcode="en/policy"]')).to_be_visible()
    save_reply(supervisor, "zh", "policy", "重复的快捷码")
    expect(supervisor.locator("#canned-error")).to_contain_text("此语言已有相同的快捷码")

    row.locator(".canned-edit").click()
    expect(supervisor.locator("#canned-text")).to_have_value("您的保单信息如下：<b>请核对</b>")
    supervisor.fill("#canned-text", "您的保单信息如下，请核对。")
    supervisor.click("#canned-save")
    expect(row).to_contain_text("您的保单信息如下，请核对。")
    table.locator('tr[data-shortcode="zh/thanks"] .canned-delete').click()
    expect(table.locator('tr[data-shortcode="zh/thanks"]')).to_have_count(0)
    supervisor.screenshot(path=str(SHOTS / "24_supervisor_canned_replies.png"), full_page=True)

    supervisor.reload()
    audit = supervisor.locator("#audit")
    for action in ("新增常用回复", "修改常用回复", "删除常用回复"):
        expect(audit).to_contain_text(action)

    agent = available_agent(browser, quiet_hub.url, "agent1", quiet_hub.passwords["agent1"])
    assert quiet_hub.handoff(new_cid("canned"), language="zh").status_code == 201
    agent.locator(".offer .accept").click()
    expect(agent.locator("#conv-title")).not_to_be_empty()

    reply = agent.locator("#reply")
    panel = agent.locator("#canned-panel")
    reply.press_sequentially("/pol")
    expect(panel.locator(".canned-item")).to_have_count(1)  # the zh one only: the conversation is in Chinese
    expect(panel.locator(".canned-item")).to_contain_text("您的保单信息如下，请核对。")
    reply.press("Enter")
    expect(reply).to_have_value("您的保单信息如下，请核对。")
    reply.fill("")
    reply.press_sequentially("/tha")
    expect(panel).to_contain_text("没有匹配的常用回复")  # deleted by the supervisor
    expect(agent.locator("#canned option")).to_have_count(1 + 5)  # the prompt, 4 starters and /policy
    agent.screenshot(path=str(SHOTS / "25_agent_uses_supervisors_reply.png"))
