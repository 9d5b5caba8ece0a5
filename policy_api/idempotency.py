"""Idempotency-Key for requests that file something (claims): a retry after a timeout gets the first
result back instead of filing twice.

Keys are scoped per customer and stored with a unique constraint (models.ClaimRequest), so two
concurrent requests with one key cannot both file: the second one's insert fails and it answers
with the first one's claim. The same key with a different body is a client error (409), not a replay.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Annotated

from fastapi import Header
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.tables.policy import Claim, ClaimRequest
from policy_api.errors import IdempotencyKeyReused

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_.:-]{8,64}$",
    description="Makes the request safe to retry: the same key with the same body returns the first "
                "result (200); with a different body it is refused (409). Scoped per customer.")]


def body_hash(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def earlier_claim(session: Session, customer_id: str, key: str, digest: str) -> Claim | None:
    """The claim this customer already filed with this key, None if none; IdempotencyKeyReused when
    the key was used with another body."""
    row = session.scalars(select(ClaimRequest).where(ClaimRequest.customer_id == customer_id,
                                                     ClaimRequest.idempotency_key == key)).first()
    if row is None:
        return None
    if not hmac.compare_digest(row.body_hash, digest):
        raise IdempotencyKeyReused()
    return session.get(Claim, row.claim_number)
