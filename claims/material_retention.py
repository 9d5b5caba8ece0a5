"""Claim materials past their legal keeping period: deleted, file and row.

The Insurance Law (保险法 第八十七条) has an insurer keep a claim's documents from the day the policy ends:
at least five years for a policy of one year or less, at least ten for a longer one. Until then an erasure request
keeps them (see policy_api/claim_records.py); after it, PIPL (第四十七条) wants them gone. The photos and PDFs
(invoices, diagnoses, ID cards) are the most sensitive thing a claim holds, so they go first; the claim's own row
and timeline (amounts, dates, statuses) stay for the insurer's accounts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from claims.material_store import MaterialStore
from common.clock import add_years
from desk_db.tables.policy import Claim, ClaimMaterial, Policy

SHORT_POLICY_YEARS = 5  # a policy of one year or less
LONG_POLICY_YEARS = 10


def keep_until(start: dt.date, end: dt.date) -> dt.date:
    """The last day the law has the policy's claim documents kept."""
    one_year_or_less = end <= add_years(start, 1)
    return add_years(end, SHORT_POLICY_YEARS if one_year_or_less else LONG_POLICY_YEARS)


def expire(session: Session, store: MaterialStore, today: dt.date, dry_run: bool) -> dict[str, int]:
    """Delete the materials of claims whose policy's keeping period has passed. Commits the rows' deletion
    before removing the files: a file left without a row is harmless, a row without its file is not."""
    rows = session.execute(
        select(ClaimMaterial.material_id, ClaimMaterial.stored_name, Policy.start_date, Policy.end_date)
        .join(Claim, Claim.claim_number == ClaimMaterial.claim_number)
        .join(Policy, Policy.policy_number == Claim.policy_number)
        .where(Policy.end_date < today)
    ).all()
    expired = [(material_id, name) for material_id, name, start, end in rows if keep_until(start, end) < today]
    if dry_run or not expired:
        return {"materials": len(expired)}
    session.execute(delete(ClaimMaterial).where(ClaimMaterial.material_id.in_([m for m, _ in expired])))
    session.commit()
    for _, name in expired:
        store.delete(name)
    return {"materials": len(expired)}
