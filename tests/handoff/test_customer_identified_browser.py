"""The app signs the customer in after she asked for a person and an agent took her conversation, in Chromium:
the agent's console shows her card at once (no reload), and the reply the agent was typing stays."""

from __future__ import annotations

import json

from playwright.sync_api import Browser, expect

from devstack.browser import available_agent
from devstack.hub_clients import Customer, HubRun
from devstack.tokens import app_token


def test_the_console_shows_the_customer_the_app_signed_in_after_the_handoff(stack, hub: HubRun,
                                                                            browser: Browser) -> None:
    agent = available_agent(browser, hub.url, "agent1", hub.passwords["agent1"])
    customer = Customer(hub)
    try:
        assert hub.handoff(customer.cid, customer_id="C0001").status_code == 201  # a claim, not an identity
        offer = agent.locator(".offer").first
        expect(offer).to_be_visible(timeout=15_000)
        offer.locator(".accept").click()
        expect(agent.locator("#conv-title")).to_have_text(customer.cid)
        panel = agent.locator("#customer")
        expect(panel).to_contain_text("客户未验证身份")
        agent.fill("#reply", "您好，我先帮您看一下")

        customer.send_raw(json.dumps({"type": "auth", "token": app_token("C0002")}))
        expect(panel).to_contain_text("(C0002)", timeout=10_000)
        expect(panel).not_to_contain_text("C0001")
        expect(agent.locator("#reply")).to_have_value("您好，我先帮您看一下")
    finally:
        customer.close()
        agent.context.close()
