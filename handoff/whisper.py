"""Whispers: a supervisor's note to the agent of a live conversation, which the customer never sees.

A whisper never enters the conversation's log (handoff/store/lua.py APPEND), so it is in none of what the
customer gets: not her chat or socket.io frames (those follow the `conv:<cid>` channel), not her
transcript or history (saved from the log), not Rasa (fed from the log's bot queue). It is kept in a
list of its own beside the log, for as long as the conversation, and sent on the agent's own channel
(`user:<agent>`) and the supervisors' (`sup`). Personal numbers in it are masked before it is kept.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from handoff.errors import HubError
from handoff.service import Hub, User
from privacy.numbers import mask_text

KEPT = 100  # whispers kept per conversation (the newest)


async def whisper(hub: Hub, cid: str, supervisor: User, text: str) -> dict[str, Any]:
    """Send a whisper to whoever handles the conversation now; only while an agent has it."""
    if not supervisor.is_supervisor:  # the route checks it too: this is the rule, not a page's
        raise HubError(403, "supervisors_only", "Only supervisors can whisper to an agent.")
    conv = await hub.state.conversation(cid)
    hub.check_access(conv, supervisor)
    agent = conv.get("agent")
    if conv.get("owner") != "agent" or not agent:
        raise HubError(409, "not_with_agent", "Whispers go to the agent of a conversation; no agent has this one.")
    if agent == supervisor.username:
        raise HubError(409, "own_conversation", "You are the agent of this conversation.")
    masked = await asyncio.to_thread(mask_text, text)
    note = {"type": "whisper", "conversation_id": cid, "author": supervisor.display_name,
            "author_username": supervisor.username, "to": agent, "text": masked, "at": round(time.time(), 3)}
    await hub.state.add_whisper(cid, note, KEPT)
    await hub.bus.publish(f"user:{agent}", note)
    await hub.bus.publish("sup", note)
    return note


async def whispers(hub: Hub, cid: str, user: User) -> list[dict[str, Any]]:
    """The conversation's whispers, for its agent or a supervisor."""
    hub.check_access(await hub.state.conversation(cid), user)
    return await hub.state.whispers(cid)
