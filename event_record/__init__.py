"""The conversation record: Rasa's events, consumed from RabbitMQ into the `events` table.

Rasa publishes every tracker event, already masked (bot/event_broker.py), to a fanout exchange; this
service (`python -m event_record`) takes them from its durable queue and writes them to the table that
the service figures, a customer's export and erasure and the retention job read (privacy/rasa_events.py:
id, sender_id, data as JSON). Off Rasa's request path: a turn no longer waits for a database write.

- settings.py: where the queue and the database are (environment).
- store.py: one batch of messages written once, whatever RabbitMQ redelivers.
- consumer.py: the queue loop; a message is acknowledged only after its batch is committed.
"""
