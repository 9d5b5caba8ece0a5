import hmac
import logging
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select

from common import normalize
from desk_db.tables.policy import Customer, Policy
from policy_api import lookups
from policy_api.customer_token import TokenSigner
from policy_api.deps import SessionDep, SettingsDep, SignerDep
from policy_api.errors import (
    AppTokenInvalid,
    CustomerNotFound,
    IdentityCheckUnavailable,
    IdentityLocked,
    IdentityMismatch,
    InvalidRequest,
)
from policy_api.identity_attempts import get_lockout, identifiers
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import AppTokenExchange, IdentityVerified, IdentityVerifyRequest
from privacy.fields import mask_phone
from service_auth.app_tokens import token_customer
from service_auth.lockout import Lockout, LockoutUnavailable

log = logging.getLogger("policy_api")
router = v1_router("identity")


@router.post("/identity/verify", response_model=IdentityVerified, responses=error_docs(401, 429, 503))
def verify_identity(body: IdentityVerifyRequest, session: SessionDep, signer: SignerDep,
                    lockout: Annotated[Lockout, Depends(get_lockout)]) -> IdentityVerified:
    """Match a policy number and/or phone number plus the last 4 characters of the ID number.

    Every mismatch — unknown policy, unknown phone, wrong digits — gets the same 401, so the
    endpoint cannot be used to probe which policies or phone numbers exist. Each mismatch counts
    against the phone, the policy number and the customers they name (Redis, every caller alike);
    too many lock verification for them: 429 `identity_locked` with Retry-After, even for the right
    answer. Without Redis no check is made (503): an uncounted check is an unlimited one.
    A match returns the customer token (X-Customer-Token) that the customer's data routes require."""
    has_policy = bool(body.policy_number and body.policy_number.strip())
    has_phone = bool(body.phone and body.phone.strip())
    if not (has_policy or has_phone):
        raise InvalidRequest("Give policy_number or phone, plus id_last4.")
    last4 = normalize.id_last4(body.id_last4)
    if last4 is None:
        raise InvalidRequest("id_last4 must be the last 4 characters of the ID number.")

    by_policy = by_phone = None
    number = None
    phone = normalize.phone(body.phone) if has_phone and body.phone else None
    if has_policy and body.policy_number:
        number = normalize.policy_number(body.policy_number)
        policy = session.get(Policy, number) if number else None
        by_policy = policy.customer if policy else None
    if phone:
        by_phone = session.scalars(select(Customer).where(Customer.phone == phone)).first()

    if has_policy and has_phone:  # both given: they must point at the same person
        customer = by_policy if by_policy is not None and by_phone is by_policy else None
    else:
        customer = by_policy if has_policy else by_phone

    attempted = identifiers(phone, number, [by_policy, by_phone])
    try:
        retry_after_s = lockout.locked_for(attempted)
        if retry_after_s:
            log.info("identity check refused: locked for %ss (phone=%s)", retry_after_s,
                     mask_phone(phone) if phone else "-")
            raise IdentityLocked(retry_after_s)
        if customer is None or not hmac.compare_digest(customer.id_number[-4:].upper(), last4):
            locked = lockout.failed(attempted)
            log.info("identity mismatch (phone=%s)%s", mask_phone(phone) if phone else "-",
                     "; now locked" if locked else "")
            raise IdentityMismatch()
        lockout.succeeded(attempted)
    except LockoutUnavailable as exc:
        log.error("identity lockout store unreachable: %s", type(exc.__cause__).__name__)
        raise IdentityCheckUnavailable() from exc
    log.info("identity verified customer=%s phone=%s", customer.customer_id, mask_phone(customer.phone))
    return verified(customer, body.conversation_id, signer)


@router.post("/identity/app-token", response_model=IdentityVerified, responses=error_docs(401))
def exchange_app_token(body: AppTokenExchange, session: SessionDep, settings: SettingsDep,
                       signer: SignerDep) -> IdentityVerified:
    """The insurer's app signed the customer in: a valid app token (HS256, `sub`, `exp`) is exchanged for
    a customer token, so app tokens are checked here, by the service that holds the data."""
    customer_id = token_customer(body.app_token, settings.app_jwt_secret)
    if customer_id is None:
        raise AppTokenInvalid()
    try:
        customer = lookups.customer(session, customer_id)
    except CustomerNotFound as exc:  # signed, but for nobody we know: same answer as a bad token
        raise AppTokenInvalid() from exc
    log.info("app token exchanged customer=%s", customer.customer_id)
    return verified(customer, body.conversation_id, signer)


def verified(customer: Customer, conversation_id: str, signer: TokenSigner) -> IdentityVerified:
    token, claims = signer.issue(customer.customer_id, conversation_id)
    return IdentityVerified(
        customer_id=customer.customer_id,
        name=customer.name,
        preferred_language=customer.preferred_language,  # type: ignore[arg-type]
        phone_masked=mask_phone(customer.phone),
        customer_token=token,
        token_expires_at=claims.expires_at,
    )
