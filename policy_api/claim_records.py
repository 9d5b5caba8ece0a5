"""One customer's claim records for the hub's export (handoff/customer_data.py): the claims, their status
history, the materials sent (what each file is and what became of it, not the image itself), and the
e-policy copies printed for them.

Erasure keeps them, and says so: an insurer must keep a claim's file and its original vouchers for years after
the contract ends (保险法 第八十七条: at least five years for contracts of a year or less, ten otherwise), and
PIPL 第四十七条 lets a legal retention duty stand over a request to delete. The retention job removes them
when that period is over; until then only the export sees them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_db.tables.policy import Claim, ClaimMaterial, EpolicyCopy, Policy

KEPT_BY_LAW = ("理赔档案依《保险法》第八十七条须保存至合同终止后五至十年，期满由保留任务删除。"
               "Claim files are kept as the Insurance Law (art. 87) requires, 5-10 years after the contract ends; "
               "the retention job deletes them then.")


def _material(material: ClaimMaterial) -> dict[str, Any]:
    return {"material_id": material.material_id, "kind": material.kind, "media_type": material.media_type,
            "size_bytes": material.size_bytes, "sha256": material.sha256, "status": material.status,
            "problem": material.problem, "uploaded_at": material.uploaded_at.isoformat()}


def export(session: Session, customer_id: str) -> dict[str, Any]:
    claims = list(session.scalars(select(Claim).where(Claim.customer_id == customer_id).order_by(Claim.created_at)))
    numbers = [claim.claim_number for claim in claims]
    materials: dict[str, list[dict[str, Any]]] = {number: [] for number in numbers}
    for material in session.scalars(select(ClaimMaterial).where(ClaimMaterial.claim_number.in_(numbers))
                                    .order_by(ClaimMaterial.uploaded_at)):
        materials[material.claim_number].append(_material(material))
    copies = session.scalars(select(EpolicyCopy).join(Policy).where(Policy.customer_id == customer_id)
                             .order_by(EpolicyCopy.issued_at))
    return {
        "claims": [{"claim_number": claim.claim_number, "policy_number": claim.policy_number,
                    "insurance_type": claim.insurance_type, "incident_date": claim.incident_date.isoformat(),
                    "amount": str(claim.amount), "status": claim.status,
                    "approved_amount": None if claim.approved_amount is None else str(claim.approved_amount),
                    "created_at": claim.created_at.isoformat(),
                    "events": [{"status": e.status, "kind": e.kind, "at": e.at.isoformat(), "actor": e.actor}
                               for e in claim.events],
                    "materials": materials[claim.claim_number]} for claim in claims],
        "epolicy_copies": [{"policy_number": c.policy_number, "issued_at": c.issued_at.isoformat(),
                            "file_sha256": c.file_sha256} for c in copies],
        "kept_on_erasure": KEPT_BY_LAW,
    }


def kept(session: Session, customer_id: str) -> dict[str, Any]:
    """What an erasure leaves, with the reason: the customer's claims and the files sent for them."""
    claims = select(Claim.claim_number).where(Claim.customer_id == customer_id)
    return {"claims": session.scalar(select(func.count()).select_from(claims.subquery())) or 0,
            "materials": session.scalar(select(func.count()).select_from(ClaimMaterial)
                                        .where(ClaimMaterial.claim_number.in_(claims))) or 0,
            "reason": KEPT_BY_LAW}
