"""Each customer message is answered by the bot once, on a real hub, Rasa and Redis: a message id the
page sends twice (a resend after a lost ack), and a message the hub takes again after a crash between
the Rasa turn and the queue update (simulated by putting it back on the bot queue and restarting)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import redis

from devstack import services
from devstack.hub_clients import Customer, HubRun
from tests.handoff.conftest import REDIS_URL


def log(hub: HubRun, cid: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{hub.url}/api/conversations/{cid}/events", params={"wait": 0}, headers=services.HUB_KEY,
                         timeout=10)
    return response.json()["events"]


def bot_entries(hub: HubRun, cid: str) -> list[dict[str, Any]]:
    return [e for e in log(hub, cid) if e.get("sender") == "bot"]


def rasa_user_texts(stack: Any, cid: str) -> list[str]:
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", auth=services.rasa_auth(), timeout=10).json()
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


def answered(hub: HubRun, cid: str, settle_s: float = 3) -> list[dict[str, Any]]:
    """The bot's entries once the conversation's bot queue is empty and nothing came for settle_s."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        deadline = time.monotonic() + 90
        while client.llen(f"{hub.prefix}:c:{cid}:botq") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        client.close()
    time.sleep(settle_s)
    return bot_entries(hub, cid)


def greeted(hub: HubRun) -> tuple[Customer, list[dict[str, Any]], dict[str, Any]]:
    """A chat page customer said 你好 and was answered: (the customer, closed; the bot's entries; the message)."""
    customer = Customer(hub)
    try:
        customer.send("你好")
        customer.bot_reply()
        first = answered(hub, customer.cid)
        (message,) = [e for e in log(hub, customer.cid) if e.get("sender") == "customer"]
    finally:
        customer.close()
    return customer, first, message


def test_same_message_id_sent_twice_is_answered_once(stack, hub) -> None:
    customer = Customer(hub)
    try:
        msg_id = customer.send("你好")
        customer.bot_reply()
        first = answered(hub, customer.cid)
        customer.send("你好", client_msg_id=msg_id)  # the page resends: its ack was lost
        assert answered(hub, customer.cid) == first
        assert rasa_user_texts(stack, customer.cid).count("你好") == 1
    finally:
        customer.close()


def test_message_taken_again_after_a_crash_is_not_answered_twice(stack, hub) -> None:
    customer, first, message = greeted(hub)
    # The hub died after Rasa answered but before it took the message off the queue: on restart it finds
    # the message still queued and pending.
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        client.rpush(f"{hub.prefix}:c:{customer.cid}:botq", message["seq"])
        client.sadd(f"{hub.prefix}:botpending", customer.cid)
    finally:
        client.close()
    hub.restart()
    assert answered(hub, customer.cid) == first
    assert rasa_user_texts(stack, customer.cid).count("你好") == 1

    # The conversation goes on as usual.
    again = Customer(hub, cid=customer.cid, cookie=customer.cookie, last_seq=first[-1]["seq"])
    try:
        again.send("谢谢")
        again.bot_reply()
        assert len(answered(hub, customer.cid)) > len(first)
    finally:
        again.close()


def test_message_whose_worker_died_during_the_rasa_turn_is_answered_once(stack, hub) -> None:
    customer, first, message = greeted(hub)
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{customer.cid}/tracker", auth=services.rasa_auth(),
                        timeout=10).json()
    (relay_id,) = [e["metadata"]["hub_relay"] for e in tracker["events"] if e["event"] == "user"]
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    conv = f"{hub.prefix}:c:{customer.cid}"
    try:
        # Died after Rasa answered but before the answer was kept: Rasa's tracker has it, nothing is re-sent.
        client.set(f"{conv}:relay:{message['seq']}", f"pending:{relay_id}")
        client.rpush(f"{conv}:botq", message["seq"])
        client.sadd(f"{hub.prefix}:botpending", customer.cid)
        hub.restart()
        assert answered(hub, customer.cid) == first
        assert rasa_user_texts(stack, customer.cid) == ["你好"]
        # Died before Rasa got the next message: it is sent now, and answered once.
        next_seq = int(client.hget(conv, "seq")) + 1
        client.set(f"{conv}:relay:{next_seq}", "pending:never-sent")
    finally:
        client.close()
    sent = httpx.post(f"{hub.url}/api/conversations/{customer.cid}/messages", json={"text": "谢谢"},
                      headers=services.HUB_KEY, timeout=10)
    assert sent.json()["seq"] == next_seq
    later = answered(hub, customer.cid)
    assert len(later) > len(first)
    assert rasa_user_texts(stack, customer.cid) == ["你好", "谢谢"]
