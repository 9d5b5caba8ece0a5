"""Queueing a call with the handoff hub, behind a small interface.

HttpHub talks to the hub's HTTP API (see the hub's docs/handoff_api.md); NoHub stands for a
deployment without a hub: the caller then hears the hotline from the assistant itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
    state: str  # "queued", "assigned" (an agent took it), "closed", or "unknown"
    position: int | None = None
    estimated_wait_s: float | None = None


class HandoffHub(Protocol):
    async def request(self, handoff: dict[str, Any]) -> QueueTicket | None: ...

    async def status(self, conversation_id: str) -> QueueStatus: ...

    async def close(self) -> None: ...


class NoHub:
    async def request(self, handoff: dict[str, Any]) -> QueueTicket | None:
        return None

    async def status(self, conversation_id: str) -> QueueStatus:
        return QueueStatus("unknown")

    async def close(self) -> None:
        return None


class HttpHub:
    def __init__(self, base_url: str, timeout_s: float = 5) -> None:
        # Accept the handoff URL the action server uses (…/api/handoffs) as well as the hub's root.
        self.base_url = base_url.rstrip("/").removesuffix("/api/handoffs")
        self.client = httpx.AsyncClient(timeout=timeout_s)

    async def request(self, handoff: dict[str, Any]) -> QueueTicket | None:
        try:
            response = await self.client.post(f"{self.base_url}/api/handoffs", json=handoff)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("handoff hub unreachable: %r", exc)
            return None
        return QueueTicket(str(body.get("request_id", "")), _int(body.get("position")),
                           _float(body.get("estimated_wait_s")))

    async def status(self, conversation_id: str) -> QueueStatus:
        try:
            response = await self.client.get(f"{self.base_url}/api/conversations/{conversation_id}/status")
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("handoff hub status failed: %r", exc)
            return QueueStatus("unknown")
        return QueueStatus(_state(body), _int(body.get("position")), _float(body.get("estimated_wait_s")))

    async def close(self) -> None:
        await self.client.aclose()


def _state(body: dict[str, Any]) -> str:
    raw = str(body.get("state") or body.get("status") or "").lower()
    if raw in ("queued", "waiting", "pending"):
        return "queued"
    if raw in ("assigned", "active", "accepted", "connected", "in_progress"):
        return "assigned"
    if raw in ("closed", "resolved", "ended", "cancelled", "abandoned"):
        return "closed"
    return "unknown"


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


def make_hub(url: str | None) -> HandoffHub:
    return HttpHub(url) if url else NoHub()
