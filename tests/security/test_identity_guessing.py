"""Attacks on identity verification (item 9), tried as an outsider would against the real
processes: the session's Rasa and action server, and the policy API restarted on its port with the
production counts (5 failures in 15 minutes) and a lock of seconds, so the test sees it lapse.

The outsider knows a customer's phone number (13800138000, 王芳) and guesses the last 4 of her ID
number: across new conversations, after /restart, in English and Mandarin, and straight at the API.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack import services
from tests.conftest import Chat

LOCK_S = 40
STRICT = {"IDENTITY_MAX_FAILURES": "5", "IDENTITY_FAILURE_WINDOW_S": "900", "IDENTITY_LOCK_S": str(LOCK_S)}


@pytest.fixture
def strict_api(stack: Any) -> Iterator[Any]:
    with stack.api_settings({**STRICT, "IDENTITY_REDIS_PREFIX": f"test-guess-{uuid.uuid4().hex[:10]}"}):
        yield stack


def verify(stack: Any, **body: str) -> httpx.Response:
    return stack.api("POST", "/v1/identity/verify", json=body)


def buttons(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def wait_for_unlock(stack: Any, **body: str) -> None:
    """Sleep out the lock as the API announces it (Retry-After), without counting a failure."""
    response = verify(stack, **body)
    if response.status_code == 429:
        time.sleep(int(response.headers["Retry-After"]) + 1)


def test_guessing_last4_across_new_conversations_and_restart_is_locked(strict_api):
    stack = strict_api
    guesses = iter(range(9990, 9995))

    def guess(chat: Chat, ask_first: bool = True) -> None:
        if ask_first:
            chat.say("查一下我的保单")
        reply = chat.say(f"13800138000 后四位{next(guesses)}")
        assert "验证成功" not in reply and "HL20240001" not in reply, reply

    # Two guesses in one conversation (its own lock is at 3), /restart, a third; then new conversations.
    chat = Chat(stack.rasa_url)
    guess(chat)
    guess(chat, ask_first=False)
    chat.click("/restart")  # a real restart (flagged as our own services may send it), not typed text
    guess(chat)
    for _conversation in range(2):
        guess(Chat(stack.rasa_url))

    # Now the right answer is refused too, in a new conversation: told plainly, offered a person.
    chat = Chat(stack.rasa_url)
    chat.say("查一下我的保单")
    replies = chat.send("13800138000 后四位1234")
    assert "验证已暂时锁定" in text(replies) and "分钟" in text(replies), text(replies)
    assert "/request_human" in buttons(replies)
    assert "HL20240001" not in text(replies) and "验证成功" not in text(replies)

    # In English, in English.
    chat = Chat(stack.rasa_url)
    chat.say("show me my policies")
    replies = chat.send("13800138000 last 4 1234")
    assert "verification is locked" in text(replies) and "agent" in text(replies), text(replies)
    assert "/request_human" in buttons(replies)

    # The API says so in a way a program can act on.
    locked = verify(stack, phone="13800138000", id_last4="1234")
    assert locked.status_code == 429, locked.text
    assert locked.json()["error"]["code"] == "identity_locked"
    assert 1 <= int(locked.headers["Retry-After"]) <= LOCK_S

    # Another customer is unaffected.
    john = Chat(stack.rasa_url)
    john.say("where is my claim")
    assert "verified" in john.say("13900139000 last 4 5678")

    # Once the lock lapses the right answer works again.
    wait_for_unlock(stack, phone="13800138000", id_last4="1234")
    chat = Chat(stack.rasa_url)
    chat.say("查一下我的保单")
    reply = chat.say("13800138000 后四位1234")
    assert "验证成功" in reply and "HL20240001" in reply, reply


def test_switching_between_phone_and_policy_numbers_counts_against_the_same_customer(strict_api):
    """Guesses spread over her phone and both her policy numbers add up: the customer is counted."""
    stack = strict_api
    guesses = [{"phone": "13800138000"}, {"policy_number": "HL20240001"}, {"policy_number": "AU20240002"},
               {"phone": "138 0013 8000"}, {"policy_number": "hl-2024-0001"}]
    for n, key in enumerate(guesses):
        response = verify(stack, **key, id_last4=f"{9990 + n}")
        assert response.status_code == 401 and response.json()["error"]["code"] == "identity_mismatch"
    for key in ({"policy_number": "AU20240002"}, {"phone": "13800138000"}):
        response = verify(stack, **key, id_last4="1234")
        assert response.status_code == 429 and response.json()["error"]["code"] == "identity_locked", key
    # John Smith's details still verify.
    assert verify(stack, policy_number="LF20230007", id_last4="5678").status_code == 200
    wait_for_unlock(stack, policy_number="AU20240002", id_last4="1234")
    assert verify(stack, policy_number="AU20240002", id_last4="1234").json()["customer_id"] == "C0001"


def test_unknown_phone_numbers_lock_like_known_ones(strict_api):
    """A lock that only known numbers get would tell which numbers are customers."""
    stack = strict_api
    for n in range(5):
        assert verify(stack, phone="13600136000", id_last4=f"{1000 + n}").status_code == 401
    response = verify(stack, phone="13600136000", id_last4="1234")
    assert response.status_code == 429 and response.json()["error"]["code"] == "identity_locked"


def test_identity_check_without_its_attempt_counter_is_refused(stack, tmp_path):
    """With Redis unreachable a check would go uncounted, so unlimited: refused (503), not waved through."""
    with services.policy_api(stack.database_url, extra_env={"REDIS_URL": "redis://127.0.0.1:9/0"}) as url:
        response = httpx.post(f"{url}/v1/identity/verify", headers={"X-API-Key": services.API_KEY},
                              json={"phone": "13800138000", "id_last4": "1234"}, timeout=20)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "identity_check_unavailable"
    assert "王芳" not in response.text
    # The stack's API, with its counter, verifies her.
    assert verify(stack, phone="13800138000", id_last4="1234").status_code == 200


def test_verification_does_not_outlive_an_idle_session(chat, stack):
    """Verification was carried into every later session: 31 idle minutes later her policies still showed."""
    chat.say("查一下我的保单")
    assert "HL20240001" in chat.say("13800138000 后四位1234")
    assert "HL20240001" in chat.say("我的保单有哪些")  # within the session she stays verified

    # 31 minutes pass: the conversation's events are moved back in time (Rasa's API, our token).
    url = f"{stack.rasa_url}/conversations/{chat.sender}/tracker"
    events = httpx.get(url, timeout=10, auth=services.rasa_auth()).json()["events"]
    for event in events:
        event["timestamp"] -= 31 * 60
    put = httpx.put(f"{url}/events", json=events, timeout=20, auth=services.rasa_auth())
    assert put.status_code == 200, put.text

    reply = chat.say("我的保单有哪些")
    assert "HL20240001" not in reply and "手机号" in reply, reply
    slots = httpx.get(url, timeout=10, auth=services.rasa_auth()).json()["slots"]
    assert slots["verified"] in (False, None) and slots["customer_id"] is None
    assert slots["language"] == "zh"  # the rest of the conversation's context is kept
    # She verifies again and is served.
    assert "HL20240001" in chat.say("13800138000 后四位1234")
