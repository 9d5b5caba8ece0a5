"""The hub's connection to Redis (one blocking pool per process, opened at start and closed at the end) and
the stores built on it."""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from handoff.settings import Settings
from handoff.store.events import EventBus
from handoff.store.keys import Keys
from handoff.store.marks import Marks
from handoff.store.state import State
from handoff.store.wait_samples import WaitSamples
from service_auth.lockout import Lockout, LockoutPolicy

# What a route or worker catches when Redis is down or refuses (handoff/errors.py answers 503).
StoreError = RedisError


async def connect(settings: Settings) -> aioredis.Redis:
    # A blocking pool: under a burst, callers wait for a free connection instead of failing.
    pool = aioredis.BlockingConnectionPool.from_url(settings.redis_url, decode_responses=True, max_connections=64,
                                                    timeout=20, health_check_interval=30)
    redis = aioredis.Redis(connection_pool=pool)
    await redis.ping()
    return redis


async def close(redis: aioredis.Redis) -> None:
    await redis.aclose()


def sign_in_lockout(settings: Settings, kind: str, policy: LockoutPolicy, secret: str) -> Lockout:
    """A console sign-in lockout (service_auth/lockout.py): its own connection to the hub's Redis."""
    return Lockout(settings.redis_url, Keys(settings.prefix).sign_in(kind), policy, secret)


@dataclass
class Stores:
    """Everything the hub keeps in Redis, over one connection."""

    state: State
    bus: EventBus
    marks: Marks
    wait_samples: WaitSamples

    @classmethod
    def over(cls, redis: aioredis.Redis, settings: Settings) -> Stores:
        state = State(redis, settings)
        return cls(state, EventBus(redis, state.keys), Marks(redis, state.keys), WaitSamples(redis, state.keys))
