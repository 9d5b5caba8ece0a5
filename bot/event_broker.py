"""Rasa's events to RabbitMQ, without personal data and without holding up a turn.

Configured in bot/endpoints*.yml as `type: bot.event_broker.MaskingPikaEventBroker` with the options
of Rasa's own Pika broker. The event record (`python -m event_record`) consumes the queue into the
`events` table that the service figures, a customer's export and erasure read.

The events Rasa publishes together (a turn's, saved at once) go as one message, a JSON list: RabbitMQ
spends about 0.6 ms of CPU on each persistent, confirmed message (0.35 ms for one of ten events), so a
message per event cost a greeting turn ~5 ms on the cores Rasa shares with it, one per turn ~0.4 ms.

Every event is scrubbed before it is published (privacy.scrub: phone, ID and card numbers and
e-policy codes masked in the text, the parsed entities or slot values; the app token dropped; the
customer token slot's value withheld). Masking here rather than in the consumer because RabbitMQ
writes persistent messages to disk: an unmasked queue would be a store of personal data. It costs
the turn little: scrubbing a greeting turn's events takes about 0.1 ms, a policy lookup's 0.2 ms
(spaCy only runs on strings with a digit), against 30-40 ms for the turn; the SQL broker this
replaces spent about 3 ms per event writing SQLite on the request path.

Rasa's own broker connects at start-up for up to 20 attempts and stops Rasa if RabbitMQ stays away;
while it is not connected it drops events. This one starts answering at once, connects in the
background until it succeeds, and keeps the events published meanwhile in memory (bounded by
`max_unpublished` messages, oldest dropped first, with a warning) to send them once connected. Events kept
in memory are lost if Rasa itself stops before RabbitMQ is back.

Runs in the Rasa venv: privacy/ needs only spaCy, which Rasa already carries.
"""

from __future__ import annotations

import asyncio
import logging
from asyncio import AbstractEventLoop
from collections import deque
from typing import Any

from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

from privacy.records import scrub

log = logging.getLogger(__name__)

# Identifiers in Rasa's events, kept as they are: the figures group by conversation, and a random id
# (web-85cf…, voice-…) may hold a run of digits shaped like a phone number.
IDENTIFIERS = frozenset({"sender_id", "message_id", "model_id", "assistant_id", "event", "name", "policy",
                         "input_channel"})

# Slots that hold a credential (the customer token the policy API signed): the events table keeps
# that the slot was set, not its value.
CREDENTIAL_SLOTS = frozenset({"customer_token"})

# Messages (a turn's events each): over an hour of a busy desk (20 turns/s), some 100 MB of memory at most.
DEFAULT_MAX_UNPUBLISHED = 100_000


def masked(event: dict[str, Any]) -> dict[str, Any]:
    """The event as it may be kept: personal numbers masked, app token dropped, credentials withheld."""
    if event.get("event") == "slot" and event.get("name") in CREDENTIAL_SLOTS and event.get("value"):
        event = {**event, "value": "[redacted]"}
    return scrub(event, keep=IDENTIFIERS)


class MaskingPikaEventBroker(PikaEventBroker):
    def __init__(self, *args: Any, max_unpublished: int = DEFAULT_MAX_UNPUBLISHED, **kwargs: Any) -> None:
        # One attempt per round of _connect_until_connected (Rasa's default is 20 in a row, 5 s apart).
        kwargs.setdefault("connection_attempts", 1)
        super().__init__(*args, **kwargs)
        self._unpublished_events = deque(maxlen=int(max_unpublished))
        self._connecting: asyncio.Task | None = None
        self._pending: list[dict[str, Any]] = []

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None,
                                   event_loop: AbstractEventLoop | None = None) -> MaskingPikaEventBroker | None:
        if broker_config is None:
            return None
        broker = cls(broker_config.url, **broker_config.kwargs, event_loop=event_loop)
        broker._connecting = broker._loop.create_task(broker._connect_until_connected())
        return broker

    async def _connect_until_connected(self) -> None:
        while True:
            try:
                await self.connect()
                break
            except Exception as error:  # any failure while RabbitMQ is away; it is retried, never fatal
                log.warning("RabbitMQ at %s:%s not reachable (%s); events are kept in memory (%d) and "
                            "sent once it is", self.host, self.port, error, len(self._unpublished_events))
                await asyncio.sleep(self._retry_delay_in_seconds)
        self._publish_unpublished_messages()

    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Masks the event now and sends it with the others published in the same turn of the event loop."""
        if not self._pending:
            self._loop.call_soon(self._send_pending)
        self._pending.append(masked(event))

    def _send_pending(self) -> None:
        batch, self._pending = self._pending, []
        super().publish(batch)  # type: ignore[arg-type]  # a list of events: one message

    def _publish_unpublished_messages(self, *_: Any, **__: Any) -> None:
        # The messages kept were masked when they were first published: sent as they are.
        while self._unpublished_events:
            super().publish(self._unpublished_events.popleft())

    async def _publish(self, event: Any, headers: dict[str, str] | None = None) -> None:
        if self._exchange is None:  # not connected yet: Rasa's broker would drop the message here
            self._keep(event)
            return
        await super()._publish(event, headers)

    def _keep(self, message: Any) -> None:
        if len(self._unpublished_events) == self._unpublished_events.maxlen:
            log.warning("RabbitMQ away for long: the oldest unpublished message is dropped (%d kept)",
                        len(self._unpublished_events))
        self._unpublished_events.append(message)

    async def close(self) -> None:
        if self._connecting and not self._connecting.done():
            self._connecting.cancel()
        await super().close()
