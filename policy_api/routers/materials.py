"""A claim's materials: the customer uploads photos and PDFs to her own claim, lists them with what the claim
still needs, and opens one; staff (our services, with the API key: the hub, which checks the agent and audits
the view) list and open them for any claim.

Every check runs before anything is written: the claim must be the token's customer's, the file must be what
its bytes say (policy_api/material_checks.py), within the limits. Only then is the clean copy written (a random
name in MATERIALS_DIR) and its row committed; if the commit fails, the file is removed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from typing import Annotated

from fastapi import Depends, File, Form, Header, Request, Response, UploadFile, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claims.material_store import MaterialStore
from common import clock
from desk_db.tables.policy import Claim, ClaimMaterial
from policy_api import errors, lookups
from policy_api.claim_rules import GUIDANCE, MATERIAL_KINDS, MATERIAL_STATUS_LABELS, NOT_COUNTED, required_materials
from policy_api.deps import CustomerDep, SessionDep, SettingsDep
from policy_api.material_checks import Limits, MaterialRefused, check
from policy_api.materials_review import REVIEWED_KINDS, MaterialReview
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import MaterialList, MaterialOut, MissingMaterial

log = logging.getLogger("policy_api")
router = v1_router("materials")


def get_store(request: Request) -> MaterialStore:
    return request.app.state.material_store


def get_review(request: Request) -> MaterialReview:
    return request.app.state.material_review


StoreDep = Annotated[MaterialStore, Depends(get_store)]
ReviewDep = Annotated[MaterialReview, Depends(get_review)]
# Who at the insurer is looking (the hub sends the console user's name): logged with each staff view.
ActingUser = Annotated[str, Header(alias="X-Acting-User", min_length=1, max_length=64)]


@router.post("/claims/{claim_number}/materials", response_model=MaterialOut, status_code=status.HTTP_201_CREATED,
             responses={200: {"model": MaterialOut, "description": "The same content was stored before."},
                        **error_docs(403, 404, 409, 413, 415)})
def upload_material(claim_number: str, session: SessionDep, customer: CustomerDep, settings: SettingsDep,
                    store: StoreDep, review: ReviewDep, response: Response,
                    kind: Annotated[str, Form(max_length=32)], file: Annotated[UploadFile, File()]) -> MaterialOut:
    """One photo or PDF for the token's customer's claim (201); the same content again returns the file
    already stored (200). Refused files leave nothing behind."""
    claim = lookups.claim(session, claim_number, customer.customer_id)
    if kind not in MATERIAL_KINDS:
        raise errors.InvalidMaterialKind()
    # Read one byte past the limit: enough to know it is too large without holding more.
    data = file.file.read(settings.material_max_bytes + 1)
    try:
        clean = check(data, Limits(settings.material_max_bytes, settings.material_max_pixels,
                                   settings.material_max_pdf_pages))
    except MaterialRefused as refused:
        log.info("material refused for claim %s: %s", claim.claim_number, refused.code)
        raise errors.MaterialError(refused.status, refused.code, refused.zh, refused.en) from None
    digest = hashlib.sha256(clean.content).hexdigest()
    _lock_claim(session, claim)
    if (same := _by_digest(session, claim, digest)) is not None:
        response.status_code = status.HTTP_200_OK
        return material_out(same)
    count = session.scalar(select(func.count()).select_from(ClaimMaterial)
                           .where(ClaimMaterial.claim_number == claim.claim_number)) or 0
    if count >= settings.material_max_per_claim:
        raise errors.TooManyMaterials(settings.material_max_per_claim)
    stored_name = store.save(clean.content)
    material = ClaimMaterial(
        material_id=secrets.token_hex(16), claim_number=claim.claim_number, kind=kind, sha256=digest,
        stored_name=stored_name, media_type=clean.media_type, size_bytes=len(clean.content), width=clean.width,
        height=clean.height, pages=clean.pages, uploaded_at=clock.utcnow(), status="received")
    session.add(material)
    try:
        session.commit()
    except BaseException as exc:
        session.rollback()
        store.delete(stored_name)
        if isinstance(exc, IntegrityError) and (same := _by_digest(session, claim, digest)) is not None:
            response.status_code = status.HTTP_200_OK  # the same file, sent twice at once
            return material_out(same)
        raise
    log.info("material %s (%s, %s) stored for claim %s", material.material_id, kind, clean.media_type,
             claim.claim_number)
    if kind in REVIEWED_KINDS:
        review(session, claim, material, clean.content)
        session.refresh(material)
    return material_out(material)


@router.get("/claims/{claim_number}/materials", response_model=MaterialList, responses=error_docs(403, 404))
def list_materials(claim_number: str, session: SessionDep, customer: CustomerDep, settings: SettingsDep) -> MaterialList:
    """The token's customer's files of this claim, with their review status, and what the claim still needs."""
    return material_list(session, lookups.claim(session, claim_number, customer.customer_id), settings.material_max_per_claim)


@router.get("/claims/{claim_number}/materials/{material_id}/file", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}},
                       **error_docs(403, 404)})
def material_file(claim_number: str, material_id: str, session: SessionDep, customer: CustomerDep,
                  store: StoreDep) -> Response:
    """One stored file of the token's customer's claim."""
    claim = lookups.claim(session, claim_number, customer.customer_id)
    return file_response(store, _material(session, claim, material_id))


@router.get("/staff/claims/{claim_number}/materials", response_model=MaterialList, responses=error_docs(404))
def staff_list_materials(claim_number: str, session: SessionDep, settings: SettingsDep,
                         acting_user: ActingUser) -> MaterialList:
    """Service-only (the API key): the hub's console asks this after checking the agent's conversation is
    with this claim's customer, and audits the view."""
    claim = lookups.claim(session, claim_number)
    log.info("materials of claim %s listed for staff user %s", claim.claim_number, acting_user[:64])
    return material_list(session, claim, settings.material_max_per_claim)


@router.get("/staff/claims/{claim_number}/materials/{material_id}/file", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}},
                       **error_docs(404)})
def staff_material_file(claim_number: str, material_id: str, session: SessionDep, store: StoreDep,
                        acting_user: ActingUser) -> Response:
    claim = lookups.claim(session, claim_number)
    material = _material(session, claim, material_id)
    log.info("material %s of claim %s served to staff user %s", material.material_id, claim.claim_number,
             acting_user[:64])
    return file_response(store, material)


def _lock_claim(session: Session, claim: Claim) -> None:
    """Concurrent uploads to one claim take turns (PostgreSQL row lock), so the per-claim limit holds."""
    session.execute(select(Claim.claim_number).where(Claim.claim_number == claim.claim_number).with_for_update())


def _by_digest(session: Session, claim: Claim, digest: str) -> ClaimMaterial | None:
    return session.scalars(select(ClaimMaterial).where(ClaimMaterial.claim_number == claim.claim_number,
                                                       ClaimMaterial.sha256 == digest)).first()


def _material(session: Session, claim: Claim, material_id: str) -> ClaimMaterial:
    row = session.get(ClaimMaterial, material_id[:64])
    if row is None or row.claim_number != claim.claim_number:
        raise errors.MaterialNotFound()
    return row


def file_response(store: MaterialStore, material: ClaimMaterial) -> Response:
    try:
        content = store.read(material.stored_name)
    except FileNotFoundError:
        log.error("material %s has a row but no file", material.material_id)
        raise errors.MaterialNotFound() from None
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[material.media_type]
    return Response(content, media_type=material.media_type, headers={
        "Content-Disposition": f'inline; filename="{material.material_id}.{extension}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",  # a PDF viewer runs nothing from it
    })


def material_out(row: ClaimMaterial) -> MaterialOut:
    label_zh, label_en = MATERIAL_STATUS_LABELS[row.status]
    return MaterialOut(
        material_id=row.material_id, claim_number=row.claim_number, kind=row.kind,  # type: ignore[arg-type]
        media_type=row.media_type, size_bytes=row.size_bytes, width=row.width,  # type: ignore[arg-type]
        height=row.height, pages=row.pages, sha256=row.sha256, uploaded_at=row.uploaded_at,
        status=row.status, status_label_zh=label_zh, status_label_en=label_en,  # type: ignore[arg-type]
        problem=row.problem, findings=json.loads(row.findings) if row.findings else None)


def material_list(session: Session, claim: Claim, max_files: int) -> MaterialList:
    rows = list(session.scalars(select(ClaimMaterial).where(ClaimMaterial.claim_number == claim.claim_number)
                                .order_by(ClaimMaterial.uploaded_at, ClaimMaterial.material_id)))
    have = {row.kind for row in rows if row.status not in NOT_COUNTED}
    guidance = GUIDANCE.get(claim.insurance_type)
    missing = [] if guidance is None else [
        MissingMaterial(kind=kind, document_zh=guidance.documents_zh[index],  # type: ignore[arg-type]
                        document_en=guidance.documents_en[index])
        for kind, index in required_materials(claim.insurance_type, claim.fast_track) if kind not in have]
    return MaterialList(claim_number=claim.claim_number, customer_id=claim.customer_id,
                        insurance_type=claim.insurance_type, materials=[material_out(r) for r in rows],  # type: ignore[arg-type]
                        missing=missing, max_files=max_files)
