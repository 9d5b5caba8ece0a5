"""The seam between storing a claim material and reviewing it.

After an invoice is stored (committed, file on disk), the upload route calls the app's `MaterialReview`
(`app.state.material_review`) with the session, the claim, the material's row and the stored bytes. A review
may set the material's `status` (reviewing / accepted / retake / rejected), `findings` (the JSON of
claims.findings.InvoiceFindings) and `problem` (zh / en text), move the claim, and commit; the upload's
answer shows the row as the review left it. It runs inside the request, so the customer sees the result of
a quick check at once; a slow one should hand the work on and set "reviewing".

`policy_api.invoice_review.InvoiceReview` is the review the app runs; `keep_received` leaves a material as received.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from desk_db.tables.policy import Claim, ClaimMaterial

# The kinds whose content a review reads; other kinds are only listed against what the claim still needs.
REVIEWED_KINDS = frozenset({"invoice"})


class MaterialReview(Protocol):
    def __call__(self, session: Session, claim: Claim, material: ClaimMaterial, content: bytes) -> None: ...


def keep_received(session: Session, claim: Claim, material: ClaimMaterial, content: bytes) -> None:
    """No review yet: the material stays "received" for an adjuster."""
