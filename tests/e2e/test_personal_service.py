"""Issue #5 in conversation: the personal greeting, 保单整理, and the satisfaction question, with
the real model, action server and policy API. What the bot did is also checked where the service
figures will read it: the conversation's events in Rasa's event record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from devstack import services
from devstack.tokens import app_token
from tests.e2e.helpers import slot, verify_by_phone


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _buttons(replies: list[dict]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons") or []]


def _recorded_slots(stack, chat, name: str) -> list:
    """The values the conversation's events set for a slot, as stored by the event record."""
    services.wait_for_event_record(stack.events_url)
    engine = create_engine(stack.events_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                                {"s": chat.sender}).scalars().all()
    finally:
        engine.dispose()
    events = [json.loads(row) for row in rows]
    return [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == name]


def test_returning_customer_is_greeted_with_what_matters(new_chat):
    chat = new_chat({"token": app_token("C0001")})
    replies = chat.send("你好")
    reply = _texts(replies)
    assert "王芳" in reply and "欢迎回来" in reply
    assert "HL20240001" in reply and "1,200" in reply and "10 天后" in reply  # the premium due
    assert "CL20250001" in reply and "材料审核中" in reply  # the claim that moved this week
    assert "AU20240002" in reply and "25 天后" in reply  # auto cover ending
    assert {"立即缴费", "查看理赔进度", "了解续保", "保单整理"} <= set(_buttons(replies))
    # The premium button leads straight to a payment link: she is already verified.
    assert "pay" in chat.click("/pay_premium")


def test_anonymous_visitor_gets_the_menu(chat):
    reply = chat.say("你好")
    assert "智能客服" in reply and "欢迎回来" not in reply and "HL20240001" not in reply


def test_verified_in_this_chat_then_greeting_is_personal(chat):
    verify_by_phone(chat, "13800138000", "1234")
    assert "欢迎回来" in chat.say("你好")


def test_english_customer_with_nothing_due(new_chat):
    chat = new_chat({"token": app_token("C0002")})
    reply = chat.say("hello")
    assert "Welcome back, John Smith" in reply and "due" not in reply


def test_policy_summary_text_and_payload(new_chat, stack):
    chat = new_chat({"token": app_token("C0001")})
    replies = chat.send("帮我整理一下我所有的保单")
    reply = _texts(replies)
    assert "保单整理" in reply and "共 2 份保单" in reply and "年缴保费合计 ¥6,000" in reply
    assert "安心医疗险" in reply and "¥1,000,000" in reply and "下次缴费" in reply
    assert "AU20240002 将在 25 天后到期" in reply and "没有意外险" in reply
    [payload] = [r["custom"] for r in replies if r.get("custom", {}).get("type") == "policy_summary"]
    assert payload["annual_premium_total"] == 6000
    assert {g["code"] for g in payload["gaps"]} == {"policy_expiring", "no_accident_cover"}
    assert _recorded_slots(stack, chat, "goal_completed") == ["policy_summary"]


def test_policy_summary_in_english_asks_identity_first(chat):
    reply = chat.say("can you give me an overview of all my insurance")
    assert "Anxin" not in reply  # nothing before the identity check
    chat.say("13900139000")
    reply = chat.say("5678")
    assert "verified" in reply and "Anxin Term Life" in reply and "Anxin Auto Insurance" in reply
    assert "annual premiums ¥8,800" in reply and "no health cover" in reply


def test_satisfaction_asked_once_after_a_resolved_chat(new_chat, stack):
    chat = new_chat({"token": app_token("C0001")})
    chat.say("我的保单")
    replies = chat.send("谢谢")
    assert "打个分" in _texts(replies)
    assert _buttons(replies) == ["5", "4", "3", "2", "1", "跳过"]
    assert "5 分" in chat.click('/rate{"csat_score": "5"}')
    assert slot(stack, chat, "csat_score") == 5.0
    assert _recorded_slots(stack, chat, "csat_score") == [5.0]
    assert "打个分" not in chat.say("谢谢")  # once per conversation


@pytest.mark.parametrize("answer,score", [("4分", 4.0), ("3", 3.0), ("非常不满意", 1.0)])
def test_typed_ratings(new_chat, stack, answer, score):
    chat = new_chat({"token": app_token("C0001")})
    chat.say("查一下待缴保费")
    assert "打个分" in chat.say("好的谢谢")
    chat.say(answer)
    assert slot(stack, chat, "csat_score") == score


def test_rating_can_be_skipped(new_chat, stack):
    chat = new_chat({"token": app_token("C0002")})
    chat.say("what policies do i have")
    assert "rate" in chat.say("bye")  # goodbye, then the question
    assert "skipped" in chat.click('/rate{"csat_score": "skip"}')
    assert slot(stack, chat, "csat_skipped") is True and slot(stack, chat, "csat_score") is None


def test_no_rating_question_without_a_resolved_goal(chat):
    chat.say("你好")
    reply = chat.say("谢谢")
    assert "不客气" in reply and "打个分" not in reply
    assert "谢谢您的反馈" in chat.say("5分")  # a rating nobody asked for is thanked, not stored


def test_moving_on_instead_of_rating(new_chat, stack):
    chat = new_chat({"token": app_token("C0001")})
    chat.say("我的保单")
    assert "打个分" in chat.say("谢谢")
    assert "理赔" in chat.say("我的理赔进度")  # the customer carries on: the question lapses
    assert slot(stack, chat, "csat_pending") is False
    assert _recorded_slots(stack, chat, "goal_completed") == ["policy_lookup", "claim_status"]
