"""One turn of a conversation, in process, as RasaHQ/financial-demo tests its actions: a tracker from a dict
(`Tracker.from_dict`), the action run with a `CollectingDispatcher`, and what the customer would see.

The tracker carries every slot of the domain (bot/domain/*.yml) at its initial value, the latest message
(text, intent, entities, metadata) and the message's `user` event, as Rasa sends them to the action server.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN_DIR = Path(__file__).resolve().parents[3] / "bot" / "domain"


def _domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"slots": {}, "forms": {}}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["slots"].update(part.get("slots") or {})
        merged["forms"].update(part.get("forms") or {})
    return merged


DOMAIN = _domain()
# requested_slot: Rasa's own, which forms set.
INITIAL_SLOTS = {"requested_slot": None, **{name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}}
_timestamps = itertools.count(1_764_990_000)
UNSET = object()


def tracker(text: str = "", intent: str | None = None, *, slots: dict[str, Any] | None = None,
            entities: dict[str, str] | None = None, metadata: dict[str, Any] | None = None,
            sender: str = "chat-test-1", history: list[dict[str, Any]] | None = None, form: str | None = None,
            **message: Any) -> Tracker:
    """The conversation as Rasa hands it to an action after the customer said `text` (read as `intent`), with
    `form` the active form, if any."""
    unknown = set(slots or {}) - set(INITIAL_SLOTS)
    assert not unknown, f"not slots of the domain: {unknown}"
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.98} if intent else {},
              "entities": [{"entity": name, "value": value} for name, value in (entities or {}).items()],
              "metadata": metadata or {}, **message}
    said = {"event": "user", "timestamp": float(next(_timestamps)), "text": text, "parse_data": latest,
            "metadata": metadata or {}}
    return Tracker.from_dict({
        "sender_id": sender, "slots": {**INITIAL_SLOTS, **(slots or {})}, "latest_message": latest,
        "events": [*(history or []), said], "paused": False, "followup_action": None,
        "active_loop": {"name": form} if form else {},
        "latest_action_name": "action_listen",
    })


def said(speaker: str, text: str) -> dict[str, Any]:
    """An earlier message of the conversation, for `history`: speaker "user" or "bot"."""
    return {"event": speaker, "timestamp": float(next(_timestamps)), "text": text}


@dataclass
class Outcome:
    """What one action did: the events it returned and the messages it sent."""

    events: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("text")]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def slots(self) -> dict[str, Any]:
        """Each slot the action set, at the value it set last."""
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}

    def slot(self, name: str) -> Any:
        return self.slots.get(name, UNSET)

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self.messages if m.get("custom")]

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]


def run(action: Action, conversation: Tracker) -> Outcome:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, conversation, DOMAIN))
    return Outcome(list(events), dispatcher.messages)
