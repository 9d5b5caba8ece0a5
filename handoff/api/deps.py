"""What the route modules share: the hub as a dependency, the channel key, the signed-in user, and the
conversation id's format."""

from __future__ import annotations

import hmac
import re
from typing import Annotated

from fastapi import Depends, Header, Request

from handoff.auth import current_user, supervisor
from handoff.errors import HubError
from handoff.service import Hub, User

CID_PATTERN = r"^[A-Za-z0-9_.:-]{8,64}$"
CID_RE = re.compile(CID_PATTERN)


async def get_hub(request: Request) -> Hub:  # async: no threadpool hop per request
    return request.app.state.hub


HubDep = Annotated[Hub, Depends(get_hub)]


async def channel_key(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    expected = request.app.state.hub.settings.api_key
    # No key configured refuses everyone (`python -m handoff` does not start without one anyway).
    if not (expected and x_api_key and hmac.compare_digest(x_api_key.encode(), expected.encode())):
        raise HubError(401, "unauthorized", "Missing or invalid X-API-Key header.")


def check_cid(cid: str) -> str:
    if not CID_RE.fullmatch(cid):
        raise HubError(422, "invalid_conversation_id", "Conversation ids are 8-64 characters [A-Za-z0-9_.:-].")
    return cid


UserDep = Annotated[User, Depends(current_user)]
SupervisorDep = Annotated[User, Depends(supervisor)]
