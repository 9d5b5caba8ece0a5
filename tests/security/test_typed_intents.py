"""Issue 16, item 8: a customer types an internal intent payload. Rasa reads any "/intent{...}" message as
that intent, skipping NLU, so `/EXTERNAL_premium_reminder{"reminder_id":"1"}` would fetch someone else's
reminder and `/opt_out` would unsubscribe. Now Rasa's channel (bot/channels.py) reads such text as words
unless our relaying service flags it as a button the bot offered; the hub flags only offered payloads."""

from __future__ import annotations

import time
from typing import Any

import httpx

from devstack import services
from devstack.hub_clients import Customer, HubRun
from service_auth.intent_payloads import PAYLOAD_OFFERED
from tests.conftest import Chat
from tests.handoff.conftest import hub, start_hub  # noqa: F401  (fixtures: a real hub per test)

REMINDER = '/EXTERNAL_premium_reminder{"reminder_id":"1"}'


def tracker(stack: Any, cid: str) -> dict[str, Any]:
    response = httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", auth=services.rasa_auth(), timeout=10)
    response.raise_for_status()
    return response.json()


def user_intents(stack: Any, cid: str) -> list[str]:
    return [e["parse_data"]["intent"]["name"] for e in tracker(stack, cid)["events"] if e["event"] == "user"]


def wait_user_event(stack: Any, cid: str, text: str, timeout: float = 60) -> dict[str, Any]:
    """The user event Rasa recorded for `text` (relayed by the hub in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in tracker(stack, cid)["events"]:
            if event["event"] == "user" and event["text"] == text:
                return event
        time.sleep(0.2)
    raise AssertionError(f"Rasa never got {text!r} in {cid}")


def actions_run(stack: Any, cid: str) -> set[str]:
    return {e["name"] for e in tracker(stack, cid)["events"] if e["event"] == "action"}


def test_typed_reminder_payload_on_the_signed_channel_is_read_as_text(stack) -> None:
    chat = Chat(stack.rasa_url)  # signed like the hub: only the missing flag tells it is typed
    reply = chat.say(REMINDER)
    assert "温馨提醒" not in reply and "Reminder:" not in reply and "HL2024" not in reply, reply
    assert "EXTERNAL_premium_reminder" not in user_intents(stack, chat.sender)
    assert "action_deliver_reminder" not in actions_run(stack, chat.sender)
    assert tracker(stack, chat.sender)["slots"].get("reminder_customer") is None
    # The text still reaches NLU as the customer wrote it, with a full-width slash.
    assert tracker(stack, chat.sender)["latest_message"]["text"].startswith("\uff0fEXTERNAL_premium_reminder")


def test_typed_opt_out_on_the_signed_channel_does_not_opt_out(stack) -> None:
    """NLU may well read the words "opt out" as the wish to opt out: that is the ordinary, guarded path
    (an unverified customer is asked to verify), not the payload that skipped NLU."""
    chat = Chat(stack.rasa_url)
    for text in ("/opt_out", "  /opt_out", "/opt_out@1.0"):
        reply = chat.say(text)
        assert "已为您退订" not in reply and "you won't get premium" not in reply, reply
        latest = tracker(stack, chat.sender)["latest_message"]
        assert latest["text"].startswith("\uff0fopt_out"), latest["text"]
        # A payload's parse ranks one intent at confidence 1; NLU ranks them all.
        assert len(latest["intent_ranking"]) > 1, latest
    assert tracker(stack, chat.sender)["slots"].get("reminder_customer") is None


def test_flagged_payload_is_still_an_intent(stack) -> None:
    """The legitimate path: a button click our service vouched for stays a payload."""
    chat = Chat(stack.rasa_url)
    chat.send("/query_policy", {PAYLOAD_OFFERED: True})
    assert user_intents(stack, chat.sender)[-1] == "query_policy"
    chat.send("/query_policy", {PAYLOAD_OFFERED: "yes"})  # only a JSON true counts
    # Recorded as the words the customer typed and read by the NLU (a ranking of intents), not taken as a payload.
    # (The tracker's latest_message shows the NLU's normalised text, where the full-width slash is "/" again.)
    event = wait_user_event(stack, chat.sender, "\uff0fquery_policy")
    assert len(event["parse_data"]["intent_ranking"]) > 1, event


def greeted(hub_run: HubRun) -> Customer:
    """A chat page's customer whom the bot greeted with its menu of buttons (payloads it offered)."""
    customer = Customer(hub_run)
    customer.send("你好")
    greeting = customer.event(lambda e: e.get("sender") == "bot" and bool(e.get("buttons")), 60, "menu")
    assert "/query_policy" in [b["payload"] for b in greeting["buttons"]]
    return customer


def test_typed_payloads_through_the_hub_are_text_but_offered_buttons_work(stack, hub) -> None:  # noqa: F811
    # Typed, never offered: read as text by Rasa. Each in a conversation of its own: how the bot answers
    # one (its NLU may even hand the conversation to a person) must not decide whether the next reaches it.
    for typed in (REMINDER, "/opt_out"):
        customer = greeted(hub)
        try:
            customer.send(typed)
            event = wait_user_event(stack, customer.cid, "\uff0f" + typed[1:])
            assert len(event["parse_data"]["intent_ranking"]) > 1, event  # NLU read it; no payload skipped it
            assert "EXTERNAL_premium_reminder" not in user_intents(stack, customer.cid)
            assert "action_deliver_reminder" not in actions_run(stack, customer.cid)
            texts = " ".join(e.get("text") or "" for e in tracker(stack, customer.cid)["events"]
                             if e["event"] == "bot")
            assert "温馨提醒" not in texts and "已为您退订" not in texts, texts
        finally:
            customer.close()

    # The button the bot offered in this conversation: relayed as the intent it is.
    customer = greeted(hub)
    try:
        customer.send("/query_policy")
        assert wait_user_event(stack, customer.cid, "/query_policy")["parse_data"]["intent"]["name"] == "query_policy"
    finally:
        customer.close()
