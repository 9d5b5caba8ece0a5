"""Claim business rules: status labels, fast-track eligibility, and claim guidance content."""

from dataclasses import dataclass
from decimal import Decimal

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "reported": ("已报案", "Reported"),
    "reviewing": ("材料审核中", "Under review"),
    "paying": ("赔付中", "Payment in progress"),
    "paid": ("到账", "Paid out"),
    "rejected": ("已拒赔", "Rejected"),
}

# The normal path of a claim; "rejected" can end it at any point.
STANDARD_STAGES = ("reported", "reviewing", "paying", "paid")

FAST_TRACK_LIMITS: dict[str, Decimal] = {"health": Decimal(5000), "auto": Decimal(10000)}


@dataclass(frozen=True)
class FastTrackDecision:
    limit: Decimal | None
    eligible: bool | None  # None: not enough information to decide
    reason_zh: str
    reason_en: str


def fast_track(insurance_type: str, amount: Decimal | None, single_party: bool | None) -> FastTrackDecision:
    """Health: amount <= 5,000 CNY. Auto: single-party accident and amount <= 10,000 CNY."""
    limit = FAST_TRACK_LIMITS.get(insurance_type)
    if limit is None:
        return FastTrackDecision(
            None, False, "该险种不适用快速理赔通道，按标准流程审核。",
            "Fast-track claims are not available for this insurance type; standard review applies.",
        )
    lim = f"{limit:,.0f}"
    if amount is None:
        return FastTrackDecision(
            limit, None, f"请提供理赔金额：{lim} 元及以下可走快速理赔。",
            f"Tell us the claim amount: claims up to {lim} CNY can be fast-tracked.",
        )
    if amount > limit:
        return FastTrackDecision(
            limit, False, f"理赔金额超过 {lim} 元，按标准流程审核。",
            f"The amount exceeds {lim} CNY, so the standard review applies.",
        )
    if insurance_type == "auto":
        if single_party is None:
            return FastTrackDecision(
                limit, None, f"快速理赔仅适用于单方事故（金额 {lim} 元及以下），请确认是否为单方事故。",
                f"Fast-track applies to single-party accidents only (up to {lim} CNY); "
                "please confirm whether only your vehicle was involved.",
            )
        if not single_party:
            return FastTrackDecision(
                limit, False, "涉及多方的事故需定责，按标准流程审核。",
                "Accidents involving other parties need liability assessment; standard review applies.",
            )
        return FastTrackDecision(
            limit, True, f"单方事故且金额不超过 {lim} 元，可走快速理赔。",
            f"Single-party accident up to {lim} CNY: eligible for fast-track.",
        )
    return FastTrackDecision(
        limit, True, f"金额不超过 {lim} 元，可走快速理赔。",
        f"The amount is within {lim} CNY: eligible for fast-track.",
    )


@dataclass(frozen=True)
class Guidance:
    documents_zh: tuple[str, ...]
    documents_en: tuple[str, ...]
    steps_zh: tuple[str, ...]
    steps_en: tuple[str, ...]


GUIDANCE: dict[str, Guidance] = {
    "health": Guidance(
        documents_zh=(
            "理赔申请书（被保险人签字）",
            "被保险人身份证正反面",
            "医院诊断证明或病历",
            "医疗费用发票原件及费用明细清单",
            "住院患者提供出院小结",
            "收款银行卡（被保险人本人名下）",
        ),
        documents_en=(
            "Claim form signed by the insured",
            "Both sides of the insured's ID card",
            "Diagnosis certificate or medical records from the hospital",
            "Original medical invoices with an itemised bill",
            "Discharge summary, for in-patient treatment",
            "Bank card in the insured's name for the payout",
        ),
        steps_zh=(
            "就医后 30 天内通过客服或 App 报案",
            "拍照上传理赔材料",
            "理赔专员审核材料（快速理赔一般 3 个工作日内完成）",
            "审核通过后赔款转入指定银行卡",
        ),
        steps_en=(
            "Report the claim via customer service or the app within 30 days of treatment",
            "Upload photos of the claim documents",
            "A claims handler reviews the documents (fast-track usually within 3 working days)",
            "Once approved, the payout is transferred to your bank card",
        ),
    ),
    "auto": Guidance(
        documents_zh=(
            "机动车驾驶证、行驶证",
            "被保险人身份证",
            "事故现场及车辆损失照片",
            "交警事故认定书或自行协商协议书（多方事故）",
            "维修发票及维修清单",
            "收款银行卡",
        ),
        documents_en=(
            "Driving licence and vehicle registration certificate",
            "The insured's ID card",
            "Photos of the accident scene and vehicle damage",
            "Police accident report, or a signed agreement between parties (multi-party accidents)",
            "Repair invoice with an itemised repair list",
            "Bank card for the payout",
        ),
        steps_zh=(
            "确保人员安全，事故发生后 48 小时内报案",
            "配合查勘定损（单方小额事故可线上自助定损）",
            "到合作修理厂维修并上传维修发票",
            "审核通过后支付赔款",
        ),
        steps_en=(
            "Make sure everyone is safe, then report the accident within 48 hours",
            "Have the damage assessed (small single-party accidents can be assessed online)",
            "Get the car repaired at a partner garage and upload the repair invoice",
            "The payout is made once the claim is approved",
        ),
    ),
    "life": Guidance(
        documents_zh=(
            "理赔申请书（受益人签字）",
            "被保险人死亡证明及户籍注销证明",
            "受益人身份证及与被保险人的关系证明",
            "保险合同或电子保单",
            "受益人银行卡",
        ),
        documents_en=(
            "Claim form signed by the beneficiary",
            "Death certificate and household-registration cancellation of the insured",
            "Beneficiary's ID card and proof of relationship to the insured",
            "The policy contract or e-policy",
            "Beneficiary's bank card",
        ),
        steps_zh=(
            "受益人知悉保险事故后尽快报案",
            "理赔专员联系受益人并说明所需材料",
            "提交材料，必要时配合调查",
            "审核通过后向受益人支付保险金",
        ),
        steps_en=(
            "The beneficiary reports the claim as soon as possible",
            "A claims handler contacts the beneficiary and explains the documents needed",
            "Submit the documents and assist with any investigation",
            "Once approved, the benefit is paid to the beneficiary",
        ),
    ),
    "accident": Guidance(
        documents_zh=(
            "理赔申请书",
            "被保险人身份证",
            "意外事故证明（如交警、单位或派出所出具）",
            "医院诊断证明、病历及医疗费用发票",
            "伤残鉴定报告（申请伤残保险金时）",
            "收款银行卡",
        ),
        documents_en=(
            "Claim form",
            "The insured's ID card",
            "Proof of the accident (e.g. from the police or employer)",
            "Diagnosis certificate, medical records and medical invoices",
            "Disability assessment report (for disability benefits)",
            "Bank card for the payout",
        ),
        steps_zh=(
            "意外发生后 10 天内报案",
            "就医并保留全部病历和发票",
            "提交理赔材料，理赔专员审核",
            "审核通过后支付赔款",
        ),
        steps_en=(
            "Report the accident within 10 days",
            "Get treatment and keep all medical records and invoices",
            "Submit the claim documents for review by a claims handler",
            "The payout is made once the claim is approved",
        ),
    ),
}


# What a customer can send as a file for a claim.
MATERIAL_KINDS = ("invoice", "diagnosis", "id_card", "accident_report", "damage_photo", "other")
MATERIAL_STATUSES = ("received", "reviewing", "accepted", "retake", "rejected")
# A material in one of these states no longer counts as received for what a claim still needs.
NOT_COUNTED = frozenset({"retake", "rejected"})


def required_materials(insurance_type: str, fast_track: bool) -> tuple[tuple[str, int], ...]:
    """The files a claim of this type needs, as (material kind, index of the GUIDANCE document it stands for).
    Documents that are not sent as a photo here (the signed claim form, the bank card) are not listed."""
    if insurance_type == "health":
        return (("id_card", 1), ("diagnosis", 2), ("invoice", 3))
    if insurance_type == "auto":
        needed = (("id_card", 1), ("damage_photo", 2), ("invoice", 4))
        # A fast-track auto claim is single-party: no police report or agreement between parties.
        return needed if fast_track else (*needed, ("accident_report", 3))
    if insurance_type == "life":
        return (("diagnosis", 1), ("id_card", 2))
    if insurance_type == "accident":
        return (("id_card", 1), ("accident_report", 2), ("diagnosis", 3), ("invoice", 3))
    return ()

MATERIAL_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "received": ("已收到", "Received"),
    "reviewing": ("审核中", "Under review"),
    "accepted": ("已通过", "Accepted"),
    "retake": ("请重新拍摄", "Please take it again"),
    "rejected": ("未通过", "Not accepted"),
}
