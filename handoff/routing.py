"""Routing: offer each waiting request to the best free agent, and run the durable timers.

Timers live in a Redis sorted set (member -> deadline), so a restarted hub picks them up where the
last one stopped; a timer that fell due while the hub was down fires at once. A timer is removed
only after it was handled, and handling is idempotent, so a crash in between repeats it harmlessly.

Best agent: available, free capacity (conversations + pending offers < capacity), speaks the
customer's language (any agent if no available agent does), then topic match, then least busy,
then longest since their last assignment. One agent at a time holds the offer for the reservation
window; after escalation the request is offered to every free agent at once and the first accept wins.

The router is given what it works with, not the hub: the live state, the event bus, the records, the wake
event the use cases set after a change, and three callables of the hub's (the bot relay's resume, the
escalation use case, the wait estimate). The hub reaches the router only through that event and the
callable the app gives it for placing a new request at once (Hub.place_now).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from handoff.agent_offers import offer_event
from handoff.records import Records, ts
from handoff.settings import Settings
from handoff.store.events import EventBus
from handoff.store.placement import Placement
from handoff.store.state import AgentLoad, State

log = logging.getLogger("handoff.routing")

TOPIC_BY_REASON = {"complaint": "complaints", "clause": "clauses", "identity_lockout": "identity"}
DISPATCH_MIN_INTERVAL_S = 0.05
BOT_SWEEP_S = 5.0
MAX_TRIES = 5  # agents tried in turn for one request before it waits for the dispatcher
CLAIM_WORDS = ("理赔", "报案", "赔付", "claim")


def topics_for(req: dict[str, str]) -> set[str]:
    if req.get("skill"):  # a transfer back to the queue named the skill the next agent needs
        return {req["skill"]}
    topics = {TOPIC_BY_REASON.get(req.get("reason", ""), "general")}
    summary = req.get("summary") or ""
    if any(word in summary.lower() for word in CLAIM_WORDS):
        topics.add("claims")
    return topics


def rank(agent: AgentLoad, topics: set[str]) -> tuple[int, int, float]:
    return (0 if topics & set(agent.topics) else 1, agent.conversations + agent.offers, agent.last_assigned)


class Router:
    def __init__(self, settings: Settings, state: State, bus: EventBus, records: Records, wake: asyncio.Event, *,
                 resume_bots: Callable[[], Awaitable[None]], escalate: Callable[[str], Awaitable[None]],
                 estimate_wait: Callable[[int, str | None], Awaitable[int | None]]) -> None:
        self.settings = settings
        self.state = state
        self.bus = bus
        self.records = records
        self.wake = wake  # set after a change: dispatch soon
        self.resume_bots = resume_bots  # messages a dead bot worker was holding
        self.escalate = escalate  # the escalation use case, for a request's due timer
        self.estimate_wait = estimate_wait
        self.placement = Placement(state)
        self._task: asyncio.Task | None = None
        self._positions: dict[str, tuple[int, int | None]] = {}  # request -> (position, wait bucket) last told
        self._agents: list[AgentLoad] = []  # free agents as of the last look, for placing new requests at once
        self._agents_at = 0.0
        self._agents_refresh: asyncio.Future | None = None
        self._cids: dict[str, str] = {}
        self._languages: dict[str, str | None] = {}  # request -> its language (the agents who can take it)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass

    async def run(self) -> None:
        last_dispatch = last_positions = last_sweep = 0.0
        while True:
            try:
                await self.fire_due_timers()
                if time.monotonic() - last_positions > 2.0:
                    last_positions = time.monotonic()
                    await self.push_positions()
                if time.monotonic() - last_sweep > BOT_SWEEP_S:
                    last_sweep = time.monotonic()
                    await self.resume_bots()
                # Woken by a change (at most every 50 ms: a burst of handoffs shares one pass), or every second.
                since = time.monotonic() - last_dispatch
                if (self.wake.is_set() and since > DISPATCH_MIN_INTERVAL_S) or since > 1.0:
                    self.wake.clear()
                    last_dispatch = time.monotonic()
                    await self.dispatch()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("router step failed")
                await asyncio.sleep(0.5)
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=0.1)
                if time.monotonic() - last_dispatch < DISPATCH_MIN_INTERVAL_S:
                    await asyncio.sleep(DISPATCH_MIN_INTERVAL_S)
            except TimeoutError:
                pass

    async def fire_due_timers(self) -> None:
        due = await self.placement.due_timers(time.time())
        for member in due:
            kind, _, rest = member.partition("|")
            if kind == "escalate":
                await self.escalate(rest)
            elif kind == "offer":
                rid, username, offer_id = rest.split("|")
                if await self.state.withdraw(rid, username, offer_id):
                    await self.bus.publish(f"user:{username}",
                                           {"type": "offer_withdrawn", "request_id": rid, "why": "timeout"})
                    self.wake.set()
            await self.placement.drop_timer(member)

    async def push_positions(self) -> None:
        """Tell each waiting customer their new place in the queue (one ZRANGE for the whole queue)."""
        rids = await self.state.queue()
        missing = [rid for rid in rids if rid not in self._cids]
        if missing:
            found = await self.placement.conversations_and_languages(missing)
            for rid, (cid, language) in zip(missing, found, strict=True):
                if cid:
                    self._cids[rid] = cid
                    self._languages[rid] = language
        positions = {rid: n for n, rid in enumerate(rids, 1)}
        escalated = await self.placement.escalated() if positions else set()
        told: dict[str, tuple[int, int | None]] = {}
        for rid, position in positions.items():
            # Told again when the place or the wait as the customer reads it changed (minutes, or
            # "less than a minute", or none free): an agent came free, or signed out.
            wait = await self.estimate_wait(position, self._languages.get(rid))
            told[rid] = (position, None if wait is None else round(wait / 60) if wait >= 60 else -1)
            if self._positions.get(rid) != told[rid] and rid in self._cids:
                status = {"type": "status", "conversation_id": self._cids[rid], "owner": "queued", "request_id": rid,
                          "position": position, "estimated_wait_s": wait,
                          "agent_name": None, "escalated": rid in escalated}
                await self.bus.publish(f"conv:{self._cids[rid]}", status)
        self._positions = told
        self._cids = {rid: cid for rid, cid in self._cids.items() if rid in positions}
        self._languages = {rid: language for rid, language in self._languages.items() if rid in positions}

    async def place(self, rid: str, req: dict[str, str]) -> None:
        """Offer a new request right away (the handoff's own request), with the agents' loads as last
        seen; the offer script re-checks capacity, and anything not placed here the dispatcher places
        on its next pass."""
        if not self._agents_at:
            await self._refresh_agents()
        elif time.monotonic() - self._agents_at > 0.5:
            # Offer with the loads as last seen and look again meanwhile: the offer script is the
            # authority on capacity, so a stale list can only miss an agent (the dispatcher has them).
            self._refresh_agents_soon()
        if any(a.free for a in self._agents):
            await self._offer(rid, req, set(), set(), self._agents)
        if not req.get("first_offered"):
            self.wake.set()  # not placed here: the dispatcher looks at once, with fresh loads

    async def _refresh_agents(self) -> None:
        """One look at the agents' loads shared by every handoff that wants it now: under a burst,
        hundreds of requests would otherwise each read all agents at once."""
        await asyncio.shield(self._refresh_agents_soon())

    def _refresh_agents_soon(self) -> asyncio.Future:
        if self._agents_refresh is None or self._agents_refresh.done():
            self._agents_refresh = asyncio.ensure_future(self._load_agents())
            self._agents_refresh.add_done_callback(lambda f: f.cancelled() or f.exception())
        return self._agents_refresh

    async def _load_agents(self) -> None:
        self._agents = [a for a in await self.state.agent_loads() if a.role == "agent" and a.state == "available"]
        self._agents_at = time.monotonic()

    async def dispatch(self) -> None:
        pending, escalated = await self.placement.to_place()
        rids = pending + sorted(escalated - set(pending))
        if not rids:
            return
        await self._load_agents()  # its own look, not one already under way: loads as of now
        agents = self._agents
        if not any(a.free for a in agents):
            return
        for rid, (req, offered, tried) in zip(rids, await self.placement.offer_rounds(rids), strict=True):
            if req.get("state") != "waiting":
                continue
            await self._offer(rid, req, offered, tried, agents)
            if not any(a.free for a in agents):
                return

    async def _offer(self, rid: str, req: dict[str, str], offered: set[str], tried: set[str],
                     agents: list[AgentLoad]) -> None:
        escalated = req.get("escalated") == "1"
        if offered and not escalated:
            return
        language = req.get("language", "zh")
        free = [a for a in agents if a.free > 0 and a.username not in offered]
        speakers = [a for a in free if language in a.languages]
        # Nobody available speaks it: any free agent is better than none.
        candidates = speakers or ([] if any(language in a.languages for a in agents) else free)
        if not escalated:
            fresh = [a for a in candidates if a.username not in tried]
            if not fresh and tried:
                await self.placement.new_round(rid)  # everyone was asked: start the round again
                fresh = candidates
            candidates = fresh
        if not candidates:
            return
        topics = topics_for(req)
        # Escalated: every free agent at once. Otherwise the best one; if the offer script finds them full
        # (another hub worker, or a load older than this list, got there first), the next best.
        targets = candidates if escalated else sorted(candidates, key=lambda a: rank(a, topics))[:MAX_TRIES]
        now = time.time()
        deadline = now + self.settings.reservation_s
        for agent in targets:
            if not await self.state.offer(rid, agent.username, uuid.uuid4().hex[:10], deadline):
                agent.offers = max(agent.offers, agent.capacity - agent.conversations)  # full, as far as we know
                continue
            agent.offers += 1
            if not req.get("first_offered"):
                req["first_offered"] = f"{now:.3f}"
                self.records.update_request(rid, first_offered_at=ts(now))
            await self.bus.publish(f"user:{agent.username}", offer_event(req, deadline))
            if not escalated:
                return

