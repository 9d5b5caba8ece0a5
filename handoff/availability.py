"""An agent's availability: the state they choose, and what happens when their console goes away.

An agent who closes the console tab (or whose laptop sleeps) without choosing 离线 would otherwise stay
"available" and keep being offered customers nobody sees, each offer costing the customer its timeout of the
30-second target. So the hub counts each user's open console sockets in Redis (every hub process sees the same
count), and when the last one closes and none opens again within `HANDOFF_CONSOLE_GRACE_S` (a page reload, a
network blip), an available agent becomes 暂离 ("away") and their pending offers are withdrawn. API-only
clients that never open the socket are left as they are."""

from __future__ import annotations

import asyncio
import logging

from handoff.service import Hub, User
from handoff.store.state import AgentLoad

log = logging.getLogger(__name__)
# Longer than any console stays connected without a reconnect (hours), shorter than forever: a count left by a
# hub process that died with sockets open expires instead of holding an agent "present".
COUNT_TTL_S = 24 * 3600


async def change_state(hub: Hub, user: User, state: str) -> None:
    await hub.state.set_agent_state(user.username, state)
    if state != "available":  # pending offers go to someone who is there
        for rid in await hub.state.agent_offers(user.username):
            if await hub.state.withdraw(rid, user.username):
                await hub.bus.publish(f"user:{user.username}", {"type": "offer_withdrawn", "request_id": rid,
                                                                 "why": "unavailable"})
    hub.wake.set()


async def load(hub: Hub, username: str) -> AgentLoad | None:
    """The user's state, conversations and capacity now (None for an account the live state does not know)."""
    loads = await hub.state.agent_loads([username])
    return loads[0] if loads else None


async def console_opened(hub: Hub, user: User) -> None:
    await hub.state.console_opened(user.username, COUNT_TTL_S)


async def console_closed(hub: Hub, user: User) -> None:
    """Count the socket out; when it was the user's last, check again after the grace period (in the hub's
    background, so a closing socket does not wait for it)."""
    left = await hub.state.console_closed(user.username)
    if left <= 0 and not user.is_supervisor:
        hub.in_background(_away_unless_back(hub, user))


async def _away_unless_back(hub: Hub, user: User) -> None:
    await asyncio.sleep(hub.settings.console_grace_s)
    if await hub.state.consoles(user.username) > 0:
        return  # back (a reload), on this hub process or another
    now = await load(hub, user.username)
    if now is not None and now.state == "available":
        log.info("agent %s: no console open for %.0f s, set away", user.username, hub.settings.console_grace_s)
        await change_state(hub, user, "away")
