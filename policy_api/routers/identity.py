import hmac
import logging

from sqlalchemy import select

from policy_api import normalize
from policy_api.deps import SessionDep
from policy_api.errors import IdentityMismatch, InvalidRequest
from policy_api.masking import mask_phone
from policy_api.models import Customer, Policy
from policy_api.routers import error_docs, v1_router
from policy_api.schemas import IdentityVerified, IdentityVerifyRequest

log = logging.getLogger("policy_api")
router = v1_router("identity")


@router.post("/identity/verify", response_model=IdentityVerified, responses=error_docs(401))
def verify_identity(body: IdentityVerifyRequest, session: SessionDep) -> IdentityVerified:
    """Match a policy number and/or phone number plus the last 4 characters of the ID number.

    Every mismatch — unknown policy, unknown phone, wrong digits — gets the same 401, so the
    endpoint cannot be used to probe which policies or phone numbers exist."""
    has_policy = bool(body.policy_number and body.policy_number.strip())
    has_phone = bool(body.phone and body.phone.strip())
    if not (has_policy or has_phone):
        raise InvalidRequest("Give policy_number or phone, plus id_last4.")
    last4 = normalize.id_last4(body.id_last4)
    if last4 is None:
        raise InvalidRequest("id_last4 must be the last 4 characters of the ID number.")

    by_policy = by_phone = None
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

    if customer is None or not hmac.compare_digest(customer.id_number[-4:].upper(), last4):
        log.info("identity mismatch (phone=%s)", mask_phone(phone) if phone else "-")
        raise IdentityMismatch()
    log.info("identity verified customer=%s phone=%s", customer.customer_id, mask_phone(customer.phone))
    return IdentityVerified(
        customer_id=customer.customer_id,
        name=customer.name,
        preferred_language=customer.preferred_language,  # type: ignore[arg-type]
        phone_masked=mask_phone(customer.phone),
    )
