"""理赔: guidance with the fast-track rule (health up to 5,000 CNY; auto single-party up to 10,000 CNY), opening a
claim through the form, and what the customer is told when it is filed or refused."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.claims import ActionSubmitClaim, ValidateClaimForm
from actions.requests import ActionHandleRequest
from tests.unit.actions.dialogue import run, tracker


def guidance(text: str, language: str = "zh", **entities: str) -> object:
    return run(ActionHandleRequest(), tracker(text, "claim_guidance", slots={"language": language},
                                              entities=entities))


@pytest.mark.parametrize(("text", "fast_track"), [
    ("住院花了3000块怎么理赔", "金额不超过 5,000 元，可走快速理赔。"),
    ("住院花了三千二怎么理赔", "金额不超过 5,000 元，可走快速理赔。"),
    ("住院花了5000元", "金额不超过 5,000 元，可走快速理赔。"),
    ("住院花了8000块怎么理赔", "理赔金额超过 5,000 元，按标准流程审核。"),
    ("住院了怎么理赔", "请提供理赔金额：5,000 元及以下可走快速理赔。"),
    ("车子自己撞了护栏，修车9000，怎么赔", "单方事故且金额不超过 10,000 元，可走快速理赔。"),
    ("被追尾了，修车花了9000，怎么理赔", "涉及多方的事故需定责，按标准流程审核。"),
    ("车自己撞墙了，修车一万二", "理赔金额超过 10,000 元，按标准流程审核。"),
    ("车险理赔，修车花了3000", "快速理赔仅适用于单方事故（金额 10,000 元及以下），请确认是否为单方事故。"),
])
def test_the_guide_says_whether_the_claim_can_be_fast_tracked(text, fast_track):
    outcome = guidance(text)
    assert outcome.texts[0].endswith("\n" + fast_track)


def test_the_guide_lists_the_documents_and_steps_and_offers_to_open_the_claim_with_no_identity_check(policy_api):
    outcome = guidance("住院花了3000块怎么理赔")
    guide = outcome.texts[0]
    assert guide.startswith("【医疗险理赔指引】\n需准备材料：\n1. 理赔申请书（被保险人签字）\n")
    assert "办理步骤：\n1. 就医后 30 天内通过客服或 App 报案" in guide
    assert outcome.texts[1] == "需要我现在帮您在线报案吗？"
    assert [b["payload"] for b in outcome.buttons] == ["/affirm", "/deny"]
    assert outcome.slot("pending_request") == "open_claim" and outcome.slot("claim_insurance_type") == "health"
    assert outcome.slot("goal_completed") == "claim_guidance"
    assert outcome.slot("next_step") == "done" and policy_api.data_calls() == []


def test_in_english_the_guide_and_its_rule_are_english():
    outcome = guidance("I was in hospital, the bill was 3000, how do I claim", language="en")
    assert outcome.texts[0].startswith("[Health claim guide]\nDocuments to prepare:\n1. Claim form signed by the insured")
    assert outcome.texts[0].endswith("The amount is within 5,000 CNY: eligible for fast-track.")
    assert outcome.texts[1] == "Shall I open the claim for you now?"


def test_without_a_kind_of_insurance_it_asks_which_with_one_button_each():
    outcome = guidance("我要理赔怎么弄")
    assert outcome.texts == ["请问是哪类保险的理赔？"]
    assert [b["title"] for b in outcome.buttons] == ["医疗险", "车险", "寿险", "意外险"]
    assert outcome.buttons[1]["payload"] == '/claim_guidance{"insurance_type": "auto"}'


def test_the_kind_chosen_by_button_gives_its_guide():
    outcome = guidance('/claim_guidance{"insurance_type": "life"}', insurance_type="life")
    assert outcome.texts[0].startswith("【寿险理赔指引】")
    assert outcome.texts[0].endswith("该险种不适用快速理赔通道，按标准流程审核。")


def test_yes_to_opening_a_claim_starts_the_claim_form_after_the_identity_check(policy_api):
    unverified = run(ActionHandleRequest(), tracker("好的", "affirm", slots={"pending_request": "open_claim"}))
    assert unverified.slot("next_step") == "identity" and unverified.slot("pending_request") == "open_claim"
    verified = run(ActionHandleRequest(), tracker("好的", "affirm", slots={
        **policy_api.verified_slots("C0001"), "pending_request": "open_claim"}))
    assert verified.slot("next_step") == "claim_form" and verified.texts == []


def claim_slots(policy_api, amount: float, description: str = "急性肠胃炎住院", **slots) -> dict:
    return {**policy_api.verified_slots("C0001"), "claim_policy_number": "HL20240001",
            "claim_incident_date": "2026-12-04", "claim_amount": amount, "claim_description": description,
            "claim_insurance_type": "health", **slots}


def test_a_small_health_claim_is_filed_as_fast_track_with_what_to_upload(policy_api):
    outcome = run(ActionSubmitClaim(), tracker("急性肠胃炎住院", "inform", slots=claim_slots(policy_api, 3200.0)))
    number = outcome.payloads[0]["claim_number"]
    assert outcome.texts == [
        f"已为您报案，案件号 {number}，金额 3,200 元。本案符合小额秒赔：上传发票照片后自动审核，审核通过后 60 分钟内"
        "赔付到账（需人工审核时会另行通知）。可随时问我“理赔进度”查看进展。",
        "请上传以下材料：医疗费用发票；诊断证明。点击聊天框旁的回形针即可拍照或选择文件。"]
    assert outcome.payloads[0]["type"] == "claim_timeline" and outcome.payloads[0]["status"] == "reported"
    assert outcome.slot("goal_completed") == "claim_filed"
    assert all(outcome.slots[s] is None for s in ("claim_policy_number", "claim_incident_date", "claim_amount",
                                                  "claim_description", "claim_insurance_type"))


def test_a_claim_over_the_limit_is_filed_for_standard_review(policy_api):
    outcome = run(ActionSubmitClaim(), tracker("住院手术", "inform", slots=claim_slots(policy_api, 12000.0)))
    assert "金额 12,000 元。我们将在1个工作日内联系您核实材料。" in outcome.texts[0]
    assert "小额秒赔" not in outcome.text


def test_an_auto_claim_told_as_single_party_is_fast_tracked(policy_api):
    slots = claim_slots(policy_api, 6000.0, "倒车时自己撞到柱子", claim_policy_number="AU20240002",
                        claim_insurance_type="auto", language="en")
    outcome = run(ActionSubmitClaim(), tracker("倒车时自己撞到柱子", "inform", slots=slots))
    assert "It qualifies for fast-track" in outcome.texts[0]
    assert outcome.texts[1] == ("Please send these documents: photos of the damage. Tap the paper clip next to the "
                                "chat box to take a photo or pick a file.")


def test_sending_the_same_form_again_files_one_claim(policy_api):
    conversation = tracker("急性肠胃炎住院", "inform", slots=claim_slots(policy_api, 3200.0))
    first, again = run(ActionSubmitClaim(), conversation), run(ActionSubmitClaim(), conversation)
    assert first.payloads[0]["claim_number"] == again.payloads[0]["claim_number"]
    assert len(policy_api.claims) == 3  # the two seeded and this one


def test_a_refused_claim_says_why_and_files_nothing(policy_api):
    outcome = run(ActionSubmitClaim(), tracker("摔伤", "inform", slots=claim_slots(
        policy_api, 800.0, claim_incident_date="2020-01-05")))
    assert outcome.texts == ["报案未成功：出险日期不在保单保障期内或晚于今天"]
    assert outcome.payloads == [] and "goal_completed" not in outcome.slots


def form_answer(policy_api, text: str, requested: str, **slots) -> object:
    return run(ValidateClaimForm(), tracker(text, "inform", form="claim_form", slots={
        **policy_api.verified_slots("C0001"), "requested_slot": requested, **slots}))


def test_the_form_takes_her_active_policy_and_learns_its_kind(policy_api):
    outcome = form_answer(policy_api, "AU20240002", "claim_policy_number")
    assert outcome.slots["claim_policy_number"] == "AU20240002" and outcome.slots["claim_insurance_type"] == "auto"
    assert outcome.texts == []


def test_the_form_refuses_a_policy_that_is_not_active(policy_api):
    policy_api.policies["HL20240001"]["status"] = "lapsed"
    outcome = form_answer(policy_api, "HL20240001", "claim_policy_number")
    assert outcome.texts == ["保单 HL20240001 当前不在保障期内，无法报案。"]
    assert outcome.slots["claim_policy_number"] is None


def test_the_form_refuses_a_date_in_the_future_and_reads_spoken_amounts(policy_api):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    future = form_answer(policy_api, tomorrow, "claim_incident_date", claim_policy_number="HL20240001")
    assert future.texts == ["出险日期不能晚于今天，请重新输入。"] and "claim_incident_date" not in future.slots
    amount = form_answer(policy_api, "三千二", "claim_amount", claim_policy_number="HL20240001",
                         claim_incident_date="2026-12-04")
    assert amount.slots["claim_amount"] == 3200.0 and amount.texts == []
