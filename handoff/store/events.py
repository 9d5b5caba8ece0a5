"""Live events: Redis pub/sub fanned out to the WebSockets of this hub process.

Channels (after the prefix): `conv:<cid>` (transcript entries and status of one conversation),
`user:<username>` (offers and assignments of one agent), `sup` (alerts for supervisors).
A subscriber to `conv:*` gets every conversation's events (supervisors).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, AsyncIterator, Callable

import redis.asyncio as aioredis

from handoff.store.keys import Keys

log = logging.getLogger("handoff.events")
QUEUE_LIMIT = 2000


class Subscription:
    def __init__(self, bus: EventBus, on_event: Callable[[Subscription, dict[str, Any]], None] | None = None) -> None:
        self.bus = bus
        # Called with each event as it is handed on, before it is queued: a change of the channels made here
        # holds for the very next event published, not only once the consumer has read this one.
        self.on_event = on_event
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_LIMIT)
        self.channels: set[str] = set()
        self.overflowed = False

    def add(self, channel: str) -> None:
        self.channels.add(channel)
        self.bus.local.setdefault(channel, set()).add(self)

    def remove(self, channel: str) -> None:
        self.channels.discard(channel)
        self.bus.local.get(channel, set()).discard(self)

    def close(self) -> None:
        for channel in list(self.channels):
            self.remove(channel)

    async def next_event(self, timeout_s: float) -> dict[str, Any] | None:
        """The next event, or None when none came within timeout_s (the socket's loop then does its periodic checks)."""
        try:
            async with asyncio.timeout(timeout_s):  # not wait_for: on 3.11 it can swallow the socket's cancel
                return await self.queue.get()
        except TimeoutError:
            return None

    def deliver(self, event: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(self, event)
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            # A stuck client: it is told to reconnect, and catches up from the transcript by seq.
            self.overflowed = True


class EventBus:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self.local: dict[str, set[Subscription]] = {}
        self._task: asyncio.Task | None = None
        self.ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self.ready.wait(), 10)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _listen(self) -> None:
        prefix_len = len(self.keys.channel(""))
        while True:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                await pubsub.psubscribe(self.keys.channel_pattern)
                self.ready.set()
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"][prefix_len:]
                    try:
                        event = json.loads(message["data"])
                    except (TypeError, ValueError):
                        continue
                    self._dispatch(channel, event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis went away: retry; clients catch up by seq on reconnect.
                log.warning("event bus: %r; reconnecting", exc)
                await asyncio.sleep(0.5)

    def _dispatch(self, channel: str, event: dict[str, Any]) -> None:
        targets = set(self.local.get(channel, ()))
        if channel.startswith("conv:"):
            event.setdefault("conversation_id", channel[5:])
            targets |= self.local.get("conv:*", set())
        for sub in targets:
            sub.deliver(event)

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        await self.redis.publish(self.keys.channel(channel), json.dumps(event, ensure_ascii=False))

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str, on_event: Callable[[Subscription, dict[str, Any]], None] | None = None
                        ) -> AsyncIterator[Subscription]:
        """The channels' events while the block runs; `on_event(sub, event)` as each is handed on, in the
        order Redis published them (it may add or remove channels of `sub`)."""
        sub = Subscription(self, on_event)
        for channel in channels:
            sub.add(channel)
        try:
            yield sub
        finally:
            sub.close()
