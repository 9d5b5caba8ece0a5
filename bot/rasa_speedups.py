"""Speed fixes for Rasa 3.6, installed when the model loads our NLU components.

Validation: Rasa validates every action-server response with `jsonschema.validate(result, schema)`, which
re-checks the schema against the JSON-Schema metaschema on every call: about 12.6 ms of the
13 ms it takes, on every custom-action turn. Here the same schema is compiled into a validator
once, and each response is validated against it: the same checks and the same errors, about
0.25 ms. (Measured with bench/turns.py: a policy-lookup turn costs one validation per action.)

Connections: Rasa opens a new aiohttp session, and so a new TCP connection, for every call to the
action server (EndpointConfig.request: `async with self.session()`), and closes it after; profiled
under 20 users (py-spy) that was about 5% of Rasa's CPU on a greeting turn, which calls one action,
plus the action server's accepting. Here each endpoint keeps one session whose idle connections
are reused, for the same requests with the same headers, auth and timeout.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

import aiohttp
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

# Idle connections are closed after this, well under the action server's (Sanic's) 5 s keep-alive, so a
# connection the server may be closing at that moment is never picked for a request.
KEEPALIVE_S = 2.0


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validators.validator_for(schema)(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise


class _KeptSession:
    """What `async with endpoint.session()` enters: the endpoint's shared session, left open on exit."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's session (EndpointConfig.session: headers, basic auth, timeout) on a keep-alive connector."""
    auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"]) \
        if endpoint.basic_auth else None
    return aiohttp.ClientSession(headers=endpoint.headers, auth=auth,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                 connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))


def _shared_session(self: EndpointConfig) -> _KeptSession:
    loop = asyncio.get_running_loop()
    kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = getattr(self, "_kept_session", None)
    if kept is None or kept[0] is not loop or kept[1].closed:
        kept = (loop, _new_session(self))
        self._kept_session = kept  # type: ignore[attr-defined]
    return _KeptSession(kept[1])


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = _shared_session  # type: ignore[method-assign,assignment]
