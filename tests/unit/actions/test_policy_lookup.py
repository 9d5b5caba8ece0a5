"""保单查询: a verified customer's policies, or one of them in detail; never someone else's."""

from __future__ import annotations

from actions.requests import ActionHandleRequest
from tests.unit.actions.dialogue import run, tracker


def ask(policy_api, text: str, customer: str = "C0001", **slots) -> object:
    return run(ActionHandleRequest(), tracker(text, "query_policy",
                                              slots={**policy_api.verified_slots(customer), **slots}))


def test_the_list_names_each_policy_with_its_status_and_period(policy_api):
    outcome = ask(policy_api, "查一下我的保单")
    assert outcome.texts == ["您名下共有 2 份保单：\n"  # in the API's order
                             "• 安心车险（AU20240002）有效，保障期 2025-12-31 至 2026-12-30\n"
                             "• 安心医疗险（HL20240001）有效，保障期 2024-12-07 至 2029-12-06"]
    assert outcome.slot("goal_completed") == "policy_lookup" and outcome.slot("next_step") == "done"


def test_a_named_policy_is_shown_in_detail_with_amounts_grouped(policy_api):
    outcome = ask(policy_api, "AU20240002 保额多少")
    assert outcome.texts == ["保单 AU20240002：安心车险\n状态：有效\n保障期：2025-12-31 至 2026-12-30\n"
                             "被保险人：王芳\n保额：300,000 元\n年缴保费：4,800 元"]


def test_a_policy_number_given_as_a_buttons_entity_is_shown(policy_api):
    outcome = run(ActionHandleRequest(), tracker("/query_policy", "query_policy", entities={
        "policy_number": "HL20240001"}, slots=policy_api.verified_slots("C0001")))
    assert outcome.texts[0].startswith("保单 HL20240001：安心医疗险")


def test_someone_elses_policy_is_refused_without_a_detail(policy_api):
    outcome = ask(policy_api, "查一下保单 LF20230007")
    assert outcome.texts == ["保单 LF20230007 不在您的名下，无法为您查询。"]
    assert "John" not in outcome.text and "2,000,000" not in outcome.text


def test_an_unknown_policy_number_is_not_found(policy_api):
    assert ask(policy_api, "HL29990001").texts == ["没有找到保单 HL29990001，请核对保单号。"]


def test_a_malformed_policy_number_is_explained(policy_api):
    outcome = ask(policy_api, "HL2024")
    assert outcome.texts == ["“HL2024”不是有效的保单号。保单号是2个字母加8位数字，如 HL20240001。"]
    assert policy_api.data_calls() == []


def test_each_answer_keeps_her_verification_alive_with_the_refreshed_token(policy_api):
    slots = policy_api.verified_slots("C0001")
    outcome = run(ActionHandleRequest(), tracker("我的保单", "query_policy", slots=slots))
    refreshed = outcome.slot("customer_token")
    assert refreshed.startswith("token-C0001-") and refreshed != slots["customer_token"]


def test_a_token_sent_back_unchanged_stores_nothing(policy_api):
    """Within a minute of the last refresh the API returns her token as it was: no slot event per turn."""
    slots = policy_api.verified_slots("C0001")
    policy_api.refreshes_tokens = False
    outcome = run(ActionHandleRequest(), tracker("我的保单", "query_policy", slots=slots))
    assert "HL20240001" in " ".join(outcome.texts)
    assert "customer_token" not in outcome.slots


def test_the_api_down_gets_an_apology_and_a_person_not_an_error(policy_api):
    slots = policy_api.verified_slots("C0001")
    policy_api.down = True
    outcome = run(ActionHandleRequest(), tracker("我的保单", "query_policy", slots=slots))
    assert outcome.texts == ["抱歉，保单系统暂时无法访问，请稍后再试。需要的话我可以为您转人工客服。"]
    assert outcome.buttons == [{"title": "转人工", "payload": "/request_human"}]
    assert outcome.slot("next_step") == "done"


def test_an_outage_is_not_counted_as_the_customers_goal_delivered(policy_api):
    slots = policy_api.verified_slots("C0001")
    policy_api.down = True
    outcome = run(ActionHandleRequest(), tracker("我的保单", "query_policy", slots=slots))
    assert "goal_completed" not in outcome.slots
