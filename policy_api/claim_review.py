"""The review of a claim's invoice (小额秒赔): checks on what the OCR read, then an automatic approval and
payout for a fast-track claim whose checks all pass, or the adjuster's queue with the findings attached.

Entry point: `review_invoice(session, claim, findings, now, payouts)`; it commits. The checks:
- readable: a quality problem asks the customer to take the photo again (请重新拍摄) and says why;
- the amount read equals the amount claimed within 1 CNY (and the 大写 total agrees with the 小写 one);
- the invoice date lies inside the policy period and not in the future;
- the invoice number was not used on another claim (of any customer): used_invoices, race-safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy.orm import Session

from claims.findings import InvoiceFindings
from common import clock
from common.i18n import Catalogue, text
from common.language import supported
from desk_db.tables.policy import Claim, Policy, UsedInvoice
from policy_api.claim_flow import (
    SYSTEM,
    DuplicateInvoice,
    TransitionRefused,
    approve_and_pay,
    move,
    normalise_invoice_number,
    record,
)
from policy_api.claim_rules import fast_track
from policy_api.payments import PayoutGateway

AMOUNT_TOLERANCE = Decimal(1)  # CNY: rounding on the invoice vs. the amount the customer typed

# Why a photo cannot be reviewed (claims.findings.QualityProblem), said to the customer.
RETAKE_WHY: dict[str, tuple[str, str]] = {
    "blurred": ("照片模糊，文字看不清", "the photo is blurred and the text cannot be read"),
    "too_dark": ("照片太暗", "the photo is too dark"),
    "not_an_invoice": ("照片中没有找到发票", "no invoice was found in the photo"),
    "unreadable": ("无法识别发票上的金额和日期", "the amount and date on the invoice could not be read"),
}

CHECKS: dict[str, tuple[str, str]] = {
    "amount_unread": ("未能识别发票金额。", "The invoice amount could not be read."),
    "amount_mismatch": ("发票金额 {read} 元与报案金额 {claimed} 元不符。",
                        "The invoice amount CNY {read} does not match the claimed CNY {claimed}."),
    "amount_words_mismatch": ("发票大写金额与小写金额不一致。",
                              "The amount in words on the invoice disagrees with the amount in figures."),
    "date_unread": ("未能识别发票日期。", "The invoice date could not be read."),
    "date_future": ("发票日期 {date} 晚于今天。", "The invoice date {date} is in the future."),
    "date_outside_policy": ("发票日期 {date} 不在保单保障期间内。",
                            "The invoice date {date} is outside the policy period."),
    "invoice_number_unread": ("未能识别发票号码。", "The invoice number could not be read."),
    "duplicate_invoice": ("该发票号码已在其他理赔案件中使用。",
                          "This invoice number was already used on another claim."),
    "not_fast_track": ("本案不适用快速理赔，需人工审核。", "This claim is not fast-track: an adjuster reviews it."),
}


@dataclass(frozen=True)
class Problem:
    code: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


# What the customer is told at once, by decision (why: the problems, for a retake).
OUTCOME_MESSAGES: Catalogue = {
    "retake": {"zh": "请重新拍摄：{why}。", "en": "Please take the photo again: {why}."},
    "paying": {"zh": "发票已通过自动审核，赔款正在支付中。",
               "en": "Your invoice passed the automatic review; the payout is on its way."},
    "adjuster": {"zh": "材料已收到，理赔专员将进行人工审核。",
                 "en": "Your materials were received; a claims adjuster will review them."},
}


def problem(code: str, **values: object) -> Problem:
    zh, en = CHECKS.get(code) or RETAKE_WHY[code]
    return Problem(code, zh.format(**values), en.format(**values))


@dataclass(frozen=True)
class ReviewOutcome:
    """paying: approved and the payout sent; adjuster: queued with the problems; retake: 请重新拍摄 (why)."""

    decision: Literal["paying", "adjuster", "retake"]
    status: str
    problems: tuple[Problem, ...] = ()

    def message(self, language: str) -> str:
        """What the customer is told at once, in her language."""
        en = supported(language) == "en"
        why = "; ".join(p.en if en else p.zh for p in self.problems)
        return text(OUTCOME_MESSAGES, self.decision, language, why=why)


def check_findings(session: Session, claim: Claim, policy: Policy, findings: InvoiceFindings,
                   today: date) -> list[Problem]:
    """The failed checks of a readable invoice (empty: all passed)."""
    problems: list[Problem] = []
    if findings.amount is None:
        problems.append(problem("amount_unread"))
    else:
        if abs(findings.amount - claim.amount) > AMOUNT_TOLERANCE:
            problems.append(problem("amount_mismatch", read=f"{findings.amount:,.2f}", claimed=f"{claim.amount:,.2f}"))
        if findings.amount_in_words is not None and abs(findings.amount_in_words - findings.amount) > AMOUNT_TOLERANCE:
            problems.append(problem("amount_words_mismatch"))
    if findings.invoice_date is None:
        problems.append(problem("date_unread"))
    elif findings.invoice_date > today:
        problems.append(problem("date_future", date=findings.invoice_date.isoformat()))
    elif not policy.start_date <= findings.invoice_date <= policy.end_date:
        problems.append(problem("date_outside_policy", date=findings.invoice_date.isoformat()))
    if not findings.invoice_number or not normalise_invoice_number(findings.invoice_number):
        problems.append(problem("invoice_number_unread"))
    else:
        used = session.get(UsedInvoice, normalise_invoice_number(findings.invoice_number))
        if used is not None and used.claim_number != claim.claim_number:
            problems.append(problem("duplicate_invoice"))
    return problems


def review_invoice(session: Session, claim: Claim, findings: InvoiceFindings, now: datetime,
                   payouts: PayoutGateway, today: date | None = None) -> ReviewOutcome:
    """Review one invoice of a claim that is reported or under review, and commit the outcome.
    TransitionRefused for a claim already decided (paying, paid, rejected)."""
    if claim.status not in ("reported", "reviewing"):
        raise TransitionRefused()
    policy = session.get(Policy, claim.policy_number)
    if policy is None:
        raise TransitionRefused()
    if claim.status == "reported":
        move(session, claim, "reviewing", now, "材料已收到，审核中 / Materials received, under review", SYSTEM)
    if not findings.readable:
        retake = (problem(findings.quality_problem or "unreadable"),)
        claim.review_queue = "materials"
        record(session, claim, "retake_requested", now, f"请重新拍摄 / retake: {findings.quality_problem}", SYSTEM)
        session.commit()
        return ReviewOutcome("retake", claim.status, retake)

    problems = check_findings(session, claim, policy, findings, today or clock.today())
    claim.review_findings = json.dumps(findings.to_json(), ensure_ascii=False)
    if not problems and fast_track_applies(claim):
        try:
            with session.begin_nested():
                approve_and_pay(session, claim, claim.amount, now, SYSTEM, payouts,
                                "自动审核通过，赔付中 / Approved automatically, payout sent")
        except DuplicateInvoice:  # another claim took the number between our check and the insert
            problems.append(problem("duplicate_invoice"))
        else:
            claim.review_problems = json.dumps([], ensure_ascii=False)
            session.commit()
            return ReviewOutcome("paying", claim.status)
    if not problems:
        problems.append(problem("not_fast_track"))
    claim.review_problems = json.dumps([p.as_dict() for p in problems], ensure_ascii=False)
    claim.review_queue = "adjuster"
    record(session, claim, "queued", now, "转人工审核 / To an adjuster: " + ", ".join(p.code for p in problems),
           SYSTEM)
    session.commit()
    return ReviewOutcome("adjuster", claim.status, tuple(problems))


def fast_track_applies(claim: Claim) -> bool:
    """The claim was filed as fast-track and is still within its type's limit (an amount is never raised)."""
    if not claim.fast_track:
        return False
    limit = fast_track(claim.insurance_type, claim.amount, True).limit
    return limit is not None and claim.amount <= limit
