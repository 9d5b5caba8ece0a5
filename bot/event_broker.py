"""Rasa's event record (SQL table `events`, read by service_figures/), kept without personal data:
every event is scrubbed before it is written (privacy.scrub: phone, ID and card numbers and e-policy
codes masked wherever they appear, in the text, the parsed entities or slot values; the app token
dropped from any metadata; the customer token slot's value withheld). Configured in bot/endpoints*.yml as `type: bot.event_broker.MaskingSQLEventBroker`
with the same options as Rasa's own `type: SQL`.

Runs in the Rasa venv: privacy/ needs only spaCy, which Rasa already carries.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker

from privacy.records import scrub

# Identifiers in Rasa's events, kept as they are: the figures group by conversation, and a random id
# (web-85cf…, voice-…) may hold a run of digits shaped like a phone number.
IDENTIFIERS = frozenset({"sender_id", "message_id", "model_id", "assistant_id", "event", "name", "policy",
                         "input_channel"})


# Slots that hold a credential (the customer token the policy API signed): the events table keeps
# that the slot was set, not its value.
CREDENTIAL_SLOTS = frozenset({"customer_token"})


def _without_credentials(event: dict[str, Any]) -> dict[str, Any]:
    if event.get("event") == "slot" and event.get("name") in CREDENTIAL_SLOTS and event.get("value"):
        return {**event, "value": "[redacted]"}
    return event


class MaskingSQLEventBroker(SQLEventBroker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's engine would put a failed insert's parameters (the event) in the error it logs.
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(url, hide_parameters=True)
        self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    def publish(self, event: dict[str, Any]) -> None:
        super().publish(scrub(_without_credentials(event), keep=IDENTIFIERS))
