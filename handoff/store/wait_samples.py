"""The recent offer -> accept and accept -> close times the wait estimate reads (handoff/wait_estimate.py)."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from handoff.store.keys import Keys

WINDOW_S = 1800  # samples older than this are not "recent"
SAMPLES = 50  # the latest this many at most, so a busy hour does not drown the last minutes


class WaitSamples:
    """The recent reaction and handling times, in Redis (shared by every hub worker)."""

    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def _add(self, key: str, rid: str, seconds: float) -> None:
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {f"{rid}|{seconds:.3f}": now})
            pipe.zremrangebyscore(key, 0, now - WINDOW_S)
            pipe.zremrangebyrank(key, 0, -SAMPLES - 1)
            await pipe.execute()

    async def _recent(self, key: str) -> list[float]:
        members = await self.redis.zrangebyscore(key, time.time() - WINDOW_S, "+inf")
        return [float(m.rsplit("|", 1)[1]) for m in members[-SAMPLES:]]

    async def reacted(self, rid: str, seconds: float) -> None:
        await self._add(self.keys.wait_reactions, rid, max(0.0, seconds))

    async def handled(self, rid: str, seconds: float) -> None:
        await self._add(self.keys.wait_handles, rid, max(0.0, seconds))

    async def reactions(self) -> list[float]:
        return await self._recent(self.keys.wait_reactions)

    async def handles(self) -> list[float]:
        return await self._recent(self.keys.wait_handles)
