import hmac

from sqlalchemy import select

from policy_api import errors, normalize
from policy_api.codes import hash_code
from policy_api.deps import SessionDep
from policy_api.models import Document
from policy_api.routers import v1_router
from policy_api.schemas import DocumentVerification, DocumentVerifyRequest
from privacy.fields import mask_name

router = v1_router("documents")

_NOT_GENUINE = DocumentVerification(genuine=False)


@router.post("/documents/verify", response_model=DocumentVerification, response_model_exclude_none=True)
def verify_document(body: DocumentVerifyRequest, session: SessionDep) -> DocumentVerification:
    """Check an e-policy's verification code. A wrong code and an unknown policy give the same
    `{"genuine": false}`, so the endpoint does not reveal which policy numbers exist."""
    number = normalize.policy_number(body.policy_number)
    if number is None:
        raise errors.InvalidPolicyNumber()
    code = normalize.verification_code(body.verification_code)
    if code is None:
        raise errors.InvalidVerificationCode()
    digest = hash_code(number, code)
    document = session.scalars(select(Document).where(Document.policy_number == number)).first()
    if document is None or not hmac.compare_digest(document.code_hash, digest):
        return _NOT_GENUINE
    policy = document.policy
    return DocumentVerification(
        genuine=True,
        policy_number=policy.policy_number,
        product_name_zh=policy.product_name_zh,
        product_name_en=policy.product_name_en,
        insured_name_masked=mask_name(policy.insured_name),
        start_date=policy.start_date,
        end_date=policy.end_date,
        issued_at=document.issued_at,
    )
