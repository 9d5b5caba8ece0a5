"""The same Rasa assistant the chat uses, over its REST channel and HTTP API, with the gateway's credentials.

A call's turn is one request to the REST channel: its reply holds all the call needs, the texts, the buttons
and the custom payloads, among them the handoff the assistant's action reports (actions/handoff.py), so the
caller waits for no second request. The intent Rasa read is on Rasa's own record of the conversation (the
call id; the figures read it there); only `POST /utterance`, whose answer gives it, reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from service_auth.rasa_auth import RasaAuth
from voice.line.hub import QueueTicket, ticket_of


@dataclass
class Handoff:
    """This turn handed the conversation to a person. ticket: what the hub answered when the action queued
    it; None when it was not queued (no hub, or none reachable): the assistant's reply gave the hotline."""

    reason: str
    ticket: QueueTicket | None = None


@dataclass
class Reply:
    texts: list[str]
    buttons: list[dict[str, str]]  # the last message's buttons: {title, payload}
    custom: list[dict[str, Any]] = field(default_factory=list)
    handoff: Handoff | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def handoff_reason(self) -> str | None:
        return self.handoff.reason if self.handoff else None


class AssistantUnavailable(Exception):
    pass


class Assistant:
    def __init__(self, rasa_url: str, auth: RasaAuth, timeout_s: float = 30) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.client = httpx.AsyncClient(auth=auth, timeout=timeout_s)

    async def close(self) -> None:
        await self.client.aclose()

    async def set_language(self, sender: str, language: str) -> None:
        """The call's language fixes the conversation's: a keyed number alone carries none."""
        try:
            response = await self.client.post(f"{self.rasa_url}/conversations/{sender}/tracker/events",
                                              json={"event": "slot", "name": "language", "value": language})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise AssistantUnavailable(str(exc)) from exc

    async def send(self, sender: str, message: str, language: str) -> Reply:
        # Speech is text: never flagged as a button payload, so Rasa reads a spoken "/..." as words.
        body = {"sender": sender, "message": message, "metadata": {"channel": "voice", "language": language}}
        try:
            response = await self.client.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AssistantUnavailable(str(exc)) from exc
        if not messages:  # Rasa answered nothing: its action server or the policy API is down
            raise AssistantUnavailable("no reply from the assistant")
        return reply_of(messages)

    async def latest_intent(self, sender: str) -> str | None:
        """The intent Rasa read in the conversation's last message (the tracker without its events)."""
        try:
            response = await self.client.get(f"{self.rasa_url}/conversations/{sender}/tracker",
                                             params={"include_events": "NONE"})
            response.raise_for_status()
            state = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AssistantUnavailable(str(exc)) from exc
        return ((state.get("latest_message") or {}).get("intent") or {}).get("name")

    async def parse(self, text: str) -> str | None:
        """The intent the model reads in a text (no dialogue), for the agreement figure."""
        response = await self.client.post(f"{self.rasa_url}/model/parse", json={"text": text})
        response.raise_for_status()
        return (response.json().get("intent") or {}).get("name")


def reply_of(messages: list[dict[str, Any]]) -> Reply:
    """The REST channel's messages as one reply."""
    texts = [m["text"] for m in messages if m.get("text")]
    buttons = next((m["buttons"] for m in reversed(messages) if m.get("buttons")), [])
    custom = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    return Reply(texts, buttons, custom, handoff_of(custom))


def handoff_of(custom: list[dict[str, Any]]) -> Handoff | None:
    """The handoff the assistant's action reported in this reply (its `handoff` payload), if it did."""
    payload = next((c for c in reversed(custom) if c.get("type") == "handoff"), None)
    if payload is None or not payload.get("reason"):
        return None
    return Handoff(str(payload["reason"]), ticket_of(payload) if payload.get("queued") is True else None)
