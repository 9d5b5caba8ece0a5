"""E-policies: 验真 of a code (and optionally of a downloaded file), a download link for a verified customer,
and the PDF the hub fetches for such a link (policy_api/epolicies.py)."""

from datetime import UTC, datetime

from fastapi import Request, Response

from common import normalize
from policy_api import epolicies, errors, lookups
from policy_api.deps import CustomerDep, SessionDep, SettingsDep
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import DocumentVerification, DocumentVerifyRequest, EpolicyLink, EpolicyPrintRequest
from privacy.fields import mask_name
from service_auth.epolicy_links import LinkExpired, LinkInvalid, LinkSigner

router = v1_router("documents")

_NOT_GENUINE = DocumentVerification(genuine=False)


@router.post("/documents/verify", response_model=DocumentVerification, response_model_exclude_none=True)
def verify_document(body: DocumentVerifyRequest, session: SessionDep) -> DocumentVerification:
    """Check an e-policy's verification code (and, with `file_sha256`, the downloaded file itself). A wrong
    code and an unknown policy give the same `{"genuine": false}`, so the endpoint does not reveal which
    policy numbers exist."""
    number = normalize.policy_number(body.policy_number)
    if number is None:
        raise errors.InvalidPolicyNumber()
    code = normalize.verification_code(body.verification_code)
    if code is None:
        raise errors.InvalidVerificationCode()
    match = epolicies.find_genuine(session, number, code, body.file_sha256)
    if match is None:
        return _NOT_GENUINE
    policy = match.policy
    return DocumentVerification(
        genuine=True,
        policy_number=policy.policy_number,
        product_name_zh=policy.product_name_zh,
        product_name_en=policy.product_name_en,
        insured_name_masked=mask_name(policy.insured_name),
        start_date=policy.start_date,
        end_date=policy.end_date,
        sum_insured=policy.sum_insured,
        annual_premium=policy.annual_premium,
        issued_at=match.issued_at,
        file_checked=match.file_checked,
    )


def link_signer(request: Request) -> LinkSigner:
    settings = request.app.state.settings
    if not settings.epolicy_link_secret:
        raise errors.EpolicyUnavailable()
    return LinkSigner(settings.epolicy_link_secret, settings.epolicy_link_ttl_s)


@router.post("/policies/{policy_number}/epolicy-link", response_model=EpolicyLink,
             responses=error_docs(403, 404, 503))
def epolicy_link(policy_number: str, request: Request, session: SessionDep, customer: CustomerDep,
                 settings: SettingsDep) -> EpolicyLink:
    """A download link for the e-policy of one of the token's customer's policies (403 for anyone else's):
    the hub's address with a signed token, valid once, for EPOLICY_LINK_TTL_S seconds."""
    signer = link_signer(request)
    policy = lookups.policy(session, policy_number, customer.customer_id)
    token, grant = signer.issue(customer.customer_id, policy.policy_number, customer.conversation_id)
    return EpolicyLink(url=f"{settings.hub_public_url}/epolicy/{token}",
                       expires_at=datetime.fromtimestamp(grant.expires_at, UTC), ttl_s=signer.ttl_s,
                       policy_number=policy.policy_number, product_name_zh=policy.product_name_zh,
                       product_name_en=policy.product_name_en)


@router.post("/documents/epolicy", responses={**error_docs(403, 404, 410, 503),
                                              200: {"content": {"application/pdf": {}}}})
def print_epolicy(body: EpolicyPrintRequest, request: Request, session: SessionDep,
                  settings: SettingsDep) -> Response:
    """The PDF for a download link the customer opened at the hub. The link is checked here again (the
    service key alone prints nothing) and prints one copy, once; the file's SHA-256 is sent back
    (X-Content-SHA256) for the hub's audit."""
    signer = link_signer(request)
    try:
        grant = signer.check(body.link)
    except LinkExpired as exc:
        raise errors.EpolicyLinkExpired() from exc
    except LinkInvalid as exc:
        raise errors.EpolicyLinkInvalid() from exc
    printed = epolicies.print_copy(session, grant, settings.hub_public_url, settings.epolicy_font)
    return Response(printed.pdf, media_type="application/pdf",
                    headers={"Cache-Control": "no-store", "X-Content-SHA256": printed.file_sha256})
