"""The same Rasa assistant the chat uses, over its REST channel and HTTP API, with the gateway's credentials."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from service_auth.rasa_auth import RasaAuth


@dataclass
class Reply:
    texts: list[str]
    buttons: list[dict[str, str]]  # the last message's buttons: {title, payload}
    intent: str | None = None
    handoff_reason: str | None = None  # set when this turn handed the conversation to a person
    custom: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


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
            tracker = await self.client.get(f"{self.rasa_url}/conversations/{sender}/tracker",
                                            params={"include_events": "AFTER_RESTART"})
            tracker.raise_for_status()
        except (httpx.HTTPError, ValueError) as exc:
            raise AssistantUnavailable(str(exc)) from exc
        if not messages:  # Rasa answered nothing: its action server or the policy API is down
            raise AssistantUnavailable("no reply from the assistant")
        texts = [m["text"] for m in messages if m.get("text")]
        buttons = next((m["buttons"] for m in reversed(messages) if m.get("buttons")), [])
        custom = [m["custom"] for m in messages if m.get("custom")]
        state = tracker.json()
        intent = ((state.get("latest_message") or {}).get("intent") or {}).get("name")
        return Reply(texts, buttons, intent, handoff_in_last_turn(state.get("events") or []), custom)

    async def parse(self, text: str) -> str | None:
        """The intent the model reads in a text (no dialogue), for the agreement figure."""
        response = await self.client.post(f"{self.rasa_url}/model/parse", json={"text": text})
        response.raise_for_status()
        return (response.json().get("intent") or {}).get("name")


def handoff_in_last_turn(events: list[dict[str, Any]]) -> str | None:
    """The handoff reason if the actions after the last user message set `handoff_reason`."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    for event in events[last_user + 1:]:
        if event.get("event") == "slot" and event.get("name") == "handoff_reason" and event.get("value"):
            return str(event["value"])
    return None
