"""What every action needs from one turn: the customer's language, words and entities, and a way to reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import MESSAGES
from common import i18n
from common.language import supported


@dataclass
class Turn:
    dispatcher: CollectingDispatcher
    tracker: Tracker
    # When a request resumes after the identity check, the message that made it.
    request_text: str | None = None

    @property
    def language(self) -> str:
        return supported(self.tracker.get_slot("language"))

    @property
    def text(self) -> str:
        return self.request_text or self.tracker.latest_message.get("text") or ""

    @property
    def intent(self) -> str | None:
        return (self.tracker.latest_message.get("intent") or {}).get("name")

    @property
    def metadata(self) -> dict[str, Any]:
        return self.tracker.latest_message.get("metadata") or {}

    def entity(self, name: str) -> str | None:
        value = next(self.tracker.get_latest_entity_values(name), None)
        return str(value) if value is not None else None

    def t(self, key: str, **values: Any) -> str:
        return i18n.text(MESSAGES, key, self.language, **values)

    def say(self, key: str, *, buttons: list[dict] | None = None, **values: Any) -> None:
        self.dispatcher.utter_message(text=self.t(key, **values), buttons=buttons or [])

    def say_offering_human(self, key: str, **values: Any) -> None:
        """A message with a "talk to an agent" button (outages, failed checks)."""
        self.say(key, buttons=[self.button("button_human", "/request_human")], **values)

    def button(self, key: str, payload: str) -> dict[str, str]:
        return {"title": self.t(key), "payload": payload}

    def yes_no_buttons(self) -> list[dict[str, str]]:
        return [self.button("button_yes", "/affirm"), self.button("button_no", "/deny")]

    def label(self, table: i18n.Catalogue, key: str) -> str:
        return i18n.label(table, key, self.language)

    def product(self, record: dict) -> str:
        return record.get(f"product_name_{self.language}") or record.get("product_name_zh", "")
