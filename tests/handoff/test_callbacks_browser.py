"""Callbacks in Debian's Chromium, against a real hub process (real Redis, its SQLite record; no bot is needed):
a waiting customer chooses 稍后回电 and leaves a number, an agent claims the callback in the console, sees the full
number, and closes it with a note; a supervisor sees an overdue one. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re
import time

import httpx
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from devstack import services
from devstack.browser import SHOTS, sign_in
from devstack.hub_clients import new_cid
from tests.security.standalone_hub import hub_without_bot


def test_customer_asks_for_a_callback_and_an_agent_makes_it(browser, tmp_path):
    with hub_without_bot(tmp_path, HANDOFF_ESCALATE_S="1") as hub:
        customer = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
        customer.goto(f"{hub.url}/chat")
        customer.wait_for_function("window.hubChat.cid() !== null")
        cid = customer.evaluate("window.hubChat.cid()")
        assert hub.handoff(cid).status_code == 201  # as the action server posts one when she asks for a person
        expect(customer.locator("#status")).to_contain_text("排第 1 位", timeout=15_000)
        # Nobody is on duty: the request escalates and she is offered a callback.
        callback_button = customer.locator(".msg.system .buttons button", has_text="稍后回电")
        expect(callback_button).to_be_visible(timeout=20_000)
        callback_button.click()
        form = customer.locator(".callback-number-form").last
        expect(form).to_be_visible(timeout=10_000)
        form.locator("input").fill("139 1234 5678")
        form.locator("button").click()
        expect(customer.locator(".msg.system").last).to_contain_text("30 分钟内致电 139****5678", timeout=10_000)
        customer.screenshot(path=str(SHOTS / "callback_01_customer.png"))

        agent = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        sign_in(agent, hub.url, "agent1", hub.passwords["agent1"])
        expect(agent).to_have_url(re.compile(r"/console/agent"))
        row = agent.locator("#callbacks [data-callback]").first
        expect(row).to_contain_text("139****5678", timeout=15_000)
        expect(row).to_contain_text("客户自填，未核实身份")
        expect(agent.locator("#callbacks")).not_to_contain_text("13912345678")
        row.locator("[data-action=claim]").click()
        expect(row.locator(".callback-number")).to_contain_text("13912345678", timeout=10_000)
        agent.screenshot(path=str(SHOTS / "callback_02_agent_claimed.png"))
        row.locator(".callback-note").fill("已回电，客户咨询续保，已解答")
        row.locator("[data-action=done]").click()
        expect(row.locator(".callback-outcome")).to_have_text("已回电", timeout=10_000)
        expect(agent.locator("#callbacks")).not_to_contain_text("13912345678")  # gone from the page once called
        agent.screenshot(path=str(SHOTS / "callback_03_agent_closed.png"))

        engine = create_engine(hub.database_url)
        with engine.connect() as conn:
            made = conn.execute(text("SELECT phone_source, claimed_by, outcome, note, closed_at, due_at "
                                     "FROM hub_callbacks WHERE conversation_id = :c"), {"c": cid}).one()
            looks = conn.execute(text("SELECT count(*) FROM hub_audit WHERE action = 'callback_number' "
                                      "AND username = 'agent1'")).scalar()
        engine.dispose()
        assert (made.phone_source, made.claimed_by, made.outcome) == ("unverified", "agent1", "done")
        assert made.note == "已回电，客户咨询续保，已解答" and made.closed_at <= made.due_at
        assert looks == 1


def test_supervisor_sees_an_overdue_callback(browser, tmp_path):
    with hub_without_bot(tmp_path, HANDOFF_CALLBACK_DEADLINE_S="2") as hub:
        cid = new_cid("call")
        assert hub.handoff(cid, channel="voice", language="en").status_code == 201
        chosen = httpx.post(f"{hub.url}/api/conversations/{cid}/choice", headers=services.HUB_KEY, timeout=10,
                            json={"choice": "callback", "caller_number": "+8613912345678"})
        assert chosen.status_code == 200, chosen.text
        time.sleep(3)  # past its 2 s deadline
        supervisor = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        sign_in(supervisor, hub.url, "supervisor", hub.passwords["supervisor"])
        expect(supervisor).to_have_url(re.compile(r"/console/supervisor"))
        expect(supervisor.locator("#callbacks-overdue")).to_contain_text("超时未回电 1 个", timeout=15_000)
        row = supervisor.locator("#callbacks [data-callback].overdue")
        expect(row).to_contain_text("139****5678")
        expect(row).to_contain_text("来电号码")
        supervisor.screenshot(path=str(SHOTS / "callback_04_supervisor_overdue.png"))
