"""The app channel: the reminder goes into the customer's app chat (conversation `app-<customer_id>`)
through the hub, which triggers the reminder's external intent in Rasa and shows the bot's message."""

from __future__ import annotations

from typing import Any, Protocol

import httpx


class AppUnavailable(Exception):
    """The hub or Rasa cannot take it now; the delivery is retried on the next pass."""


class AppRefused(Exception):
    """The hub refused the event (bad request): retrying will not help."""


class AppChannel(Protocol):
    def deliver(self, customer_id: str, intent: str, entities: dict[str, Any], idempotency_key: str) -> None: ...


def conversation_id(customer_id: str) -> str:
    return f"app-{customer_id}"


class HubAppChannel:
    def __init__(self, hub_url: str, api_key: str | None = None, timeout_s: float = 30) -> None:
        self.hub_url = hub_url.rstrip("/")
        self.headers = {"X-API-Key": api_key} if api_key else {}
        self.timeout_s = timeout_s

    def deliver(self, customer_id: str, intent: str, entities: dict[str, Any], idempotency_key: str) -> None:
        url = f"{self.hub_url}/api/conversations/{conversation_id(customer_id)}/external"
        body = {"intent": intent, "entities": entities, "idempotency_key": idempotency_key}
        try:
            response = httpx.post(url, json=body, headers=self.headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            raise AppUnavailable(f"hub unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code in (404, 409, 429):
            # 404: an older hub without the endpoint; 409: an agent has the chat or the event is in progress.
            raise AppUnavailable(f"hub answered {response.status_code}")
        if response.status_code >= 400:
            raise AppRefused(f"hub answered {response.status_code}: {response.text[:120]}")
