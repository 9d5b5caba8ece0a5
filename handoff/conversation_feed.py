"""A conversation as the customer's channel follows it (the chat page, a socket.io widget, the voice gateway's
long poll): opened on the channel's first contact, its log read from a seq on, and its events as they are
published on `conv:<cid>` (handoff/store/events.py). A follower subscribes before it reads the log, so an
entry stored in between comes twice (skipped by seq) rather than never."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractAsyncContextManager
from typing import Any

from handoff.service import Hub
from handoff.store.events import Subscription


async def open_conversation(hub: Hub, cid: str, channel: str) -> None:
    """Known to the hub, on this channel, before anything is read or sent in it (a no-op once it is)."""
    await hub.state.ensure_conversation(cid, channel)


def events(hub: Hub, cid: str) -> AbstractAsyncContextManager[Subscription]:
    """The conversation's live events (entries with their seq, status, typing) while the block runs."""
    return hub.bus.subscribe(f"conv:{cid}")


async def entries_after(hub: Hub, cid: str, seq: int) -> list[dict[str, Any]]:
    """The log's entries after `seq`, oldest first (suppressed ones included: the caller drops them)."""
    return await hub.state.log_after(cid, seq)


async def wait_for_entries(hub: Hub, cid: str, after: int, wait_s: float) -> list[dict[str, Any]]:
    """The entries after `after`, waiting up to `wait_s` for the first one to come (a long poll)."""
    async with events(hub, cid) as sub:
        entries = await entries_after(hub, cid, after)
        deadline = time.monotonic() + wait_s
        while not entries and time.monotonic() < deadline:
            try:
                event = await asyncio.wait_for(sub.queue.get(), deadline - time.monotonic())
            except TimeoutError:
                break
            if "seq" in event:
                entries = await entries_after(hub, cid, after)
    return entries
