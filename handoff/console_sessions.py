"""A console user in the live state: the account as the sign-in check, the router and the supervisor's
overview read it; the sessions signed in with it (a cookie each, handoff/auth.py); and the events the user's
console socket follows. Sessions end one by one (signing out) or all at once, when a supervisor disables the
account or resets its password: the consoles close and the agent's pending offers go to someone else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from desk_db.tables.hub import HubUser
from handoff.availability import change_state
from handoff.callbacks import CHANNEL as CALLBACKS_CHANNEL
from handoff.service import Hub, User
from handoff.store.events import Subscription


async def account_saved(hub: Hub, account: HubUser) -> None:
    """The account as stored now (role, languages, skills, capacity, the disabled flag every request checks)."""
    await hub.state.register_agent(account)


async def sign_in(hub: Hub, account: HubUser) -> str:
    """A new session for the account (its password was checked): the token for the cookie."""
    await account_saved(hub, account)
    return await hub.state.new_session(account.username)


async def sign_out(hub: Hub, user: User, token: str) -> None:
    await change_state(hub, user, "offline")
    await hub.state.end_session(token)


async def signed_in(hub: Hub, token: str | None) -> bool:
    """Whether the session is still open (not expired, not ended by a supervisor)."""
    return bool(await hub.state.session_user(token))


async def end_every_session(hub: Hub, account: HubUser) -> None:
    """End every session of the account, close their consoles, and pass their offers on."""
    await account_saved(hub, account)  # carries the disabled flag every request checks
    await hub.state.end_user_sessions(account.username)
    if account.role == "agent":  # only agents are offered conversations
        await change_state(hub, User(account.username, account.display_name, account.role), "offline")
    await hub.bus.publish(f"user:{account.username}", {"type": "session_ended"})


@asynccontextmanager
async def console_events(hub: Hub, user: User) -> AsyncIterator[Subscription]:
    """What the user's console follows while the block runs: their own channel (offers, assignments, notes,
    whispers), the callback worklist's changes (callbacks.js), and the conversations an agent has now, or every
    conversation and the alerts for a supervisor."""
    channels = [f"user:{user.username}", CALLBACKS_CHANNEL] + (["conv:*", "sup"] if user.is_supervisor else [])
    async with hub.bus.subscribe(*channels, on_event=None if user.is_supervisor else _follow) as sub:
        if not user.is_supervisor:
            # Read once subscribed: an assignment published while this reads is followed by _follow, where
            # reading first would miss it (the conversation stored after the read, its event before the subscribe).
            for cid in await hub.state.agent_conversations(user.username):
                sub.add(f"conv:{cid}")
        yield sub


def _follow(sub: Subscription, event: dict[str, Any]) -> None:
    """An agent's console follows a conversation from its assignment until it is closed or taken from them.
    Run as the event is handed on (store/events.py), not when the socket gets to send it: the agent reads the
    transcript once the accept answers, and the customer's next message, published right after the
    assignment, would otherwise be dropped whenever the socket's queue was behind (bench/handoff.py lost
    "after-" messages so)."""
    kind, cid = event.get("type"), event.get("conversation_id")
    if not isinstance(cid, str):
        return
    if kind == "assigned":
        sub.add(f"conv:{cid}")
    elif kind in ("conversation_closed", "conversation_taken"):
        sub.remove(f"conv:{cid}")
