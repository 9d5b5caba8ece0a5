"""理赔进度: where a claim stands, each step done with its time on the customer's clock, the steps to come, and
the reason of a refusal; as text and as a `claim_timeline` payload the chat page draws."""

from __future__ import annotations

from actions.requests import ActionHandleRequest
from tests.unit.actions.dialogue import run, tracker


def progress(policy_api, text: str, customer: str = "C0001", language: str = "zh") -> object:
    return run(ActionHandleRequest(), tracker(text, "claim_status", slots={
        **policy_api.verified_slots(customer), "language": language}))


def test_a_claim_under_review_shows_its_steps_in_beijing_time_and_what_comes_next(policy_api):
    outcome = progress(policy_api, "CL20250001 理赔到哪一步了")
    assert outcome.texts == ["理赔案件 CL20250001（3,200 元）当前状态：材料审核中\n"
                             "✔ 已报案  2026-11-29 14:33\n✔ 材料审核中  2026-11-30 10:10\n○ 赔付中\n○ 到账"]
    assert outcome.slot("goal_completed") == "claim_status"


def test_the_timeline_payload_carries_every_step_done_or_not(policy_api):
    payload = progress(policy_api, "CL20250001 进度").payloads[0]
    assert payload["type"] == "claim_timeline" and payload["claim_number"] == "CL20250001"
    assert [(s["label"], s["done"]) for s in payload["steps"]] == [
        ("已报案", True), ("材料审核中", True), ("赔付中", False), ("到账", False)]
    assert payload["steps"][0]["at"] == "2026-11-29T06:33:00" and payload["reject_reason"] is None


def test_without_a_number_her_only_claim_is_shown(policy_api):
    outcome = progress(policy_api, "理赔进度")
    assert outcome.texts[0].startswith("理赔案件 CL20250001（3,200 元）")


def test_with_several_claims_they_are_listed_then_the_first_is_shown(policy_api):
    policy_api.claims["CL20260007"] = {**policy_api.claims["CL20250001"], "claim_number": "CL20260007",
                                       "amount": 450.0}
    outcome = progress(policy_api, "我的理赔怎么样了")
    assert outcome.texts[0] == ("您的理赔案件：\n• CL20250001：3,200 元，材料审核中\n"
                                "• CL20260007：450 元，材料审核中")
    assert outcome.texts[1].startswith("理赔案件 CL20250001")


def test_a_refused_claim_gives_its_reason(policy_api):
    claim = policy_api.claims["CL20250001"]
    claim.update(status="rejected", status_label_zh="已拒赔", status_label_en="Rejected", next_steps=[],
                 reject_reason_zh="就诊医院不在保单约定范围内", reject_reason_en="The hospital is not covered")
    outcome = progress(policy_api, "CL20250001")
    assert "当前状态：已拒赔" in outcome.texts[0]
    assert outcome.texts[1] == "拒赔原因：就诊医院不在保单约定范围内"


def test_in_english_a_paid_claim(policy_api):
    outcome = progress(policy_api, "status of claim CL20250002", customer="C0002", language="en")
    assert outcome.texts == ["Claim CL20250002 (CNY 8,000) is now: Paid out\n✔ Reported  2026-10-26 14:33\n"
                             "✔ Under review  2026-10-28 14:33\n✔ Payment in progress  2026-11-02 14:33\n"
                             "✔ Paid out  2026-11-04 14:33"]


def test_someone_elses_claim_is_refused_and_an_unknown_one_not_found(policy_api):
    assert progress(policy_api, "CL20250002").texts == ["案件 CL20250002 不在您的名下，无法为您查询。"]
    assert progress(policy_api, "CL20259999").texts == ["没有找到理赔案件 CL20259999，请核对案件号。"]


def test_no_claims_tells_her_how_to_make_one(policy_api):
    policy_api.claims.clear()
    assert progress(policy_api, "理赔进度").texts == ["您目前没有理赔案件。如需报案，可以说“我要理赔”。"]


def test_a_claim_number_alone_is_read_as_asking_for_its_progress(policy_api):
    outcome = run(ActionHandleRequest(), tracker("CL20250001", "inform", slots=policy_api.verified_slots("C0001")))
    assert outcome.texts[0].startswith("理赔案件 CL20250001")
