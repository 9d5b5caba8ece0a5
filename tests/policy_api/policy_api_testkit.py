"""Helpers shared by the policy API tests (a unique module name: `conftest` is ambiguous when
several test folders have one)."""

from dataclasses import dataclass

import httpx

# Full phone / ID numbers of every customer the tests know; none may appear in any response.
FULL_PII = (
    "13800138000", "110101199003071234",  # C0001
    "13900139000", "310104198507205678",  # C0002
    "13700137000", "44030519900101123X",  # C0099 (extra test customer, see the `extra_data` fixture)
)


@dataclass(frozen=True)
class ApiServer:
    backend: str
    base_url: str
    api_key: str
    database_url: str


def assert_no_pii(response: httpx.Response) -> None:
    response.read()
    for value in FULL_PII:
        assert value not in response.text, f"{response.request.url} leaked {value[:3]}…"


def error_code(response: httpx.Response) -> str:
    """The error code of an error response, after checking the body has exactly the error shape."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return body["error"]["code"]
