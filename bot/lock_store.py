"""Rasa's Redis lock store, with each change of a conversation's lock made atomically: safe with replicas.

Rasa Open Source 3.6's RedisLockStore reads a conversation's lock (its queue of tickets), changes it in the
replica's memory and writes it back. One Rasa process does that one message at a time; two replicas do not.
When two messages of one conversation reach two replicas together, both can read the same queue: both get the
same ticket and are handled at once, or one replica's write undoes the other's, and a finished message's
ticket comes back, so the next message waits until that ticket expires (60 s). Rasa Pro ships a
ConcurrentRedisLockStore for this. Here each read-change-write is one Redis transaction (WATCH/MULTI), which
redis-py retries when another replica changed the lock in between; the ticket algorithm is Rasa's own.

Configured in bot/endpoints.docker.yml as `type: bot.lock_store.AtomicRedisLockStore` with the options of
Rasa's `type: redis`.
"""

from __future__ import annotations

import json
from typing import Callable

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.client import Pipeline


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]) -> None:
        """Apply `change` to the conversation's lock as one transaction; a lock it returns as None is deleted."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Pipeline) -> None:
            stored = pipe.get(key)
            changed = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())

        self.red.transaction(attempt, key)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def add_ticket(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued[:] = [lock.issue_ticket(lock_lifetime)]  # an attempt retried starts again from the stored lock
            return lock

        try:
            self._change(conversation_id, add_ticket)
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc
        return issued[0]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the finished ticket, and the lock with it when no other message is waiting: in one step, so a
        message that queued in between always finds its ticket."""

        def finish(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._change(conversation_id, finish)
