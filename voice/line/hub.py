"""The handoff hub, as the voice line uses it (the hub's API: handoff/ and its docs/handoff_api.md).

The assistant's action queues a call (`POST /api/handoffs`, channel "voice") and its reply carries the hub's
answer, read here as a QueueTicket (`ticket_of`). HttpHub follows the call (`GET /api/conversations/{id}/
events` long poll: queue position, the agent joining, the agent's messages) and passes on what the
caller says (`POST /api/conversations/{id}/messages`) and what they choose on the keypad once the wait grows
long (`POST /api/conversations/{id}/choice`: a callback to the caller id, or keep holding). NoHub stands for a deployment without a hub:
the caller then hears the hotline from the assistant itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

logger = logging.getLogger(__name__)


@dataclass
class QueueTicket:
    request_id: str
    position: int | None
    estimated_wait_s: float | None


@dataclass
class QueueStatus:
    owner: str  # "queued" (waiting for an agent), "agent", "bot" (handed back or closed), or "unknown"
    position: int | None = None
    estimated_wait_s: float | None = None
    agent_name: str | None = None
    last_seq: int = 0


@dataclass
class HubEvents:
    events: list[dict[str, Any]] = field(default_factory=list)
    last_seq: int = 0
    status: QueueStatus = field(default_factory=lambda: QueueStatus("unknown"))


class HandoffHub(Protocol):
    async def status(self, conversation_id: str) -> QueueStatus: ...

    async def events(self, conversation_id: str, after: int, wait_s: float) -> HubEvents | None: ...

    async def send_message(self, conversation_id: str, text: str, client_msg_id: str) -> bool: ...

    async def choose(self, conversation_id: str, choice: str, caller_number: str | None) -> str: ...

    async def close(self) -> None: ...


class NoHub:
    async def status(self, conversation_id: str) -> QueueStatus:
        return QueueStatus("unknown")

    async def events(self, conversation_id: str, after: int, wait_s: float) -> HubEvents | None:
        return None

    async def send_message(self, conversation_id: str, text: str, client_msg_id: str) -> bool:
        return False

    async def choose(self, conversation_id: str, choice: str, caller_number: str | None) -> str:
        return "unavailable"

    async def close(self) -> None:
        return None


class HttpHub:
    def __init__(self, base_url: str, api_key: str | None = None, timeout_s: float = 5) -> None:
        # Accept the handoff URL the action server uses (…/api/handoffs) as well as the hub's root.
        self.base_url = base_url.rstrip("/").removesuffix("/api/handoffs")
        headers = {"X-API-Key": api_key} if api_key else {}
        self.client = httpx.AsyncClient(timeout=timeout_s, headers=headers)

    async def _call(self, method: str, path: str, timeout: float | None = None, **kwargs: Any) -> dict[str, Any] | None:
        try:
            response = await self.client.request(method, self.base_url + path,
                                                 timeout=timeout or self.client.timeout, **kwargs)
            response.raise_for_status()
            body = response.json()
            return body if isinstance(body, dict) else None
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("handoff hub %s %s failed: %r", method, path, exc)
            return None

    async def status(self, conversation_id: str) -> QueueStatus:
        body = await self._call("GET", f"/api/conversations/{conversation_id}/status")
        return status_of(body or {})

    async def events(self, conversation_id: str, after: int, wait_s: float) -> HubEvents | None:
        body = await self._call("GET", f"/api/conversations/{conversation_id}/events",
                                timeout=wait_s + 10, params={"after": after, "wait": int(wait_s)})
        if body is None:
            return None
        return HubEvents(list(body.get("events") or []), _int(body.get("last_seq")) or after,
                         status_of(body.get("status") or {}))

    async def send_message(self, conversation_id: str, text: str, client_msg_id: str) -> bool:
        body = await self._call("POST", f"/api/conversations/{conversation_id}/messages",
                                json={"text": text[:2000], "sender": "customer", "client_msg_id": client_msg_id})
        return body is not None

    async def choose(self, conversation_id: str, choice: str, caller_number: str | None) -> str:
        """A caller on hold chose on the keypad (callback or wait); the carrier's caller id goes with a callback,
        as the number to call. "ok", the hub's error code (e.g. "no_callback_number"), or "unavailable"."""
        try:
            response = await self.client.post(f"{self.base_url}/api/conversations/{conversation_id}/choice",
                                              json={"choice": choice, "caller_number": (caller_number or "")[:32]
                                                    or None})
        except httpx.HTTPError as exc:
            logger.warning("handoff hub choice failed: %r", exc)
            return "unavailable"
        if response.status_code == 200:
            return "ok"
        try:
            return str(response.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            return "unavailable"

    async def close(self) -> None:
        await self.client.aclose()


def ticket_of(answer: dict[str, Any]) -> QueueTicket | None:
    """The hub's answer to a handoff request (`POST /api/handoffs`); None without a request id: not queued."""
    if not answer.get("request_id"):
        return None
    return QueueTicket(str(answer["request_id"]), _int(answer.get("position")), _float(answer.get("estimated_wait_s")))


def status_of(body: dict[str, Any]) -> QueueStatus:
    owner = str(body.get("owner") or "unknown")
    return QueueStatus(owner if owner in ("queued", "agent", "bot") else "unknown", _int(body.get("position")),
                       _float(body.get("estimated_wait_s")), body.get("agent_name"), _int(body.get("last_seq")) or 0)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def make_hub(url: str | None, api_key: str | None) -> HandoffHub:
    return HttpHub(url, api_key) if url else NoHub()
