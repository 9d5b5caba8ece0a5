"""The event record's settings, from the environment (built once at start, passed down)."""

from __future__ import annotations

from desk_config.base import SecretCheckedSettings, secret, setting
from desk_config.shared import DEFAULT_EVENTS_URL
from service_figures.settings import EventsUrl


class RecordSettings(SecretCheckedSettings):
    rabbitmq_host: str = setting("RABBITMQ_HOST", "127.0.0.1", "RabbitMQ host Rasa publishes its events to.")
    rabbitmq_port: int = setting("RABBITMQ_PORT", 5672, "RabbitMQ port.")
    rabbitmq_user: str = setting("RABBITMQ_USER", "desk", "RabbitMQ user of the event record.")
    rabbitmq_password: str = secret("RABBITMQ_PASSWORD", "RabbitMQ password of that user.")
    queue: str = setting("EVENT_RECORD_QUEUE", "desk_events",
                         "Durable queue Rasa's broker declares and the event record consumes (bot/endpoints*.yml).")
    exchange: str = setting("EVENT_RECORD_EXCHANGE", "rasa-exchange", "Fanout exchange Rasa publishes to.")
    events_url: EventsUrl = setting("RASA_EVENTS_URL", DEFAULT_EVENTS_URL,
                                    "SQLAlchemy URL of the database the events table is in.")
    batch_max: int = setting("EVENT_RECORD_BATCH_MAX", 200,
                             "Messages written in one transaction at most (and taken unacknowledged).", ge=1)
    batch_wait_s: float = setting("EVENT_RECORD_BATCH_WAIT_S", 0.05,
                                  "Seconds a partial batch waits for more messages before it is written.", gt=0)
