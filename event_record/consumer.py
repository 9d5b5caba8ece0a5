"""The queue loop: take up to `batch_max` messages, write them in one transaction, then acknowledge.

A message is acknowledged only after the batch holding it is committed, so a consumer killed at any
moment loses nothing: what it had not acknowledged is delivered again (to it after a restart, or to
another consumer), and store.write skips what was already committed. A batch the database refused
is handed back to the queue (nack, requeue) and tried again after a pause.
"""

from __future__ import annotations

import logging
import threading
import time

import pika
import pika.exceptions
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from event_record import store
from event_record.settings import RecordSettings

log = logging.getLogger(__name__)

RETRY_S = 2.0
PRUNE_EVERY_S = 3600.0


def _connect(settings: RecordSettings) -> pika.BlockingConnection:
    credentials = pika.PlainCredentials(settings.rabbitmq_user, settings.rabbitmq_password)
    return pika.BlockingConnection(pika.ConnectionParameters(
        settings.rabbitmq_host, settings.rabbitmq_port, credentials=credentials, heartbeat=30,
        connection_attempts=1))


def _declare(channel: pika.adapters.blocking_connection.BlockingChannel, settings: RecordSettings) -> None:
    """The same exchange and queue Rasa's broker declares (a fanout exchange, not durable, as aio-pika's
    default; a durable queue), whichever of the two starts first: no event published before the
    consumer ever ran is lost."""
    channel.exchange_declare(settings.exchange, exchange_type="fanout", durable=False)
    channel.queue_declare(settings.queue, durable=True)
    channel.queue_bind(settings.queue, settings.exchange)
    channel.basic_qos(prefetch_count=settings.batch_max)


def _consume(connection: pika.BlockingConnection, engine: Engine, settings: RecordSettings,
             stop: threading.Event) -> None:
    channel = connection.channel()
    _declare(channel, settings)
    log.info("consuming %s into the events table", settings.queue)
    batch: list[tuple[int, bytes]] = []
    pruned = time.monotonic()
    for method, _properties, body in channel.consume(settings.queue, inactivity_timeout=settings.batch_wait_s):
        if method is not None:
            batch.append((method.delivery_tag, body))
            if len(batch) < settings.batch_max:
                continue
        if batch:
            last_tag = batch[-1][0]
            try:
                store.write(engine, [body for _, body in batch])
            except SQLAlchemyError as error:
                log.error("the events database refused a batch of %d (%s); handed back, retrying",
                          len(batch), type(error).__name__)
                channel.basic_nack(last_tag, multiple=True, requeue=True)
                time.sleep(RETRY_S)
            else:
                channel.basic_ack(last_tag, multiple=True)
            batch = []
        if stop.is_set():
            break
        if time.monotonic() - pruned > PRUNE_EVERY_S:
            store.prune_receipts(engine)
            pruned = time.monotonic()
    channel.cancel()  # unacknowledged messages (none: the batch was settled above) go back to the queue


def run(settings: RecordSettings, engine: Engine, stop: threading.Event | None = None) -> None:
    """Consume until `stop` is set; reconnects to RabbitMQ for as long as it is away."""
    stop = stop or threading.Event()
    store.create_tables(engine)
    store.prune_receipts(engine)
    while not stop.is_set():
        try:
            connection = _connect(settings)
        except pika.exceptions.AMQPConnectionError as error:
            log.warning("RabbitMQ at %s:%s not reachable (%s); retrying in %.0f s", settings.rabbitmq_host,
                        settings.rabbitmq_port, type(error).__name__, RETRY_S)
            stop.wait(RETRY_S)
            continue
        try:
            _consume(connection, engine, settings, stop)
        except pika.exceptions.AMQPError as error:
            log.warning("lost RabbitMQ (%s); unacknowledged events will be delivered again", type(error).__name__)
            stop.wait(RETRY_S)
        finally:
            if connection.is_open:
                connection.close()
