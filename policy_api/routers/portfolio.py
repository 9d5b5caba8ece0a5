from common import clock
from policy_api import lookups, portfolio
from policy_api.deps import SessionDep
from policy_api.routers import customer_router, error_docs
from policy_api.schemas import Highlights, PortfolioSummary

router = customer_router("portfolio")


@router.get("/customers/{customer_id}/summary", response_model=PortfolioSummary, responses=error_docs(404))
def get_summary(customer_id: str, session: SessionDep) -> PortfolioSummary:
    """保单整理: all policies per insured person, premiums per year, next due date, and gaps."""
    return portfolio.summary(session, lookups.customer(session, customer_id), clock.today())


@router.get("/customers/{customer_id}/highlights", response_model=Highlights, responses=error_docs(404))
def get_highlights(customer_id: str, session: SessionDep) -> Highlights:
    """What matters to the customer now: premiums due soon, claims that moved, cover about to end."""
    return portfolio.highlights(session, lookups.customer(session, customer_id), clock.today(), clock.utcnow())
