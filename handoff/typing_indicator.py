"""Typing indicators between a customer and the agent who has her conversation.

A signal goes out on the conversation's live channel (`conv:<cid>`) only, never into its log or the
database: it says nothing worth keeping. Each socket passes at most one signal per conversation every
EVERY_S seconds and drops the rest without an error: the pages show "is typing…" for a few seconds after
a signal, so one every two seconds keeps it lit, and a page that sends one per key press costs no more.
Signals flow only while an agent has the conversation (the bot and the queue have nobody to tell).
"""

from __future__ import annotations

import time
from typing import Literal

from handoff.service import Hub, User

EVERY_S = 2.0
Sender = Literal["customer", "agent"]


class TypingGate:
    """One socket's rate limit: per conversation, one signal per EVERY_S."""

    def __init__(self, every_s: float = EVERY_S) -> None:
        self.every_s = every_s
        self._last: dict[str, float] = {}

    def allow(self, cid: str) -> bool:
        now = time.monotonic()
        if now - self._last.get(cid, -self.every_s) < self.every_s:
            return False
        if len(self._last) > 64:  # an agent has a handful of conversations: forget the old ones
            self._last = {c: t for c, t in self._last.items() if now - t < self.every_s}
        self._last[cid] = now
        return True


async def customer_typing(hub: Hub, cid: str, gate: TypingGate) -> None:
    if not gate.allow(cid):
        return
    if (await hub.state.conversation(cid)).get("owner") == "agent":
        await _publish(hub, cid, "customer")


async def agent_typing(hub: Hub, cid: str, user: User, gate: TypingGate) -> None:
    """From the agent who owns the conversation (or the supervisor who took it over); anyone else's is dropped."""
    if not gate.allow(cid):
        return
    conv = await hub.state.conversation(cid)
    if conv.get("owner") == "agent" and conv.get("agent") == user.username:
        await _publish(hub, cid, "agent")


async def _publish(hub: Hub, cid: str, sender: Sender) -> None:
    await hub.bus.publish(f"conv:{cid}", {"type": "typing", "conversation_id": cid, "sender": sender})
