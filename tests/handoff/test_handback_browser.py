"""The hand-back choice in Debian's Chromium: with a customer message the agent has not answered,
"转回机器人" asks whether the bot should answer it; "不回答，只转回" hands back without the bot taking it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from devstack.browser import SHOTS, available_agent
from devstack.hub_clients import Customer, HubRun
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("handback-browser"), HANDOFF_RESERVATION_S="60") as run:
        yield run


def test_the_agent_chooses_at_hand_back_whether_the_bot_answers(quiet_hub: HubRun, browser: Browser) -> None:
    agent = available_agent(browser, quiet_hub.url, "agent1", quiet_hub.passwords["agent1"])
    cid, cookie = quiet_hub.chat_session()
    customer = Customer(quiet_hub, cid, cookie=cookie)
    try:
        assert quiet_hub.handoff(cid).status_code == 201
        agent.locator(".offer .accept").first.click(timeout=20_000)
        expect(agent.locator("#conv-title")).to_have_text(cid)
        agent.fill("#reply", "请问还有什么问题？")
        agent.click("#send-reply")
        customer.event(lambda e: e.get("sender") == "agent")
        customer.send("转人工")
        expect(agent.locator("#transcript")).to_contain_text("转人工")

        agent.click("#handback")
        choice = agent.locator("#handback-choice")
        expect(choice).to_contain_text("1 条消息")
        agent.screenshot(path=str(SHOTS / "handback_choice.png"))
        agent.click("#handback-cancel")  # nothing happens: still the agent's
        expect(choice).to_have_count(0)
        assert quiet_hub.status(cid)["owner"] == "agent"

        agent.click("#handback")
        agent.click("#handback-leave")
        customer.event(lambda e: e.get("kind") == "handed_back", 15, "hand back")
        later = customer.frames.drain(3.0)
        assert not [f for f in later if f.get("type") == "event" and f.get("kind") == "bot_unavailable"], later
        assert quiet_hub.status(cid)["owner"] == "bot"
    finally:
        customer.close()
