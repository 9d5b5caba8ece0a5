"""The console's figures page in Debian's Chromium: a supervisor sees the simulation's figures against
the targets in both languages; an agent is sent back to the agent console. Screenshots in
test-artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from devstack.browser import SHOTS, sign_in


def test_supervisor_sees_the_figures_against_the_targets(simulation, browser):
    stack, total = simulation.stack, simulation.figures["total"]
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(page, stack.hub_url, "supervisor", stack.passwords["supervisor"])
    expect(page).to_have_url(re.compile(r"/console/supervisor"))
    page.click("#figures-link")  # linked from the supervisor view
    expect(page).to_have_url(re.compile(r"/console/figures"))
    resolved = page.locator('[data-target="resolved_by_bot_share"]')
    expect(resolved).to_contain_text(f"{total['resolved_by_bot_share'] * 100:.1f}%", timeout=30_000)
    expect(resolved).to_contain_text("机器人独立解决率")
    met = simulation.figures["targets"]["resolved_by_bot_share"]["met"]
    expect(resolved).to_contain_text("达标" if met else "未达标")
    expect(page.locator('[data-target="accept_p95_s"]')).to_contain_text(f"{total['accept_p95_s']} s")
    expect(page.locator('#by-language tr[data-row="zh"]')).to_contain_text("中文")
    expect(page.locator("#totals")).to_contain_text(f"会话 {total['conversations']}")
    page.screenshot(path=str(SHOTS / "figures_zh.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(resolved).to_contain_text("Resolved by the bot")
    expect(page.locator("#totals")).to_contain_text(f"{total['conversations']} conversations")
    expect(page.locator('[data-target="csat_share_4_5"]')).to_contain_text("CSAT")
    page.screenshot(path=str(SHOTS / "figures_en.png"), full_page=True)


def test_an_agent_is_sent_back_to_the_agent_console(simulation, browser):
    stack = simulation.stack
    page = browser.new_context().new_page()
    sign_in(page, stack.hub_url, "agent1", stack.passwords["agent1"])
    expect(page).to_have_url(re.compile(r"/console/agent"))
    page.goto(f"{stack.hub_url}/console/figures")
    expect(page).to_have_url(re.compile(r"/console/agent"))
