"""The customer page and the console in Debian's Chromium: a full handoff, with screenshots in
test-artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from devstack.browser import SHOTS, available_agent, sign_in


def test_full_handoff_in_the_browser(stack, hub, browser):
    agent = available_agent(browser, hub.url, "agent1", hub.passwords["agent1"])
    expect(agent.locator("#me")).to_have_text("李娜")

    customer = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
    customer.goto(f"{hub.url}/chat")
    customer.fill("#input", "你好")
    customer.click("#send")
    expect(customer.locator(".msg.bot").first).to_contain_text("智能客服", timeout=60_000)
    cid = customer.evaluate("window.hubChat.cid()")  # the hub named it
    assert cid.startswith("web-")
    customer.fill("#input", "我要转人工")
    customer.press("#input", "Enter")
    expect(customer.locator("#status")).to_contain_text("排第 1 位", timeout=60_000)
    customer.screenshot(path=str(SHOTS / "01_customer_queued.png"))

    offer = agent.locator(".offer").first
    expect(offer).to_contain_text("客户要求人工", timeout=15_000)
    agent.screenshot(path=str(SHOTS / "02_agent_offer.png"))
    offer.locator(".accept").click()
    expect(agent.locator("#transcript")).to_contain_text("我要转人工")
    expect(customer.locator("#status")).to_contain_text("李娜")
    expect(customer.locator(".msg.system").last).to_contain_text("李娜")

    agent.select_option("#canned", index=1)
    agent.click("#send-reply")
    expect(customer.locator(".msg.agent").last).to_contain_text("很高兴为您服务")
    customer.fill("#input", "我想问一下住院理赔")
    customer.click("#send")
    expect(agent.locator("#transcript")).to_contain_text("我想问一下住院理赔")
    customer.fill("#input", "安心医疗险的免赔额是多少")
    customer.click("#send")
    suggestion = agent.locator("#suggestions .suggestion").first  # the knowledge base's top answers
    expect(suggestion).to_contain_text("免赔额", timeout=15_000)
    suggestion.locator(".insert-suggestion").click()
    expect(agent.locator("#reply")).to_have_value(re.compile("10,000"))
    agent.click("#send-reply")
    expect(customer.locator(".msg.agent").last).to_contain_text("10,000")
    agent.fill("#note-input", "客户关心住院理赔")
    agent.click("#add-note")
    expect(agent.locator("#notes")).to_contain_text("客户关心住院理赔")
    agent.screenshot(path=str(SHOTS / "03_agent_conversation.png"))
    customer.screenshot(path=str(SHOTS / "04_customer_with_agent.png"))

    supervisor = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(supervisor, hub.url, "supervisor", hub.passwords["supervisor"])
    expect(supervisor).to_have_url(re.compile(r"/console/supervisor"))
    live = supervisor.locator(f'#live tr[data-conversation="{cid}"]')
    expect(live).to_contain_text("李娜")
    expect(supervisor.locator('[data-figure="handoffs"] b')).to_have_text("1")
    live.locator(".view").click()
    expect(supervisor.locator("#transcript")).to_contain_text("我想问一下住院理赔")
    expect(supervisor.locator('#agents tr[data-agent="agent1"]')).to_contain_text("1/3")
    supervisor.screenshot(path=str(SHOTS / "05_supervisor.png"))

    agent.click("#close")  # the wrap-up first: a label is required, the summary optional
    agent.select_option("#wrapup-label", "claim_enquiry")
    agent.click("#wrapup-confirm")
    csat = customer.locator("#csat")
    expect(csat).to_contain_text("打分")
    csat.get_by_role("button", name="5").click()
    expect(customer.locator(".msg.system").last).to_contain_text("感谢您的评价")
    customer.screenshot(path=str(SHOTS / "06_customer_csat.png"))
    expect(supervisor.locator('[data-figure="csat"] b')).to_contain_text("5", timeout=10_000)

    engine = create_engine(hub.database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT csat, outcome FROM hub_handoffs WHERE conversation_id = :c"), {"c": cid}).one()
    engine.dispose()
    assert (row.csat, row.outcome) == (5, "closed")


def test_signed_in_customer_sees_greeting_and_policy_summary_card(stack, hub, browser):
    """The app opens the chat with its token: a personal greeting, then 保单整理 drawn as a table."""
    from devstack.tokens import app_token

    page = browser.new_context(viewport={"width": 760, "height": 1000}).new_page()
    page.goto(f"{hub.url}/chat#token={app_token('C0001')}")
    page.fill("#input", "你好")
    page.click("#send")
    greeting = page.locator(".msg.bot").first
    expect(greeting).to_contain_text("王芳", timeout=60_000)
    expect(greeting).to_contain_text("HL20240001")
    greeting.get_by_role("button", name="保单整理").click()
    card = page.locator(".summary-card")
    expect(card).to_be_visible(timeout=60_000)
    expect(card.locator("table.summary tr")).to_have_count(3)  # a header and her two policies
    expect(card).to_contain_text("¥1,000,000")
    expect(card.locator("ul.gaps")).to_contain_text("没有意外险保障")
    page.screenshot(path=str(SHOTS / "10_customer_policy_summary.png"), full_page=True)
