"""`python -m event_record`: consume Rasa's events from RabbitMQ into the events table until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from desk_db.engine import make_engine
from event_record.consumer import run
from event_record.settings import RecordSettings
from observability import logs
from service_auth.env_secrets import check_secrets


def main() -> None:
    logs.configure("event_record")
    logging.getLogger("pika").setLevel(logging.WARNING)  # its INFO is every socket state change
    settings = RecordSettings()
    check_secrets(settings)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()  # the batch in hand is written and acknowledged, then the loop ends

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    run(settings, make_engine(settings.events_url), stop)


if __name__ == "__main__":
    main()
