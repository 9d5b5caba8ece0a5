import logging

from fastapi import APIRouter, Request

from policy_api.db import ping
from policy_api.errors import DatabaseUnavailable
from policy_api.routers import error_docs
from policy_api.schemas import Health

log = logging.getLogger("policy_api")
router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses=error_docs(503))
def health(request: Request) -> Health:
    try:
        ping(request.app.state.engine)
    except Exception as exc:
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        raise DatabaseUnavailable() from exc
    return Health(status="ok", database="ok")
