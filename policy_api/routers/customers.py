from policy_api import lookups
from policy_api.deps import SessionDep
from policy_api.routers import customer_router, error_docs
from policy_api.schemas import ContactPhoneOut, CustomerOut
from privacy.fields import mask_id_number, mask_phone

router = customer_router("customers")


@router.get("/customers/{customer_id}", response_model=CustomerOut, responses=error_docs(404))
def get_customer(customer_id: str, session: SessionDep) -> CustomerOut:
    customer = lookups.customer(session, customer_id)
    return CustomerOut(
        customer_id=customer.customer_id,
        name=customer.name,
        phone_masked=mask_phone(customer.phone),
        id_number_masked=mask_id_number(customer.id_number),
        preferred_language=customer.preferred_language,  # type: ignore[arg-type]
    )


@router.get("/customers/{customer_id}/contact-phone", response_model=ContactPhoneOut, responses=error_docs(404))
def contact_phone(customer_id: str, session: SessionDep) -> ContactPhoneOut:
    """The full mobile number on record, for a callback the customer asked for: the hub calls her back on
    the number we hold, never on one the chat sent. Like every route here it needs the customer's own token,
    so only a conversation where she proved who she is can ask."""
    customer = lookups.customer(session, customer_id)
    return ContactPhoneOut(customer_id=customer.customer_id, phone=customer.phone)
