"""The material review the policy API runs after an invoice is stored: read it (claims.ocr), then review the
claim with what was read (claim_review). This joins the two seams: `materials_review.MaterialReview` (called by
the upload route) and `claim_review.review_invoice` (checks, 小额秒赔, adjuster queue).

The upload route is synchronous (FastAPI runs it in a worker thread), so the OCR's second of CPU blocks only that
thread; the customer sees the outcome with the upload's answer.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy.orm import Session

from claims.findings import DocumentKind
from claims.ocr import read_invoice
from common import clock
from desk_db.tables.policy import Claim, ClaimMaterial
from policy_api.claim_flow import TransitionRefused
from policy_api.claim_review import review_invoice
from policy_api.materials_review import REVIEWED_KINDS
from policy_api.payments import PayoutGateway

log = logging.getLogger("policy_api.invoice_review")

# What the review's decision makes of the file itself (received / reviewing / accepted / retake / rejected).
MATERIAL_STATUS = {"paying": "accepted", "adjuster": "reviewing", "retake": "retake"}


def document_kind(claim: Claim) -> DocumentKind:
    return "auto_repair_invoice" if claim.insurance_type == "auto" else "medical_invoice"


class InvoiceReview:
    def __init__(self, payouts: PayoutGateway) -> None:
        self.payouts = payouts

    def __call__(self, session: Session, claim: Claim, material: ClaimMaterial, content: bytes) -> None:
        if material.kind not in REVIEWED_KINDS:
            return
        findings = read_invoice(content, document_kind(claim))
        material.findings = json.dumps(findings.to_json(), ensure_ascii=False)
        try:
            outcome = review_invoice(session, claim, findings, clock.utcnow(), self.payouts)
        except TransitionRefused:  # already decided (paying, paid, rejected): the file is kept for the record
            log.info("invoice for claim %s not reviewed: the claim is %s", claim.claim_number, claim.status)
            session.commit()
            return
        material.status = MATERIAL_STATUS[outcome.decision]
        material.problem = None if outcome.decision == "paying" else \
            f"{outcome.message('zh')} / {outcome.message('en')}"
        session.commit()
        log.info("invoice for claim %s reviewed: %s", claim.claim_number, outcome.decision)
