"""An agent's console follows the conversations assigned while it starts (handoff/console_sessions.py): the
assignment's event can be handed on while the console reads the agent's conversations, before the new one is
stored. The bus is the hub's own (handoff/store/events.py), handed events as its Redis listener hands them on."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from handoff.console_sessions import console_events
from handoff.service import User
from handoff.store.events import EventBus
from handoff.store.keys import Keys


class StateReadWhileAssigned:
    """The agent's conversations as stored before the assignment, read while its event is handed on."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus

    async def agent_conversations(self, username: str) -> list[str]:
        self.bus._dispatch(f"user:{username}", {"type": "assigned", "conversation_id": "c-new"})
        return ["c-old"]


async def events_seen() -> list[dict[str, Any]]:
    bus = EventBus(redis=None, keys=Keys("test"))  # type: ignore[arg-type] - nothing here reaches Redis
    hub = SimpleNamespace(state=StateReadWhileAssigned(bus), bus=bus)
    async with console_events(hub, User("agent1", "Agent", "agent")) as sub:  # type: ignore[arg-type]
        bus._dispatch("conv:c-new", {"seq": 1, "sender": "customer", "text": "right after the assignment"})
        bus._dispatch("conv:c-old", {"seq": 9, "sender": "customer", "text": "in a conversation already mine"})
        seen = []
        while (event := await sub.next_event(0.1)) is not None:
            seen.append(event)
    return seen


def test_the_conversation_assigned_while_the_console_starts_is_followed():
    texts = [event.get("text") for event in asyncio.run(events_seen())]
    assert "right after the assignment" in texts
    assert "in a conversation already mine" in texts
