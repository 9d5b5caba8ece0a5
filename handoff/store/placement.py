"""What the router reads and clears in Redis to place waiting requests (handoff/routing.py): the due timers,
the requests still to place, and what each was offered and to whom. The changes themselves (offer,
withdraw, escalate) are the scripts State runs."""

from __future__ import annotations

from typing import Any

from handoff.store.state import State


class Placement:
    def __init__(self, state: State) -> None:
        self.redis = state.redis
        self.keys = state.keys

    async def due_timers(self, now: float, limit: int = 200) -> list[str]:
        """Timer members due by now: `escalate|<rid>` and `offer|<rid>|<user>|<offer id>`."""
        return await self.redis.zrangebyscore(self.keys.timers, "-inf", now, start=0, num=limit)

    async def drop_timer(self, member: str) -> None:
        await self.redis.zrem(self.keys.timers, member)

    async def conversations_and_languages(self, rids: list[str]) -> list[tuple[str | None, str | None]]:
        """Each request's conversation and language (one round trip for all)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for rid in rids:
                pipe.hmget(self.keys.request(rid), "cid", "language")
            return [tuple(found) for found in await pipe.execute()]

    async def escalated(self) -> set[str]:
        return await self.redis.smembers(self.keys.escalated)

    async def to_place(self) -> tuple[list[str], set[str]]:
        """The requests nobody holds an offer for (oldest first), and the escalated ones."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrange(self.keys.pending, 0, -1)
            pipe.smembers(self.keys.escalated)
            pending, escalated = await pipe.execute()
        return pending, escalated

    async def offer_rounds(self, rids: list[str]) -> list[tuple[dict[str, Any], set[str], set[str]]]:
        """Each request, the agents it is offered to now, and those it was offered to this round."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for rid in rids:
                pipe.hgetall(self.keys.request(rid))
                pipe.hkeys(self.keys.offers(rid))
                pipe.smembers(self.keys.tried(rid))
            raw = await pipe.execute()
        return [(raw[3 * i], set(raw[3 * i + 1]), raw[3 * i + 2]) for i in range(len(rids))]

    async def new_round(self, rid: str) -> None:
        """Everyone was asked: start the round again."""
        await self.redis.delete(self.keys.tried(rid))
