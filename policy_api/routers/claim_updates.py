"""Claim progress messages for the assistant: the reminder worker triggers EXTERNAL_claim_update
with an event id in the customer's app chat; the action reads the message and the claim's timeline here,
and shows them only if the claim is that conversation's customer's (actions/claim_updates.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from claims.progress_texts import customer_language, event_text
from desk_db.tables.policy import ClaimEvent
from policy_api.claim_flow import notified
from policy_api.deps import RowId, SessionDep, SettingsDep
from policy_api.errors import ApiError
from policy_api.routers import error_docs, v1_router
from policy_api.routers.claims import claim_out
from policy_api.schemas import ClaimOut

router = v1_router("claim-updates")


class ClaimUpdateNotFound(ApiError):
    status_code, code, message = 404, "claim_update_not_found", "No such claim update."


class ClaimUpdateOut(BaseModel):
    event_id: int
    customer_id: str
    language: Literal["zh", "en"]
    text: str  # in `language`
    claim: ClaimOut


@router.get("/claim-updates/{event_id}", response_model=ClaimUpdateOut, responses=error_docs(404))
def claim_update(event_id: RowId, session: SessionDep, settings: SettingsDep) -> ClaimUpdateOut:
    event = session.get(ClaimEvent, event_id)
    if event is None or not notified(event):  # e.g. "reported": answered where it was filed, no message
        raise ClaimUpdateNotFound()
    claim = event.claim
    language = customer_language(session, claim)
    return ClaimUpdateOut(event_id=event.id, customer_id=claim.customer_id, language=language,  # type: ignore[arg-type]
                          text=event_text(claim, event, language, settings.claim_paid_target_s // 60),
                          claim=claim_out(claim, settings.claim_paid_target_s))
