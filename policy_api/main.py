"""Application factory."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from claims.material_store import MaterialStore
from common.body_limit import BodySizeLimitMiddleware
from observability import logs
from observability.metrics import instrument
from observability.requests import RequestIdMiddleware
from policy_api import __version__
from policy_api.customer_token import TokenSigner
from policy_api.db import ensure_schema, make_engine, make_session_factory
from policy_api.errors import install_error_handlers
from policy_api.identity_attempts import make_lockout
from policy_api.invoice_review import InvoiceReview
from policy_api.knowledge_service import KnowledgeService
from policy_api.payments import SimulatedGateway, SimulatedPayoutGateway
from policy_api.payout_worker import run_forever as confirm_payouts_forever
from policy_api.routers import (
    adjuster,
    claim_updates,
    claims,
    customer_data,
    customers,
    documents,
    health,
    identity,
    knowledge,
    materials,
    outreach,
    pay,
    payments,
    policies,
    portfolio,
    premiums,
)
from policy_api.settings import Settings, get_settings

log = logging.getLogger("policy_api")

TAGS = [
    {"name": "health", "description": "Liveness and database check."},
    {"name": "identity", "description": "Verify a caller before showing personal data."},
    {"name": "customers", "description": "Customer profile (masked)."},
    {"name": "policies", "description": "Policies, policy details and upcoming renewals."},
    {"name": "premiums", "description": "Premiums due and payment links."},
    {"name": "payments", "description": "Payment status."},
    {"name": "claims", "description": "Claim guidance, filing and status tracking."},
    {"name": "materials", "description": "A claim's photos and PDFs: upload, list with what is missing, open."},
    {"name": "adjuster", "description": "Internal: the adjusters' queue and decisions (the hub calls these for "
                                        "a signed-in adjuster, named in X-Adjuster)."},
    {"name": "claim-updates", "description": "Internal: claim progress messages for the assistant."},
    {"name": "documents", "description": "E-policy authenticity check."},
    {"name": "reminders", "description": "Reminder details, opt-out, renewal payment links."},
    {"name": "knowledge", "description": "Answers from the FAQ and the product clauses, with their source."},
    {"name": "simulated-gateway", "description": "Pages of the simulated payment gateway (no API key)."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not logging.getLogger().handlers:  # a worker process of POLICY_API_WORKERS: it starts with no logging set up
        logs.configure("policy_api")
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            ensure_schema(engine)
            app.state.schema_ready = True
            app.state.knowledge.warm_in_background()
        except SQLAlchemyError as exc:
            # Keep serving: /health reports 503 and the schema is migrated once the DB is back.
            log.error("database unavailable at startup: %s", type(exc).__name__)
        confirming = asyncio.create_task(confirm_payouts_forever(app.state.session_factory, app.state.payouts,
                                                                 settings.claim_payout_poll_s))
        yield
        confirming.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await confirming
        engine.dispose()

    app = FastAPI(
        title="Policy Data API",
        version=__version__,
        description="Policy, premium, claim and e-policy data for the customer-service assistant. "
        "Every /v1 route needs the `X-API-Key` header; routes with one customer's data also need "
        "the `X-Customer-Token` that `/v1/identity/verify` returned and serve only that customer.",
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.gateway = SimulatedGateway(settings.public_url)
    app.state.payouts = SimulatedPayoutGateway(settings.claim_payout_settle_s)
    app.state.schema_ready = False
    app.state.knowledge = KnowledgeService(app.state.session_factory)
    app.state.identity_lockout = make_lockout(settings)
    app.state.token_signer = TokenSigner(settings.customer_token_secret, settings.customer_token_idle_s,
                                         settings.customer_token_max_age_s)

    app.state.material_store = MaterialStore(settings.materials_dir)
    app.state.material_review = InvoiceReview(app.state.payouts)  # OCR, then the claim review

    install_error_handlers(app)
    # Multipart adds a little to the file itself: the route gives the precise "file too large" answer.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,
                       larger=[(r"/v1/claims/[^/]+/materials", settings.material_max_bytes + 64 * 1024)])
    app.add_middleware(RequestIdMiddleware)
    instrument(app, settings.api_key)

    app.include_router(health.router)
    for module in (identity, customers, policies, portfolio, premiums, payments, claims, materials, documents,
                   knowledge, outreach, customer_data, adjuster, claim_updates):
        app.include_router(module.router, prefix="/v1")
    app.include_router(pay.router)
    return app


app = create_app()
