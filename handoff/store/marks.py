"""One-use marks, counters and short-lived values beside the live state: an external event's delivery, an
e-policy link's one use, failed 验真 checks per address, open callbacks' full numbers, the install's chat key."""

from __future__ import annotations

import secrets

import redis.asyncio as aioredis

from handoff.store.keys import Keys


class Marks:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    # --- external events (handoff/external_events.py) -------------------------------------------------
    async def start_external(self, cid: str, idempotency_key: str, ttl_s: int) -> bool:
        """Mark the event in delivery; False if it is being delivered or was delivered already."""
        return bool(await self.redis.set(self.keys.external_event(cid, idempotency_key), "pending", nx=True,
                                         ex=ttl_s))

    async def external_delivered(self, cid: str, idempotency_key: str) -> bool:
        return await self.redis.get(self.keys.external_event(cid, idempotency_key)) == "done"

    async def finish_external(self, cid: str, idempotency_key: str, ttl_s: int) -> None:
        await self.redis.set(self.keys.external_event(cid, idempotency_key), "done", ex=ttl_s)

    async def drop_external(self, cid: str, idempotency_key: str) -> None:
        """Delivery failed: the sender may send it again."""
        await self.redis.delete(self.keys.external_event(cid, idempotency_key))

    # --- e-policy links and checks (handoff/api/epolicy.py) ------------------------------------------
    async def use_epolicy_link(self, link_id: str, ttl_s: int) -> bool:
        """The link's one use, across every hub worker: SET NX; False if it was used."""
        return bool(await self.redis.set(self.keys.epolicy_link(link_id), "1", nx=True, ex=ttl_s))

    async def free_epolicy_link(self, link_id: str) -> None:
        await self.redis.delete(self.keys.epolicy_link(link_id))

    async def verify_failures(self, address_key: str) -> int:
        return int(await self.redis.get(self.keys.verify_failures(address_key)) or 0)

    async def count_verify_failure(self, address_key: str, window_s: int) -> None:
        failures = self.keys.verify_failures(address_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.incr(failures).expire(failures, window_s).execute()

    # --- callbacks (handoff/callbacks.py) -------------------------------------------------------------
    async def keep_callback_number(self, callback_id: str, number: str, ttl_s: int) -> None:
        await self.redis.set(self.keys.callback_number(callback_id), number, ex=ttl_s)

    async def callback_number(self, callback_id: str) -> str | None:
        return await self.redis.get(self.keys.callback_number(callback_id))

    async def forget_callback_number(self, callback_id: str) -> None:
        await self.redis.delete(self.keys.callback_number(callback_id))

    # --- the chat key (handoff/chat_sessions.py) ------------------------------------------------------
    async def chat_key(self) -> bytes:
        """The install's chat key: created on the first start (SET NX), the same for every worker after."""
        await self.redis.set(self.keys.chat_key, secrets.token_urlsafe(32), nx=True)
        return (await self.redis.get(self.keys.chat_key)).encode()
