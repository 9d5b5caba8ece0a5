"""Talking to Rasa: the REST channel for the bot's turns, the tracker events API to pause/resume.
Every call carries the hub's credentials (a Rasa API token and the channel signature)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from service_auth.rasa_auth import RasaAuth

log = logging.getLogger("handoff.rasa")


class RasaClient:
    def __init__(self, base_url: str, auth: RasaAuth) -> None:
        self.base_url = base_url
        self.client = httpx.AsyncClient(auth=auth, timeout=httpx.Timeout(60, connect=5),
                                        limits=httpx.Limits(max_connections=50))

    async def close(self) -> None:
        await self.client.aclose()

    async def turn(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One customer message in, the bot's replies out. Raises httpx.HTTPError if Rasa fails."""
        response = await self.client.post(f"{self.base_url}/webhooks/rest/webhook",
                                          json={"sender": sender, "message": text, "metadata": metadata})
        response.raise_for_status()
        return response.json()

    async def _event(self, sender: str, name: str) -> bool:
        try:
            response = await self.client.post(f"{self.base_url}/conversations/{sender}/tracker/events",
                                              params={"include_events": "NONE"}, json={"event": name})
            response.raise_for_status()
            return True
        except httpx.HTTPError as exc:
            # The hub does not relay while a human owns the conversation anyway; the pause is a second lock.
            log.warning("rasa %s for %s failed: %r", name, sender, exc)
            return False

    async def pause(self, sender: str) -> bool:
        return await self._event(sender, "pause")

    async def resume(self, sender: str) -> bool:
        return await self._event(sender, "resume")

    async def verification(self, sender: str) -> tuple[str, str] | None:
        """The customer the bot verified in this conversation and the policy API's token for her (its
        slots), or None. Rasa's API takes only our token, so these slots were set by the bot's own
        actions, not by a caller; and the token is the policy API's to accept or refuse."""
        try:
            response = await self.client.get(f"{self.base_url}/conversations/{sender}/tracker",
                                             params={"include_events": "NONE"}, timeout=5)
            response.raise_for_status()
            slots = response.json().get("slots") or {}
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa tracker of %s unreadable, customer unverified: %r", sender, exc)
            return None
        customer, token = slots.get("customer_id"), slots.get("customer_token")
        if slots.get("verified") is not True or not customer or not token:
            return None
        return str(customer), str(token)

    async def verified_customer(self, sender: str) -> str | None:
        found = await self.verification(sender)
        return found[0] if found else None

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation's tracker events (its current session). Raises httpx.HTTPError if Rasa fails."""
        response = await self.client.get(f"{self.base_url}/conversations/{sender}/tracker",
                                         params={"include_events": "ALL"}, timeout=10)
        response.raise_for_status()
        return response.json().get("events") or []

    async def paused(self, sender: str) -> bool | None:
        response = await self.client.get(f"{self.base_url}/conversations/{sender}/tracker",
                                         params={"include_events": "NONE"})
        if response.status_code != 200:
            return None
        return bool(response.json().get("paused"))
