"""Several hub workers on one port (HANDOFF_WORKERS): any worker takes any customer's message, and
each message still reaches the bot exactly once and in order."""

from __future__ import annotations

import time

import httpx

from devstack import services
from devstack.hub_clients import Customer

MESSAGES = ["你好", "查一下我的保单", "谢谢"]


def rasa_user_texts(stack, cid: str) -> list[str]:
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", timeout=10, auth=services.rasa_auth()).json()
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_two_workers_relay_each_message_to_the_bot_once_and_in_order(stack, start_hub):
    hub = start_hub(HANDOFF_WORKERS=2)
    workers = {httpx.get(f"{hub.url}/health", timeout=10).json()["worker"] for _ in range(40)}
    assert len(workers) == 2, f"expected two hub workers to answer, saw {workers}"

    # Each message comes over a connection of its own, as a flaky mobile network does, so the messages
    # of one conversation land on both workers while the bot is still busy with the one before.
    sessions = dict(hub.chat_session() for _ in range(4))  # conversation id -> its resume cookie
    cids = list(sessions)
    for text in MESSAGES:
        for cid in cids:
            customer = Customer(hub, cid, cookie=sessions[cid])
            customer.send(text)
            customer.event(lambda e, t=text: e.get("sender") == "customer" and e.get("text") == t)
            customer.close()

    deadline = time.monotonic() + 120
    seen: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        seen = {cid: rasa_user_texts(stack, cid) for cid in cids}
        if all(len(texts) >= len(MESSAGES) for texts in seen.values()):
            break
        time.sleep(1)
    time.sleep(2)  # a duplicate relay would show up by now
    for cid in cids:
        assert rasa_user_texts(stack, cid) == MESSAGES, f"{cid}: the bot got {seen.get(cid)}"
        transcript = httpx.get(f"{hub.url}/api/conversations/{cid}/events", params={"wait": 0},
                               headers=services.HUB_KEY, timeout=10).json()["events"]
        bot_turns = [e for e in transcript if e.get("sender") == "bot"]
        assert bot_turns and bot_turns[-1]["seq"] > max(e["seq"] for e in transcript if e.get("sender") == "customer")
