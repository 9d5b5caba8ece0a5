"""One router module per resource. /v1 routers share the API-key dependency via `v1_router`; those whose
every route is one customer's data also require that customer's token via `customer_router`."""

from typing import Any

from fastapi import APIRouter, Depends

from policy_api.deps import require_api_key, require_customer
from policy_api.schemas import ErrorResponse


def error_docs(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the error statuses a route can return."""
    return {status: {"model": ErrorResponse} for status in statuses}


def v1_router(tag: str) -> APIRouter:
    # 400: a body that is not JSON (or not UTF-8) at all; 422: JSON that does not fit the schema.
    return APIRouter(tags=[tag], dependencies=[Depends(require_api_key)], responses=error_docs(400, 401, 422))


def customer_router(tag: str) -> APIRouter:
    """Every route serves one customer's data: the API key and that customer's token (X-Customer-Token)."""
    return APIRouter(tags=[tag], dependencies=[Depends(require_api_key), Depends(require_customer)],
                     responses=error_docs(400, 401, 403, 422))
