"""What adjusters choose from and what the customer is told when a claim moves, in zh-CN and en: one
catalogue for the app chat (the assistant's action reads it through /v1/claim-updates) and the SMS."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy.orm import Session

from common import i18n
from common.i18n import Catalogue
from common.language import supported
from desk_db.tables.policy import Claim, ClaimEvent, Customer

# Reasons an adjuster may reject for (the free text adds the detail).
REJECT_REASONS: dict[str, tuple[str, str]] = {
    "not_covered": ("不属于保险责任范围", "Not covered by the policy"),
    "outside_policy_period": ("事故不在保障期间内", "The incident is outside the policy period"),
    "duplicate_invoice": ("发票已在其他案件中理赔", "The invoice was already claimed on another claim"),
    "amount_mismatch": ("发票金额与报案金额不符", "The invoice amount does not match the claim"),
    "invalid_documents": ("材料不真实或无效", "The documents are not genuine or not valid"),
    "waiting_period": ("处于等待期内", "Within the waiting period"),
    "other": ("其他原因", "Other reason"),
}

# Materials an adjuster may ask for.
MATERIAL_KINDS: dict[str, tuple[str, str]] = {
    "invoice": ("医疗费用发票或维修发票", "the medical or repair invoice"),
    "itemised_bill": ("费用明细清单", "the itemised bill"),
    "diagnosis": ("诊断证明或病历", "the diagnosis certificate or medical records"),
    "discharge_summary": ("出院小结", "the discharge summary"),
    "id_card": ("身份证正反面", "both sides of the ID card"),
    "accident_report": ("事故认定书", "the accident report"),
    "damage_photos": ("车辆损失照片", "photos of the damage"),
    "bank_card": ("收款银行卡", "the bank card for the payout"),
}

UPDATES: Catalogue = {
    "reviewing": {"zh": "您的理赔案件 {number} 材料已收到，正在审核（材料审核中）。",
                  "en": "Claim {number}: we have your materials and are reviewing them (under review)."},
    "paying": {"zh": "您的理赔案件 {number} 已审核通过，赔付金额 {amount} 元，正在打款（赔付中）{eta}。",
               "en": "Claim {number} is approved for CNY {amount}; the payment is on its way (payment in progress){eta}."},
    "paid": {"zh": "您的理赔案件 {number} 赔款 {amount} 元已到账，请查收。",
             "en": "Claim {number}: CNY {amount} has been paid out to your account."},
    "rejected": {"zh": "很抱歉，您的理赔案件 {number} 未通过审核：{reason}。如有疑问，可回复“转人工”。",
                 "en": "We are sorry: claim {number} was not approved: {reason}. Reply \"agent\" if you have questions."},
    "materials_requested": {"zh": "您的理赔案件 {number} 需要补充材料：{kinds}。请在聊天中点击回形针上传。",
                            "en": "Claim {number} needs more materials: {kinds}. Upload them with the paper clip in the chat."},
    "eta": {"zh": "，预计 {minutes} 分钟内到账", "en": ", expected within {minutes} minutes"},
    "sms": {"zh": "【安心保险】{text}回复TD退订", "en": "[Anxin Insurance] {text} Reply STOP to opt out"},
}


def labels(choices: dict[str, tuple[str, str]], codes: list[str], language: str) -> str:
    """Choices (reasons, materials: (zh, en) pairs, as the adjusters' console gets them) in the language."""
    en = supported(language) == "en"
    return (", " if en else "、").join(choices[c][1 if en else 0] for c in codes if c in choices)


def update_text(kind: str, number: str, language: str, *, amount: Decimal | None = None,
                reason: str | None = None, kinds: list[str] | None = None, minutes: int | None = None) -> str:
    """The message for a claim event: kind is the new status, or "materials_requested"."""
    eta = i18n.text(UPDATES, "eta", language, minutes=minutes) if minutes else ""
    return i18n.text(UPDATES, kind, language, number=number, amount=f"{amount:,.2f}" if amount is not None else "",
                     reason=reason or "", kinds=labels(MATERIAL_KINDS, kinds or [], language), eta=eta)


def sms_text(text: str, language: str) -> str:
    return i18n.text(UPDATES, "sms", language, text=text)


def event_text(claim: Claim, event: ClaimEvent, language: str, paid_target_minutes: int | None) -> str:
    """The progress message of one stored event, from the claim as it is stored."""
    detail = json.loads(event.detail) if event.detail else {}
    kind = event.kind if event.kind != "status" else event.status
    reason = claim.reject_reason_en if language == "en" else claim.reject_reason_zh
    return update_text(kind, claim.claim_number, language, amount=claim.approved_amount, reason=reason,
                       kinds=detail.get("kinds"), minutes=paid_target_minutes)


def customer_language(session: Session, claim: Claim) -> str:
    customer = session.get(Customer, claim.customer_id)
    return supported(customer.preferred_language if customer is not None else None)
