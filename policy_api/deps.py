"""Shared FastAPI dependencies."""

import hmac
from typing import Annotated

from fastapi import Depends, Path, Request, Response, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from policy_api import customer_token
from policy_api.customer_token import CustomerClaims, TokenExpired, TokenInvalid, TokenSigner
from policy_api.db import get_session
from policy_api.errors import (
    CustomerTokenExpired,
    CustomerTokenInvalid,
    CustomerTokenMismatch,
    CustomerTokenRequired,
    Unauthorized,
)
from policy_api.payments import PaymentGateway, PayoutGateway
from policy_api.settings import Settings

# The dependencies below only read headers and check HMACs: `async def`, so FastAPI runs them on the event
# loop. A plain `def` dependency is sent to the thread pool, a hand-over and back for each one on every
# request (profiled under load: about as much of the API's CPU as the route's own SQL). Anything that
# blocks (the database session) stays `def`.
# auto_error=False so a missing key goes through our own 401 JSON shape.
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_customer_token_header = APIKeyHeader(name=customer_token.HEADER, auto_error=False, scheme_name="CustomerToken",
                                      description="The customer token /v1/identity/verify returned.")


async def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


async def require_api_key(request: Request, key: Annotated[str | None, Security(_api_key_header)]) -> None:
    expected: str = request.app.state.settings.api_key
    if not expected or key is None or not hmac.compare_digest(key.encode(), expected.encode()):
        raise Unauthorized()


async def get_signer(request: Request) -> TokenSigner:
    return request.app.state.token_signer


def same_customer(claims: CustomerClaims, customer_id: str | None) -> bool:
    return customer_id is None or customer_id.strip().upper() == claims.customer_id


async def require_customer(request: Request, response: Response,
                     token: Annotated[str | None, Security(_customer_token_header)]) -> CustomerClaims:
    """The customer the token proves. A `customer_id` in the path or the query must be that customer
    (403 otherwise); routes that take one in the body check it with `same_customer`. Each accepted
    use sends back the token to keep (refreshed once a minute of use has passed), so verification
    lapses only after idle minutes."""
    if not token:
        raise CustomerTokenRequired()
    signer: TokenSigner = request.app.state.token_signer
    try:
        claims = signer.check(token)
    except TokenExpired as exc:
        raise CustomerTokenExpired() from exc
    except TokenInvalid as exc:
        raise CustomerTokenInvalid() from exc
    for named in (request.path_params.get("customer_id"), request.query_params.get("customer_id")):
        if not same_customer(claims, named):
            raise CustomerTokenMismatch()
    response.headers[customer_token.HEADER] = signer.kept_or_refreshed(token, claims)
    return claims


async def get_gateway(request: Request) -> PaymentGateway:
    return request.app.state.gateway


def get_payouts(request: Request) -> PayoutGateway:
    return request.app.state.payouts


SessionDep = Annotated[Session, Depends(get_session)]
GatewayDep = Annotated[PaymentGateway, Depends(get_gateway)]
PayoutsDep = Annotated[PayoutGateway, Depends(get_payouts)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CustomerDep = Annotated[CustomerClaims, Depends(require_customer)]
SignerDep = Annotated[TokenSigner, Depends(get_signer)]
# A row id in a path: a database integer (64-bit signed), so a larger number is a 422, not a driver overflow.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
