"""缴费提醒 and payment: what is due and when, an offer to pay, and a payment link for the right premium."""

from __future__ import annotations

from actions.requests import ActionHandleRequest
from tests.unit.actions.dialogue import run, tracker


def test_what_is_due_is_listed_with_amount_date_and_days_then_payment_is_offered(policy_api):
    outcome = run(ActionHandleRequest(), tracker("我要交多少保费", "premium_due",
                                                 slots=policy_api.verified_slots("C0001")))
    assert outcome.texts == ["您的待缴保费：\n• 安心医疗险（HL20240001）：1,200 元，2026-12-16 到期（还有 10 天）",
                             "需要现在在线缴费吗？"]
    assert [b["payload"] for b in outcome.buttons] == ["/affirm", "/deny"]
    assert outcome.slot("pending_request") == "pay_premium"
    assert outcome.slot("goal_completed") == "premium_due"


def test_yes_to_the_offer_gives_the_payment_link_as_text_and_as_a_payload(policy_api):
    outcome = run(ActionHandleRequest(), tracker("好的", "affirm", slots={
        **policy_api.verified_slots("C0001"), "pending_request": "pay_premium"}))
    assert outcome.texts == ["安心医疗险（HL20240001）保费 1,200 元，请点击链接完成支付："
                             "http://127.0.0.1:8001/pay/PAY000011\n支付成功后保费状态会自动更新。"]
    assert outcome.payloads == [{"type": "payment_link", "payment_id": "PAY000011",
                                 "url": "http://127.0.0.1:8001/pay/PAY000011", "amount": "1200.0",
                                 "policy_number": "HL20240001"}]
    assert outcome.slot("pending_request") is None and outcome.slot("goal_completed") == "payment_link"


def test_nothing_due_says_so_and_offers_no_payment(policy_api):
    outcome = run(ActionHandleRequest(), tracker("my premiums", "premium_due", slots={
        **policy_api.verified_slots("C0002"), "language": "en"}))
    assert outcome.texts == ["You have no premiums due."]
    assert outcome.buttons == [] and outcome.slot("pending_request") != "pay_premium"


def test_paying_after_a_reminder_pays_the_reminded_policy_not_the_soonest(policy_api):
    policy_api.premiums.append({"premium_id": 12, "policy_number": "AU20240002", "product_name_zh": "安心车险",
                                "product_name_en": "Anxin Auto Insurance", "due_date": "2026-12-28",
                                "amount": 4800.0, "days_until_due": 22, "status": "due"})
    outcome = run(ActionHandleRequest(), tracker("现在交", "pay_premium", slots={
        **policy_api.verified_slots("C0001"), "reminder_policy": "AU20240002"}))
    assert outcome.payloads[0]["policy_number"] == "AU20240002" and outcome.payloads[0]["amount"] == "4800.0"


def test_a_premium_paid_in_the_meantime_is_not_charged_twice(policy_api):
    slots = policy_api.verified_slots("C0001")
    real_pay = policy_api._pay

    def paid_elsewhere(premium_id: int, customer_id: str):
        policy_api.premiums[0]["status"] = "paid"  # paid in the app between the list and the link
        return real_pay(premium_id, customer_id)

    policy_api._pay = paid_elsewhere
    outcome = run(ActionHandleRequest(), tracker("交保费", "pay_premium", slots=slots))
    assert outcome.texts == ["您目前没有待缴的保费。"] and outcome.payloads == []
