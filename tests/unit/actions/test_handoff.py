"""Handing over to a person: why (asked, complaint, clause, not understood), what the customer hears with and
without a hub, what the hub is sent (masked), and the phone line's `handoff` payload."""

from __future__ import annotations

import pytest

from actions.handoff import ActionDefaultFallback, ActionHandoff
from tests.unit.actions.dialogue import run, said, tracker


@pytest.mark.parametrize(("text", "intent", "reason", "said_first"), [
    ("转人工", "request_human", "您要求人工服务", None),
    ("你们的服务太差了，我要投诉你们的理赔员", "complaint", "投诉", "非常抱歉给您带来不好的体验，您的投诉我们会认真处理。"),
    ("我这种情况按条款第五条能不能赔", "clause_question", "条款解读", "条款解读需要专业人员结合您的保单来解答，避免误导。"),
])
def test_without_a_hub_the_customer_gets_the_hotline_with_the_reason(text, intent, reason, said_first):
    outcome = run(ActionHandoff(), tracker(text, intent))
    expected = [f"已为您登记转人工（原因：{reason}）。人工客服热线 95500-8888，服务时间每天 8:00–22:00，也可以稍后在App中留言。"]
    assert outcome.texts == ([said_first] if said_first else []) + expected
    assert outcome.slot("handoff_reason") == {"request_human": "request", "complaint": "complaint",
                                              "clause_question": "clause"}[intent]
    assert outcome.slot("next_step") == "done"


def test_two_failed_understandings_go_to_a_person():
    outcome = run(ActionDefaultFallback(), tracker("asdf qwer", "nlu_fallback", slots={"language": "en"}))
    assert outcome.texts == ["I've noted that you need a person (I couldn't understand the request). Call our "
                             "hotline 95500-8888, daily 8:00–22:00, or leave a message in the app."]
    assert outcome.slot("handoff_reason") == "not_understood"


def test_with_a_hub_the_request_is_queued_and_the_customer_told_she_is_being_connected(hub, policy_api):
    slots = {**policy_api.verified_slots("C0001"), "language": "zh"}
    history = [said("user", "我的手机号13800138000，身份证后四位1234"), said("bot", "身份验证成功，王芳您好！")]
    outcome = run(ActionHandoff(), tracker("转人工", "request_human", slots=slots, history=history,
                                           sender="chat-42"))
    assert outcome.texts == ["正在为您转接人工客服，请稍候…（原因：您要求人工服务）"]
    assert outcome.payloads == []  # the chat page hears of the queue from the hub itself
    [request] = hub.requests
    assert {k: request[k] for k in ("conversation_id", "reason", "language", "channel", "customer_id")} == {
        "conversation_id": "chat-42", "reason": "request", "language": "zh", "channel": "chat", "customer_id": "C0001"}
    assert [line["speaker"] for line in request["summary"]] == ["customer", "bot", "customer"]
    assert "13800138000" not in str(request["summary"]) and "138" in request["summary"][0]["text"]


def test_an_unverified_customer_is_handed_over_without_a_customer_id(hub):
    run(ActionHandoff(), tracker("转人工", "request_human", slots={"customer_id": "C0001", "verified": False}))
    assert hub.requests[0]["customer_id"] is None


def test_a_clause_question_brings_the_closest_clauses_to_the_agent(hub, policy_api):
    policy_api.knowledge_hits = [{"id": "hl-5", "title": "安心医疗险 第五条 责任免除", "text": "下列情形" * 100}]
    run(ActionHandoff(), tracker("按条款第五条，我这个能赔吗", "clause_question"))
    assert hub.requests[0]["reason"] == "clause"
    assert hub.requests[0]["clause_excerpts"] == [
        {"id": "hl-5", "title": "安心医疗险 第五条 责任免除", "excerpt": ("下列情形" * 100)[:300]}]


def test_on_the_phone_the_reply_carries_the_handoff_for_the_gateway(hub):
    outcome = run(ActionHandoff(), tracker("人工", "request_human", metadata={"channel": "voice"}))
    assert hub.requests[0]["channel"] == "voice"
    assert outcome.payloads == [{"type": "handoff", "reason": "request", "queued": True, "request_id": "req-1",
                                 "position": 2, "estimated_wait_s": 90}]


def test_a_hub_that_does_not_take_the_request_leaves_the_hotline(hub):
    hub.answer = None
    outcome = run(ActionHandoff(), tracker("人工", "request_human", metadata={"channel": "voice"}))
    assert outcome.texts[0].startswith("已为您登记转人工（原因：您要求人工服务）。人工客服热线 95500-8888")
    assert outcome.payloads == [{"type": "handoff", "reason": "request", "queued": False, "request_id": None,
                                 "position": None, "estimated_wait_s": None}]


def test_very_unhappy_right_after_the_satisfaction_question_is_a_rating_not_a_complaint(hub):
    outcome = run(ActionHandoff(), tracker("很不满意", "complaint", slots={"csat_pending": True}))
    assert outcome.slot("csat_score") == 1.0 and outcome.slot("csat_pending") is False
    assert hub.requests == [] and "handoff_reason" not in outcome.slots
