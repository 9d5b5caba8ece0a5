"""The agent's keyboard in Chromium, and typing shown both ways: Enter sends and Shift+Enter starts a
new line, "/" opens the canned replies filtered by shortcode, Alt+↑/↓ moves between conversations,
Esc closes the panel; the customer sees "人工客服正在输入…" while the agent types, the agent sees the
customer typing, and neither signal ends up in the transcript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.browser import SHOTS, available_agent
from devstack.hub_clients import HubRun, new_cid
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    """A hub without a bot: conversations reach the agent through handoffs posted on the channel API."""
    with hub_without_bot(tmp_path_factory.mktemp("keyboard"), HANDOFF_RESERVATION_S="30") as run:
        yield run


def accept_next_offer(agent: Page) -> None:
    offer = agent.locator(".offer").first
    expect(offer).to_be_visible(timeout=15_000)
    offer.locator(".accept").click()
    expect(agent.locator(".offer")).to_have_count(0)


def test_agent_works_from_the_keyboard_and_typing_shows_both_ways(quiet_hub: HubRun, browser: Browser) -> None:
    agent = available_agent(browser, quiet_hub.url, "agent1", quiet_hub.passwords["agent1"])

    customer = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
    customer.goto(f"{quiet_hub.url}/chat")
    customer.wait_for_function("() => window.hubChat.cid()")
    cid = customer.evaluate("window.hubChat.cid()")
    other = new_cid("kbd")
    assert quiet_hub.handoff(other).status_code == 201
    accept_next_offer(agent)
    assert quiet_hub.handoff(cid).status_code == 201
    accept_next_offer(agent)
    expect(agent.locator("#conv-title")).to_have_text(cid)
    expect(customer.locator("#status")).to_contain_text("李娜")
    expect(agent.locator("#conversations .conv")).to_have_count(2)

    # Alt+↑ / Alt+↓ between the two conversations.
    order = agent.locator("#conversations .conv").evaluate_all("(nodes) => nodes.map((n) => n.dataset.conversation)")
    step = "Alt+ArrowUp" if order.index(cid) == 1 else "Alt+ArrowDown"
    back = "Alt+ArrowDown" if step == "Alt+ArrowUp" else "Alt+ArrowUp"
    agent.locator("#reply").press(step)
    expect(agent.locator("#conv-title")).to_have_text(other)
    agent.locator("#reply").press(back)
    expect(agent.locator("#conv-title")).to_have_text(cid)

    # Typing, agent to customer.
    reply = agent.locator("#reply")
    reply.press_sequentially("您好")
    expect(customer.locator("#typing")).to_have_text("人工客服正在输入…")
    expect(customer.locator("#typing")).to_be_visible()
    # Shift+Enter is a new line; Enter sends the two lines as one message.
    reply.press("Shift+Enter")
    reply.press_sequentially("请问需要什么帮助")
    expect(reply).to_have_value("您好\n请问需要什么帮助")
    reply.press("Enter")
    expect(customer.locator(".msg.agent").last).to_contain_text("您好\n请问需要什么帮助")
    expect(reply).to_have_value("")
    expect(customer.locator("#typing")).to_be_hidden()

    # Typing, customer to agent.
    customer.locator("#input").press_sequentially("我想问")
    expect(agent.locator("#customer-typing")).to_have_text("客户正在输入…")
    expect(agent.locator("#customer-typing")).to_be_visible()
    agent.screenshot(path=str(SHOTS / "21_agent_sees_customer_typing.png"))
    customer.locator("#input").press("Enter")
    expect(agent.locator("#transcript")).to_contain_text("我想问")
    expect(agent.locator("#customer-typing")).to_be_hidden()

    # "/" opens the canned replies; letters filter by shortcode; Enter puts the chosen one in the box.
    reply.press("/")
    panel = agent.locator("#canned-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".canned-item")).to_have_count(5)
    reply.press_sequentially("cla")
    expect(panel.locator(".canned-item")).to_have_count(1)
    expect(panel.locator(".canned-item.chosen")).to_contain_text("3 个工作日")
    agent.screenshot(path=str(SHOTS / "22_agent_canned_panel.png"))
    reply.press("Enter")
    expect(panel).to_be_hidden()
    expect(reply).to_have_value("理赔材料齐全后一般 3 个工作日内审核完毕。")
    reply.press("Enter")
    expect(customer.locator(".msg.agent").last).to_contain_text("3 个工作日内审核完毕")

    # ↓ chooses the next one; an unknown shortcode sends nothing; Esc closes the panel.
    reply.press("/")
    reply.press("ArrowDown")
    expect(panel.locator(".canned-item.chosen")).to_have_attribute("data-shortcode", "wait")  # after /hello
    reply.press("Tab")
    expect(reply).to_have_value("请稍等，我帮您查询一下。")
    reply.fill("")
    reply.press_sequentially("/zzz")
    expect(panel).to_contain_text("没有匹配的常用回复")
    reply.press("Enter")
    expect(reply).to_have_value("/zzz")
    reply.press("Escape")
    expect(panel).to_be_hidden()

    # Typing signals were only signals: nothing of them in the conversation's record.
    view = agent.evaluate(f"fetch('/api/console/conversations/{cid}').then((r) => r.json())")
    texts = [e.get("text") or "" for e in view["transcript"]]
    assert not [e for e in view["transcript"] if e.get("kind") == "typing" or e.get("type") == "typing"]
    assert "我想问" in texts and "您好\n请问需要什么帮助" in texts
    customer.screenshot(path=str(SHOTS / "23_customer_after_agent_replies.png"))
