"""The one HTTP client for the policy-data API. One shared aiohttp session per event loop.

A customer's data is read with the customer token the policy API signed when she verified
(`Customer`): the API serves only her with it, whatever id an action passes. The API answers each use
with a refreshed token, kept on the `Customer` so the action can store it (actions.identity.token_events).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from actions import settings


class ApiUnavailable(Exception):
    """The policy API could not be reached or failed (5xx, timeout): tell the customer, offer a human."""


CUSTOMER_TOKEN_HEADER = "X-Customer-Token"


class ApiTimeout(ApiUnavailable):
    """No answer in time: the request may or may not have been carried out."""


@dataclass
class Customer:
    """A verified customer: her id and the policy API's token for her (refreshed on each use)."""

    customer_id: str
    token: str
    refreshed: bool = False


class ApiError(Exception):
    """The policy API refused the request with a code the caller can act on (404, 403, 409, 422...)."""

    def __init__(self, status: int, code: str, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.retry_after_s = retry_after_s  # from Retry-After, when the API says when to try again


_sessions: dict[int, aiohttp.ClientSession] = {}


def _session() -> aiohttp.ClientSession:
    loop_id = id(asyncio.get_running_loop())
    session = _sessions.get(loop_id)
    if session is None or session.closed:
        config = settings.get_settings()
        session = aiohttp.ClientSession(
            base_url=config.policy_api_url,
            headers={"X-API-Key": config.policy_api_key},
            timeout=aiohttp.ClientTimeout(total=config.policy_api_timeout_s),
        )
        _sessions[loop_id] = session
    return session


class VerificationExpired(Exception):
    """The policy API no longer accepts the customer's token (idle too long, or never valid): verify again.
    Not an ApiError: "not found" handlers must not swallow it."""


async def request(method: str, path: str, *, json: Any = None, params: dict | None = None,
                  customer: Customer | None = None, headers: dict[str, str] | None = None) -> Any:
    headers = {**(headers or {}), **({CUSTOMER_TOKEN_HEADER: customer.token} if customer else {})} or None
    try:
        async with _session().request(method, path, json=json, params=params, headers=headers) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            if response.status >= 500 or body is None:
                raise ApiUnavailable(f"{method} {path} -> {response.status}")
            if response.status >= 400:
                error = body.get("error", {}) if isinstance(body, dict) else {}
                code = error.get("code", "error")
                if response.status == 401 and code.startswith("customer_token_"):
                    raise VerificationExpired(code)
                retry = response.headers.get("Retry-After", "")
                raise ApiError(response.status, code, error.get("message", ""),
                               int(retry) if retry.isdigit() else None)
            refreshed = response.headers.get(CUSTOMER_TOKEN_HEADER)
            if customer and refreshed and refreshed != customer.token:
                customer.token, customer.refreshed = refreshed, True
            return body
    except TimeoutError as exc:
        raise ApiTimeout(f"{method} {path}: timed out") from exc
    except aiohttp.ClientError as exc:
        raise ApiUnavailable(f"{method} {path}: {exc!r}") from exc


async def verify_identity(*, policy_number: str | None, phone: str | None, id_last4: str,
                          conversation_id: str) -> dict:
    """The customer and her token (`customer_token`) when the details match."""
    return await request("POST", "/v1/identity/verify",
                         json={"policy_number": policy_number, "phone": phone, "id_last4": id_last4,
                               "conversation_id": conversation_id[:128]})


async def exchange_app_token(app_token: str, conversation_id: str) -> dict:
    """The insurer's app signed her in: the policy API checks its token and answers as verify_identity."""
    return await request("POST", "/v1/identity/app-token",
                         json={"app_token": app_token, "conversation_id": conversation_id[:128]})


def _path(customer: Customer, tail: str = "") -> str:
    return f"/v1/customers/{quote(customer.customer_id, safe='')}{tail}"


async def policies(customer: Customer) -> list[dict]:
    return (await request("GET", _path(customer, "/policies"), customer=customer))["policies"]


async def policy(policy_number: str, customer: Customer) -> dict:
    return await request("GET", f"/v1/policies/{quote(policy_number, safe='')}", customer=customer)


async def premiums_due(customer: Customer) -> list[dict]:
    return (await request("GET", _path(customer, "/premiums/due"), customer=customer))["premiums"]


async def create_payment(premium_id: int, customer: Customer) -> dict:
    return await request("POST", f"/v1/premiums/{premium_id}/payments", json={}, customer=customer)


async def claim_guidance(insurance_type: str, amount: float | None, single_party: bool | None) -> dict:
    params: dict[str, Any] = {}
    if amount is not None:
        params["amount"] = str(amount)
    if single_party is not None:
        params["single_party"] = str(single_party).lower()
    return await request("GET", f"/v1/claims/guidance/{insurance_type}", params=params)


async def open_claim(payload: dict, customer: Customer, idempotency_key: str) -> dict:
    """File a claim; after a timeout it is sent once more with the same key, which files it at most once."""
    headers = {"Idempotency-Key": idempotency_key}
    try:
        return await request("POST", "/v1/claims", json=payload, customer=customer, headers=headers)
    except ApiTimeout:
        return await request("POST", "/v1/claims", json=payload, customer=customer, headers=headers)


async def claim(claim_number: str, customer: Customer) -> dict:
    return await request("GET", f"/v1/claims/{quote(claim_number, safe='')}", customer=customer)


async def claim_materials(claim_number: str, customer: Customer) -> dict:
    """The claim's files and the documents it still needs (`missing`)."""
    return await request("GET", f"/v1/claims/{quote(claim_number, safe='')}/materials", customer=customer)


async def claims(customer: Customer) -> list[dict]:
    return (await request("GET", _path(customer, "/claims"), customer=customer))["claims"]


async def renewals(customer: Customer, within_days: int) -> list[dict]:
    return (await request("GET", _path(customer, "/renewals"), params={"within_days": within_days},
                          customer=customer))["policies"]


async def epolicy_link(policy_number: str, customer: Customer) -> dict:
    """A one-time download link (at the hub) for the e-policy of one of her policies."""
    return await request("POST", f"/v1/policies/{quote(policy_number, safe='')}/epolicy-link", json={},
                         customer=customer)


async def verify_document(policy_number: str, code: str) -> dict:
    return await request("POST", "/v1/documents/verify",
                         json={"policy_number": policy_number, "verification_code": code})


async def knowledge_search(question: str, language: str, k: int = 3, kind: str | None = None) -> dict:
    body: dict[str, str | int] = {"q": question, "language": language, "k": k}
    if kind:
        body["kind"] = kind
    return await request("POST", "/v1/knowledge/search", json=body)


async def knowledge_entry(language: str, entry_id: str) -> dict:
    return await request("GET", f"/v1/knowledge/entries/{language}/{quote(entry_id, safe='')}")


async def portfolio_summary(customer: Customer) -> dict:
    return await request("GET", _path(customer, "/summary"), customer=customer)


async def highlights(customer: Customer) -> dict:
    return await request("GET", _path(customer, "/highlights"), customer=customer)


async def reminder(reminder_id: str) -> dict:
    return await request("GET", f"/v1/reminders/{quote(reminder_id, safe='')}")


async def opt_out(customer_id: str, detail: str | None) -> dict:
    return await request("POST", f"/v1/customers/{customer_id}/opt-out",
                         json={"channels": "all", "source": "chat", "detail": detail})


async def renewal_payment(policy_number: str, customer: Customer) -> dict:
    return await request("POST", f"/v1/policies/{quote(policy_number, safe='')}/renewal-payments", json={},
                         customer=customer)


async def claim_update(event_id: str) -> dict:
    return await request("GET", f"/v1/claim-updates/{quote(event_id, safe='')}")
