"""Wrap-up, history and transfer in Chromium, on a real hub without a bot (handoffs posted on the channel
API; the customer signed in with her app token, the identity the hub verified):

- agent1 closes her chat with a label and a one-line summary; her next chat shows that conversation in the
  customer panel's history, with its label and summary, and it opens read-only;
- agent1 transfers a chat to agent2 with a note: the customer sees the notice, agent2 sees the chat with
  the note, agent1 no longer has it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.browser import SHOTS, sign_in
from devstack.hub_clients import HubRun
from devstack.tokens import app_token
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("handover-browser"), HANDOFF_RESERVATION_S="30") as run:
        yield run


def console(browser: Browser, hub: HubRun, username: str, state: str = "available") -> Page:
    page = browser.new_context(viewport={"width": 1500, "height": 950}).new_page()
    sign_in(page, hub.url, username, hub.passwords[username])
    expect(page).to_have_url(re.compile(r"/console/agent"))
    expect(page.locator("#state")).to_be_enabled()
    page.select_option("#state", state)
    return page


def signed_in_chat(browser: Browser, hub: HubRun) -> tuple[Page, str]:
    page = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
    page.goto(f"{hub.url}/chat#token={app_token('C0001')}")
    # Signed in before any handoff: a handoff the hub takes before it has checked the token names no customer
    # (and so the history search by customer does not find it).
    page.wait_for_function("() => window.hubChat.signedIn()", timeout=15_000)
    return page, page.evaluate("window.hubChat.cid()")


def take_offer(agent: Page, hub: HubRun, cid: str) -> None:
    assert hub.handoff(cid).status_code == 201
    offer = agent.locator(".offer").first
    expect(offer).to_be_visible(timeout=20_000)
    offer.locator(".accept").click()
    expect(agent.locator("#conv-title")).to_have_text(cid)


def test_wrap_up_shows_in_the_next_conversations_history(quiet_hub: HubRun, browser: Browser) -> None:
    agent = console(browser, quiet_hub, "agent1")
    customer, cid = signed_in_chat(browser, quiet_hub)
    take_offer(agent, quiet_hub, cid)
    agent.fill("#reply", "您好，我来帮您查理赔进度")
    agent.keyboard.press("Enter")
    expect(customer.locator(".msg.agent")).to_contain_text("理赔进度")

    agent.click("#close")
    expect(agent.locator("#wrapup-dialog")).to_be_visible()
    agent.click("#wrapup-confirm")  # no label yet: refused in the dialog, the chat stays open
    expect(agent.locator("#wrapup-dialog .dialog-error")).not_to_be_empty()
    agent.select_option("#wrapup-label", "complaint_claim")
    agent.fill("#wrapup-summary", "客户投诉理赔太慢，已催办")
    agent.screenshot(path=str(SHOTS / "console_wrapup_dialog.png"))
    agent.click("#wrapup-confirm")
    expect(agent.locator("#wrapup-dialog")).to_be_hidden()
    expect(customer.locator("#csat")).to_be_visible()

    later, later_cid = signed_in_chat(browser, quiet_hub)  # her next chat
    take_offer(agent, quiet_hub, later_cid)
    row = agent.locator("#history .history-row").first
    expect(row).to_contain_text("投诉-理赔", timeout=15_000)
    expect(agent.locator("#history .wrapup-line").first).to_contain_text("客户投诉理赔太慢，已催办")
    row.click()
    expect(agent.locator("#past-view")).to_be_visible()
    expect(agent.locator("#past-view .past-transcript")).to_contain_text("您好，我来帮您查理赔进度")
    agent.screenshot(path=str(SHOTS / "console_history_past_conversation.png"))
    agent.click("#past-close")

    agent.fill("#hs-customer_id", "C0001")
    agent.select_option("#hs-label", "complaint_claim")
    agent.click("#history-search button[type=submit]")
    expect(agent.locator("#history-results .history-row")).to_have_count(1)
    agent.screenshot(path=str(SHOTS / "console_history_search.png"))
    later.close()
    customer.close()


def test_transfer_to_a_colleague_with_a_note(quiet_hub: HubRun, browser: Browser) -> None:
    agent1 = console(browser, quiet_hub, "agent1")
    agent2 = console(browser, quiet_hub, "agent2", state="away")  # the offer goes to agent1
    customer, cid = signed_in_chat(browser, quiet_hub)
    take_offer(agent1, quiet_hub, cid)
    agent2.select_option("#state", "available")

    agent1.click("#transfer")
    expect(agent1.locator("#transfer-dialog")).to_be_visible()
    expect(agent1.locator("#transfer-target option[value=agent2]")).to_have_count(1)
    agent1.select_option("#transfer-target", "agent2")
    expect(agent1.locator("#transfer-queue-fields")).to_be_hidden()
    agent1.fill("#transfer-note", "客户要投诉理赔，请接手")
    agent1.screenshot(path=str(SHOTS / "console_transfer_dialog.png"))
    agent1.click("#transfer-confirm")
    expect(agent1.locator("#transfer-dialog")).to_be_hidden()
    expect(agent1.locator(f'#conversations .conv[data-conversation="{cid}"]')).to_have_count(0)

    expect(customer.locator(".msg.system").filter(has_text="王强")).to_be_visible(timeout=10_000)
    expect(customer.locator("#status")).to_contain_text("王强")
    customer.screenshot(path=str(SHOTS / "customer_transfer_notice.png"))

    conv = agent2.locator(f'#conversations .conv[data-conversation="{cid}"]')
    expect(conv).to_be_visible(timeout=15_000)
    conv.click()
    expect(agent2.locator("#transfer-banner")).to_contain_text("客户要投诉理赔，请接手")
    expect(agent2.locator("#notes")).to_contain_text("客户要投诉理赔，请接手")
    agent2.fill("#reply", "您好，我是王强")
    agent2.keyboard.press("Enter")
    expect(customer.locator(".msg.agent").last).to_contain_text("我是王强")
    agent2.screenshot(path=str(SHOTS / "console_transferred_in.png"))
    customer.close()

    # The supervisor's figures count the transfer and the labels; the search reads every agent's chats.
    supervisor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(supervisor, quiet_hub.url, "supervisor", quiet_hub.passwords["supervisor"])
    expect(supervisor).to_have_url(re.compile(r"/console/supervisor"))
    expect(supervisor.locator('#handover-figures [data-figure="transfers"] b')).not_to_have_text("0", timeout=15_000)
    expect(supervisor.locator("#label-counts")).to_contain_text("投诉-理赔")
    supervisor.fill("#hs-customer_id", "C0001")
    supervisor.click("#history-search button[type=submit]")
    expect(supervisor.locator("#history-results .history-row")).not_to_have_count(0)
    expect(supervisor.locator("#history-results")).to_contain_text("已转接")
    supervisor.screenshot(path=str(SHOTS / "supervisor_handover_figures.png"))
