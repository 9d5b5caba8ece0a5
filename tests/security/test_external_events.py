"""Attacks with external events and opt-outs: a reminder id of another customer sent into a
conversation (through the hub with its key, as a leaked key or a confused service would, or straight to
Rasa's trigger_intent with Rasa's token), external events without the service's credential or into a
chat that has no customer, and an opt-out from a chat that proved nobody. Each is refused, nothing of the
other customer is shown or changed, and the reminders and opt-outs of the customer herself still work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import select

from desk_db.tables.policy import Premium
from desk_db.tables.reminders import OptOut, Reminder
from devstack import services
from devstack.hub_clients import Customer
from devstack.tokens import app_token
from tests.conftest import Chat
from tests.handoff.conftest import hub, start_hub  # noqa: F401  (fixtures: a real hub per test)
from tests.outreach.conftest import open_db

HER_POLICY, HIS_POLICY = "HL20240001", "LF20230007"  # C0001 Wang Fang's, C0002 John Smith's


@pytest.fixture
def reminders(stack: Any) -> Iterator[dict[str, int]]:
    """One premium reminder each for C0001 and C0002, as the scheduler makes them: {customer: reminder id}."""
    stack.reseed()
    ids = {}
    with open_db(stack.database_url) as db, db.sessions() as s:
        for customer, policy in (("C0001", HER_POLICY), ("C0002", HIS_POLICY)):
            premium = s.scalars(select(Premium).where(Premium.policy_number == policy)).first()
            reminder = Reminder(customer_id=customer, kind="premium", ref=str(premium.id), step=7, policy_number=policy,
                                due_date=date.today() + timedelta(days=7), amount=premium.amount,
                                language="zh" if customer == "C0001" else "en")
            s.add(reminder)
            s.flush()
            ids[customer] = reminder.id
        s.commit()
    yield ids
    stack.reseed()


def opt_outs(stack: Any) -> list[tuple[str, str]]:
    with open_db(stack.database_url) as db, db.sessions() as s:
        return [(o.customer_id, o.source) for o in s.scalars(select(OptOut).order_by(OptOut.id))]


def trigger(stack: Any, cid: str, reminder_id: int, auth: httpx.Auth | None = None) -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/conversations/{cid}/trigger_intent", params={"include_events": "NONE"},
                      json={"name": "EXTERNAL_premium_reminder", "entities": {"reminder_id": str(reminder_id)}},
                      auth=auth, timeout=60)


def slots(stack: Any, cid: str) -> dict[str, Any]:
    response = httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", auth=services.rasa_auth(), timeout=10)
    return response.json()["slots"]


def external(hub_url: str, cid: str, reminder_id: int, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"intent": "EXTERNAL_premium_reminder", "entities": {"reminder_id": str(reminder_id)}}
    return httpx.post(f"{hub_url}/api/conversations/{cid}/external", json=body, headers=headers, timeout=90)


def test_reminder_id_of_another_customer_in_his_app_chat_shows_nothing_of_hers(stack, hub, reminders) -> None:  # noqa: F811
    cid = "app-C0002"
    # With the hub's key (leaked, or a confused service): her reminder id into his app conversation.
    refused = external(hub.url, cid, reminders["C0001"], services.HUB_KEY)
    assert refused.status_code == 502 and refused.json()["error"]["code"] == "bot_no_reply", refused.text
    # (His own earlier reminders may be in his tracker: other tests deliver them into the same app chat.)
    assert slots(stack, cid).get("reminder_customer") != "C0001" and slots(stack, cid).get("reminder_policy") != HER_POLICY

    # The legitimate reminder: his own, in his own app chat; he sees his, and nothing of hers.
    assert external(hub.url, cid, reminders["C0002"], services.HUB_KEY).status_code == 200
    him = Customer(hub, cid=cid, token=app_token("C0002"))
    try:
        his = him.event(lambda e: e.get("sender") == "bot" and HIS_POLICY in (e.get("text") or ""), 60, "his reminder")
        assert "Reminder:" in his["text"]
        shown = " ".join(str(e) for e in him.events())
        assert HER_POLICY not in shown and "1,200" not in shown and "王芳" not in shown
    finally:
        him.close()
    assert slots(stack, cid)["reminder_customer"] == "C0002"


def test_reminder_id_of_another_customer_sent_straight_to_rasa_shows_nothing(stack, reminders) -> None:
    """The check is the action's own: even Rasa's token (a service bypassing the hub) gets nothing of hers."""
    assert trigger(stack, "app-C0002", reminders["C0001"]).status_code == 401  # no token: refused at the door
    for cid in ("app-C0002", "web-" + "0" * 24):  # his app chat; a chat page conversation, nobody verified
        response = trigger(stack, cid, reminders["C0001"], services.rasa_auth())
        assert response.status_code == 200, response.text
        assert response.json().get("messages") in ([], None), response.json()
        assert slots(stack, cid).get("reminder_policy") != HER_POLICY
    # The same entry with her own reminder in her own app conversation: shown.
    mine = trigger(stack, "app-C0001", reminders["C0001"], services.rasa_auth()).json()["messages"]
    assert HER_POLICY in mine[0]["text"] and "温馨提醒" in mine[0]["text"]


def test_external_event_without_the_service_key_is_refused(stack, hub, reminders) -> None:  # noqa: F811
    for headers in (None, {"X-API-Key": "dev-handoff-key"}, {"X-API-Key": services.HUB_API_KEY[:-1] + "x"}):
        response = external(hub.url, "app-C0001", reminders["C0001"], headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    # With the key, still only into an app conversation: a chat page conversation has no customer to remind.
    chat_cid, _cookie = hub.chat_session()
    refused = external(hub.url, chat_cid, reminders["C0001"], services.HUB_KEY)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_app_conversation"
    # Our scheduler's call: delivered.
    delivered = external(hub.url, "app-C0001", reminders["C0001"], services.HUB_KEY)
    assert delivered.status_code == 200 and delivered.json()["seqs"], delivered.text


def test_opt_out_typed_in_an_unverified_chat_does_not_unsubscribe(stack, reminders) -> None:
    chat = Chat(stack.rasa_url)
    # Her reminder forced into this conversation first (as before, that made the chat "hers" for opt-outs).
    trigger(stack, chat.sender, reminders["C0001"], services.rasa_auth())
    for text in ("退订", "我要退订提醒", "unsubscribe me"):
        reply = chat.say(text)
        assert "已为您退订" not in reply and "you won't get premium" not in reply, reply
    assert opt_outs(stack) == []
    # The customer who verifies is unsubscribed: the request goes on after the identity check.
    chat = Chat(stack.rasa_url)
    chat.say("退订")
    assert "已为您退订" in chat.say("手机13800138000 身份证后四位1234")
    assert opt_outs(stack) == [("C0001", "chat")]


def test_opt_out_in_own_app_chat_needs_no_questions(stack, reminders) -> None:
    """Her app conversation (opened by the hub only with her app token) tells whose it is."""
    chat = Chat(stack.rasa_url)
    chat.sender = "app-C0002"
    reply = chat.say("unsubscribe me")
    assert "you won't get premium or renewal reminders" in reply or "已为您退订" in reply, reply
    assert opt_outs(stack) == [("C0002", "chat")]
