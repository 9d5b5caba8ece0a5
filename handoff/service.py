"""The hub: its live state, the clients it talks through, and what every use case shares (a conversation's
status, the hub's words to the customer, who may see a conversation, its transcript). Web routes call the use
cases, each a module of its own that is given the hub, and leave its state and bus to them; the router is given
only what it works with (handoff/routing.py). The use cases:

- the relay of customer messages to the bot (handoff/bot_relay.py), and the path when the bot cannot
  answer (handoff/bot_unavailable.py);
- a conversation as the customer's channel follows it (handoff/conversation_feed.py), and external events
  into it (handoff/external_events.py);
- a conversation queued for a person and escalated when the wait is long (handoff/queue_requests.py);
- a waiting customer's choices and rating (handoff/customer_choices.py), a callback instead of the wait
  (handoff/callback_requests.py), and who the conversation proved to be (handoff/customer_identity.py);
- a console user's sessions and what their console follows (handoff/console_sessions.py), and an agent's
  availability (handoff/availability.py);
- offers to agents and taking them (handoff/agent_offers.py), an agent's replies, notes and hand back
  (handoff/agent_conversations.py), what an agent reads of a conversation (handoff/conversation_views.py),
  and the supervisor's overview (handoff/supervisor_overview.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from common.language import detect as detect_language
from handoff import callbacks, wait_estimate
from handoff.bot_relay import BotRelay
from handoff.errors import HubError
from handoff.policy_context import PolicyContext
from handoff.rasa import RasaClient
from handoff.records import Records
from handoff.settings import Settings
from handoff.store.connection import Stores
from handoff.store.state import AgentLoad, AppendResult
from handoff.texts import t
from service_auth.rasa_auth import RasaAuth

TEXT_VALUES = ("name", "wait", "minutes", "number")  # what the hub's texts fill in (handoff/texts.py)


@dataclass
class User:
    username: str
    display_name: str
    role: str  # agent | supervisor | adjuster

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def may_adjust_claims(self) -> bool:
        return self.role in ("adjuster", "supervisor")


class Hub:
    def __init__(self, settings: Settings, stores: Stores, records: Records) -> None:
        self.settings = settings
        self.state = stores.state
        self.bus = stores.bus
        self.records = records
        rasa_auth = RasaAuth(settings.rasa_jwt_secret, settings.rasa_channel_secret, "hub")
        self.rasa = RasaClient(settings.rasa_url, rasa_auth)
        self.policy = PolicyContext(settings.policy_api_url, settings.policy_api_key)
        self.marks = stores.marks
        self.callbacks = callbacks.CallbackDesk(records, self.marks, settings.callback_deadline_s,
                                                settings.callback_number_ttl_s)
        # How the use cases reach the router (handoff/routing.py), which the hub does not hold: it dispatches
        # soon after `wake` is set, and `place_now` (given by the app) offers a new request at once.
        self.wake = asyncio.Event()
        self.place_now: Callable[[str, dict[str, str]], Awaitable[None]] | None = None
        self.bot_relay = BotRelay(settings, self.state, self.rasa)
        self._tasks: set[asyncio.Task] = set()
        self.wait_samples = stores.wait_samples
        self._estimate_cache: tuple[float, list[AgentLoad] | None, list[float], list[float]] = (0.0, None, [], [])
        self.chat_key = b""  # the chat resume key, loaded from Redis by the app (handoff/store/marks.py; used by handoff/chat_sessions.py)

    def in_background(self, coroutine: Any) -> None:
        """Run without making the caller wait (kept referenced until done)."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        self.bot_relay.stop()
        await self.rasa.close()
        await self.policy.close()

    # --- customer side ------------------------------------------------------------------------------
    async def customer_message(self, cid: str, text: str, client_msg_id: str | None = None,
                               title: str | None = None) -> AppendResult:
        entry: dict[str, Any] = {"sender": "customer", "text": text}
        if title:
            entry["title"] = title
        if client_msg_id:
            entry["client_msg_id"] = client_msg_id
        result = await self.state.append(cid, entry, client_msg_id, "customer", detect_language(title or text))
        if result.status == "ok" and result.owner == "bot":
            self.bot_relay.kick_bot(cid)
        return result

    async def say(self, cid: str, kind: str, language: str | None, **extra: Any) -> None:
        text = t(kind, language, **{k: v for k, v in extra.items() if k in TEXT_VALUES})
        entry = {"sender": "system", "kind": kind, "text": text,
                 **{k: v for k, v in extra.items() if k not in ("wait", "minutes", "number")}}
        await self.state.append(cid, entry)

    async def status(self, cid: str) -> dict[str, Any]:
        conv = await self.state.conversation(cid)
        owner = conv.get("owner", "bot")
        out: dict[str, Any] = {"conversation_id": cid, "owner": owner, "request_id": conv.get("request_id"),
                               "position": None, "estimated_wait_s": None, "agent_name": None,
                               "escalated": False, "last_seq": int(conv.get("seq", 0))}
        if owner == "queued" and out["request_id"]:
            out["position"] = await self.state.position(out["request_id"])
            out["estimated_wait_s"] = await self.estimate_wait(out["position"] or 1, conv.get("language"))
            out["escalated"] = (await self.state.request_field(out["request_id"], "escalated")) == "1"
        elif owner == "agent":
            out["agent_name"] = conv.get("agent_name")
        return out

    async def publish_status(self, cid: str) -> None:
        await self.bus.publish(f"conv:{cid}", {"type": "status", **await self.status(cid)})

    async def estimate_wait(self, position: int, language: str | None = None) -> int | None:
        """Seconds until an agent takes the request at `position` (in `language`), or None with no agent
        available (handoff/wait_estimate.py). Loads and samples are read at most once a second."""
        at, loads, reactions, handles = self._estimate_cache
        if loads is None or time.monotonic() - at > 1.0:
            loads = await self.state.agent_loads()
            reactions, handles = await self.wait_samples.reactions(), await self.wait_samples.handles()
            self._estimate_cache = (time.monotonic(), loads, reactions, handles)
        capacity = wait_estimate.capacity_of(loads, language)
        wait = wait_estimate.estimate_wait_s(position, capacity, reactions, handles, self.settings.avg_handle_s)
        return None if wait is None else round(wait)

    # --- conversations ------------------------------------------------------------------------------
    async def persist_transcript(self, cid: str) -> None:
        done = await self.state.persisted_seq(cid)
        entries = await self.state.log_after(cid, done)
        if entries:
            await self.state.set_conversation_field(cid, "persisted_seq", entries[-1]["seq"])
            self.records.save_transcript(cid, entries)

    def check_access(self, conv: dict[str, str], user: User, offered: bool = False) -> None:
        if not conv or not conv.get("request_id"):
            raise HubError(404, "conversation_not_found", "No such conversation.")
        if user.is_supervisor or (conv.get("owner") == "agent" and conv.get("agent") == user.username):
            return
        if offered:
            return
        raise HubError(403, "not_your_conversation", "This conversation is not assigned to you.")

    async def can_see(self, cid: str, user: User) -> dict[str, str]:
        """The conversation, if the user owns it, has it offered, or supervises."""
        conv = await self.state.conversation(cid)
        rid = conv.get("request_id") if conv else None
        offered = bool(rid) and user.username in await self.state.offer_ids(rid)
        self.check_access(conv, user, offered)
        return conv
