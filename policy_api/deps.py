"""Shared FastAPI dependencies."""

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from policy_api.db import get_session
from policy_api.errors import Unauthorized
from policy_api.payments import PaymentGateway
from policy_api.settings import Settings

# auto_error=False so a missing key goes through our own 401 JSON shape.
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def require_api_key(request: Request, key: Annotated[str | None, Security(_api_key_header)]) -> None:
    expected: str = request.app.state.settings.api_key
    if not expected or key is None or not hmac.compare_digest(key.encode(), expected.encode()):
        raise Unauthorized()


def get_gateway(request: Request) -> PaymentGateway:
    return request.app.state.gateway


SessionDep = Annotated[Session, Depends(get_session)]
GatewayDep = Annotated[PaymentGateway, Depends(get_gateway)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
