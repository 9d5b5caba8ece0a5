"""Identity first: nothing personal before the policy API confirmed who the customer is; three failures lock the
conversation's lookups and hand over; the API's own lock, its outage and a lapsed token each get a plain answer."""

from __future__ import annotations

from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.identity import ValidateIdentityForm
from actions.requests import ActionContinueRequest, ActionHandleRequest
from actions.session import ActionSessionStart
from tests.unit.actions.dialogue import run, tracker

HUMAN_BUTTON = {"title": "转人工", "payload": "/request_human"}


def test_an_unverified_request_for_personal_data_starts_the_identity_check_and_shows_nothing(policy_api):
    outcome = run(ActionHandleRequest(), tracker("查一下我的保单", "query_policy"))
    assert outcome.texts == []
    assert outcome.slot("next_step") == "identity"
    assert outcome.slot("pending_request") == "query_policy"
    assert outcome.slot("pending_text") == "查一下我的保单"
    assert policy_api.data_calls() == []


def test_a_first_message_with_the_full_identity_is_answered_at_once(policy_api):
    outcome = run(ActionHandleRequest(), tracker("13800138000 后四位1234 查一下我的保单", "query_policy"))
    assert outcome.texts[0] == "身份验证成功，王芳您好！"
    assert "您名下共有 2 份保单" in outcome.texts[1]
    assert outcome.slot("verified") is True and outcome.slot("customer_id") == "C0001"
    assert outcome.slot("customer_token").startswith("token-C0001-")
    assert outcome.slot("next_step") == "done" and outcome.slot("goal_completed") == "policy_lookup"


def identity_answer(text: str, **slots) -> object:
    return run(ValidateIdentityForm(), tracker(text, "inform", slots={"requested_slot": "id_last4", **slots},
                                               form="identity_form"))


def test_the_form_verifies_with_the_mobile_number_and_the_last_four(policy_api):
    outcome = identity_answer("1234", identity_key="13800138000")
    assert outcome.texts == ["身份验证成功，王芳您好！"]
    assert outcome.slots["verified"] is True and outcome.slots["customer_name"] == "王芳"
    assert outcome.slots["requested_slot"] is None and outcome.slots["identity_failures"] == 0
    assert policy_api.calls[-1].json["phone"] == "13800138000" and policy_api.calls[-1].json["policy_number"] is None


def test_a_wrong_last_four_asks_again_and_says_how_many_attempts_are_left():
    outcome = identity_answer("9999", identity_key="HL20240001", identity_failures=1)
    assert outcome.texts == ["验证信息不匹配，请重新输入。还可以尝试 1 次。"]
    assert outcome.slot("verified") is not True
    assert outcome.slots["identity_failures"] == 2
    assert outcome.slots["identity_key"] is None and outcome.slots["id_last4"] is None
    assert outcome.slots["requested_slot"] == "identity_key"


def test_the_third_failure_locks_the_conversation_and_the_request_goes_to_a_person():
    locked = identity_answer("9999", identity_key="HL20240001", identity_failures=2)
    assert locked.texts == []  # no "try again": the form ends
    assert locked.slots["identity_locked"] is True and locked.slots["requested_slot"] is None

    resumed = run(ActionContinueRequest(), tracker("9999", "inform", slots={
        "identity_locked": True, "identity_failures": 3, "pending_request": "query_policy"}))
    assert resumed.texts[0].startswith("验证失败次数过多")
    assert "身份验证未通过" in resumed.texts[1]  # the handoff, with its reason
    assert resumed.slot("handoff_reason") == "identity_lockout"
    assert resumed.slot("pending_request") is None


def test_a_locked_conversation_asks_for_no_more_details():
    outcome = run(ActionHandleRequest(), tracker("查保单 HL20240001 后四位1234", "query_policy",
                                                 slots={"identity_locked": True}))
    assert outcome.slot("handoff_reason") == "identity_lockout"
    assert outcome.slot("verified") is not True


def test_the_apis_own_lock_is_explained_with_its_duration_and_counts_no_attempt(policy_api):
    policy_api.locked.add("HL20240001")
    outcome = identity_answer("1234", identity_key="HL20240001", identity_failures=1)
    assert "约 15 分钟后可再试" in outcome.text
    assert outcome.buttons == [HUMAN_BUTTON]
    assert "identity_failures" not in outcome.slots  # not counted
    assert outcome.slots["requested_slot"] is None and outcome.slot("verified") is not True


def test_the_api_down_during_the_check_is_not_the_customers_failure(policy_api):
    policy_api.down = True
    outcome = identity_answer("1234", identity_key="HL20240001")
    assert outcome.texts == ["抱歉，保单系统暂时无法访问，请稍后再试。需要的话我可以为您转人工客服。"]
    assert outcome.buttons == [HUMAN_BUTTON]
    assert "identity_failures" not in outcome.slots and outcome.slots["requested_slot"] is None


def test_an_unreadable_policy_or_mobile_number_is_explained_and_asked_again():
    outcome = run(ValidateIdentityForm(), tracker("我不记得了", "inform", slots={"requested_slot": "identity_key"},
                                                   form="identity_form"))
    assert outcome.texts[0].startswith("没有识别到有效的保单号或手机号")
    assert outcome.slots == {"form_parse_errors": 1}  # the form stays on the same question


def test_a_lapsed_token_asks_her_to_verify_again_then_resumes_the_request(policy_api):
    slots = policy_api.verified_slots("C0001")
    policy_api.expire(slots["customer_token"])
    outcome = run(ActionHandleRequest(), tracker("我的保单", "query_policy", slots=slots))
    assert outcome.texts == ["您的身份验证已过期（超过30分钟未操作）。为保护您的信息，请重新验证。"]
    assert all(outcome.slots[name] is None for name in ("verified", "customer_id", "customer_name", "customer_token"))
    assert outcome.slot("next_step") == "identity" and outcome.slot("pending_request") == "query_policy"


def test_an_app_that_signed_her_in_verifies_her_without_questions(policy_api):
    policy_api.app_tokens["app-jwt-of-c0002"] = "C0002"
    outcome = run(ActionHandleRequest(), tracker("my policies", "query_policy", slots={"language": "en"},
                                                 metadata={"token": "app-jwt-of-c0002"}))
    assert outcome.slot("customer_id") == "C0002" and outcome.slot("verified") is True
    assert "You have 2 policies" in outcome.text


def test_a_refused_app_token_falls_back_to_the_usual_check(policy_api):
    outcome = run(ActionHandleRequest(), tracker("my policies", "query_policy", metadata={"token": "forged"}))
    assert outcome.slot("next_step") == "identity" and outcome.slot("verified") is not True


def test_a_new_session_keeps_the_context_but_not_who_she_is(policy_api):
    slots = {**policy_api.verified_slots("C0001"), "language": "en", "reminder_policy": "HL20240001",
             "identity_failures": 2, "pending_request": "pay_premium"}
    outcome = run(ActionSessionStart(), tracker(slots=slots))
    assert outcome.events[0] == SessionStarted() and outcome.events[-1] == ActionExecuted("action_listen")
    carried = outcome.slots
    assert SlotSet("language", "en") in outcome.events and carried["reminder_policy"] == "HL20240001"
    assert not {"verified", "customer_id", "customer_name", "customer_token", "identity_failures",
                "pending_request"} & set(carried)
