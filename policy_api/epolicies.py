"""E-policy copies: print one for a download link, and check a code (and a file) against what was printed.

Why a fresh code per copy rather than one code kept retrievable: the insurer keeps no verification code in a
form it could print again, so neither a copy of the database nor its encryption key lets anyone print a
"genuine" e-policy. Each downloaded copy gets its own code (only its scrypt hash kept, as for the policy's issued
e-policy in `documents`: policy_api/codes.py) and the SHA-256 of the exact file served; every copy stays verifiable, and a 验真
tells which copy was shown and when it was printed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import clock
from desk_db.tables.policy import Document, EpolicyCopy, Policy
from policy_api import errors
from policy_api.codes import CodeCheck, generate_code, hash_code
from policy_api.epolicy_pdf import EpolicyFacts, render
from service_auth.epolicy_links import EpolicyGrant


@dataclass(frozen=True)
class PrintedCopy:
    pdf: bytes
    file_sha256: str


def print_copy(session: Session, grant: EpolicyGrant, hub_public_url: str, font_path: str) -> PrintedCopy:
    """The PDF for one link: a new code, stored hashed with the file's hash under the link's id, so a link
    opened twice (two hub workers, a replayed request) prints once and is refused after."""
    policy = session.get(Policy, grant.policy_number)
    if policy is None:
        raise errors.PolicyNotFound()
    if policy.customer_id != grant.customer_id:  # the policy changed hands since the link was given
        raise errors.PolicyNotOwned()
    code = generate_code()
    now = clock.utcnow()
    pdf = render(EpolicyFacts(
        policy_number=policy.policy_number, product_name_zh=policy.product_name_zh,
        product_name_en=policy.product_name_en, insured_name=policy.insured_name, start_date=policy.start_date,
        end_date=policy.end_date, sum_insured=policy.sum_insured, annual_premium=policy.annual_premium,
        payment_frequency=policy.payment_frequency, code=code, issued_at=now), hub_public_url, font_path)
    digest = hashlib.sha256(pdf).hexdigest()
    session.add(EpolicyCopy(policy_number=policy.policy_number, link_id=grant.link_id,
                            code_hash=hash_code(policy.policy_number, code), file_sha256=digest, issued_at=now))
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise errors.EpolicyLinkUsed() from exc
    return PrintedCopy(pdf, digest)


@dataclass(frozen=True)
class Match:
    policy: Policy
    issued_at: datetime
    file_checked: bool


def find_genuine(session: Session, number: str, code: str, file_sha256: str | None) -> Match | None:
    """The issued e-policy or downloaded copy this code belongs to. With a file hash, only a downloaded copy
    whose code and file both match counts: a file with one changed byte (a sum insured, a code) fails."""
    check = CodeCheck(number, code)
    if file_sha256 is None:
        document = session.scalars(select(Document).where(Document.policy_number == number)).first()
        if document is not None and check.matches(document.code_hash):
            return Match(document.policy, document.issued_at, False)
    copies = session.scalars(select(EpolicyCopy).where(EpolicyCopy.policy_number == number)
                             .order_by(EpolicyCopy.id))
    for copy in copies:
        if not check.matches(copy.code_hash):
            continue
        if file_sha256 is not None and not hmac.compare_digest(copy.file_sha256, file_sha256):
            return None
        return Match(copy.policy, copy.issued_at, file_sha256 is not None)
    return None
