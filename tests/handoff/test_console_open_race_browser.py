"""A customer's message framed while the agent's console fetches the conversation is shown, in Chromium: the
hub read the transcript before the message was stored, and the message's frame reached the console before the
transcript's answer. (Before, the console showed the frame and then replaced the transcript with the answer,
which did not hold it: the message was gone from the agent's screen until the next reload.)

The answer is held back in the browser (Playwright's route) while the message is published on the hub's
conversation channel, as the hub publishes a stored message; a real hub on Redis, no bot needed."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import Browser, Route, expect

from devstack.browser import available_agent
from devstack.hub_clients import HubRun, new_cid
from tests.security.standalone_hub import REDIS_URL, hub_without_bot


@pytest.fixture(scope="module")
def quiet_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("open-race"), HANDOFF_RESERVATION_S="30") as run:
        yield run


def test_a_message_framed_while_the_transcript_loads_is_shown(quiet_hub: HubRun, browser: Browser) -> None:
    agent = available_agent(browser, quiet_hub.url, "agent1", quiet_hub.passwords["agent1"])
    cid = new_cid("open-race")
    assert quiet_hub.handoff(cid).status_code == 201
    offer = agent.locator(".offer").first
    expect(offer).to_be_visible(timeout=15_000)
    offer.locator(".accept").click()
    expect(agent.locator("#conv-title")).to_have_text(cid)

    text = "我在您打开对话的时候发的消息"
    publisher = redis.Redis.from_url(REDIS_URL)

    def answer_after_the_message(route: Route) -> None:
        answer = route.fetch()  # the hub reads the transcript now, without the message
        publisher.publish(f"{quiet_hub.prefix}:ev:conv:{cid}",
                          json.dumps({"seq": 999, "at": time.time(), "sender": "customer", "text": text}))
        time.sleep(1.5)  # the frame reaches the console before the answer does
        route.fulfill(response=answer)

    agent.route(re.compile(rf".*/api/console/conversations/{re.escape(cid)}$"), answer_after_the_message)
    try:
        agent.evaluate("""() => { window.opened = new Promise((done) =>
            document.addEventListener("conversation-opened", done, { once: true })); }""")
        agent.locator(f'#conversations .conv[data-conversation="{cid}"]').click()  # opens it again
        agent.evaluate("() => window.opened.then(() => true)")  # the transcript's answer is on the screen
        expect(agent.locator("#transcript")).to_contain_text(text, timeout=2_000)
    finally:
        publisher.close()
        agent.context.close()
