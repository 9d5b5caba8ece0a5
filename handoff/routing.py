"""Routing: offer each waiting request to the best free agent, and run the durable timers.

Timers live in a Redis sorted set (member -> deadline), so a restarted hub picks them up where the
last one stopped; a timer that fell due while the hub was down fires at once. A timer is removed
only after it was handled, and handling is idempotent, so a crash in between repeats it harmlessly.

Best agent: available, free capacity (conversations + pending offers < capacity), speaks the
customer's language (any agent if no available agent does), then topic match, then least busy,
then longest since their last assignment. One agent at a time holds the offer for the reservation
window; after escalation the request is offered to every free agent at once and the first accept wins.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from handoff.records import ts
from handoff.service import Hub
from handoff.state import AgentLoad

log = logging.getLogger("handoff.routing")

TOPIC_BY_REASON = {"complaint": "complaints", "clause": "clauses", "identity_lockout": "identity"}
CLAIM_WORDS = ("理赔", "报案", "赔付", "claim")


def topics_for(req: dict[str, str]) -> set[str]:
    topics = {TOPIC_BY_REASON.get(req.get("reason", ""), "general")}
    summary = req.get("summary") or ""
    if any(word in summary.lower() for word in CLAIM_WORDS):
        topics.add("claims")
    return topics


def rank(agent: AgentLoad, topics: set[str]) -> tuple[int, int, float]:
    return (0 if topics & set(agent.topics) else 1, agent.conversations + agent.offers, agent.last_assigned)


class Router:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.state = hub.state
        self.redis = hub.redis
        self.keys = hub.keys
        self._task: asyncio.Task | None = None
        self._positions: dict[str, int] = {}  # request -> last position told to its customer
        self._cids: dict[str, str] = {}

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
        last_dispatch = last_positions = 0.0
        while True:
            try:
                await self.fire_due_timers()
                if time.monotonic() - last_positions > 2.0:
                    last_positions = time.monotonic()
                    await self.push_positions()
                if self.hub.wake.is_set() or time.monotonic() - last_dispatch > 1.0:
                    self.hub.wake.clear()
                    last_dispatch = time.monotonic()
                    await self.dispatch()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("router step failed")
                await asyncio.sleep(0.5)
            try:
                await asyncio.wait_for(self.hub.wake.wait(), timeout=0.1)
            except TimeoutError:
                pass

    async def fire_due_timers(self) -> None:
        due = await self.redis.zrangebyscore(self.keys.timers, "-inf", time.time(), start=0, num=200)
        for member in due:
            kind, _, rest = member.partition("|")
            if kind == "escalate":
                await self.hub.escalate(rest)
            elif kind == "offer":
                rid, username, offer_id = rest.split("|")
                if await self.state.withdraw(rid, username, offer_id):
                    await self.hub.bus.publish(f"user:{username}",
                                               {"type": "offer_withdrawn", "request_id": rid, "why": "timeout"})
                    self.hub.wake.set()
            await self.redis.zrem(self.keys.timers, member)

    async def push_positions(self) -> None:
        """Tell each waiting customer their new place in the queue (one ZRANGE for the whole queue)."""
        rids = await self.state.queue()
        missing = [rid for rid in rids if rid not in self._cids]
        if missing:
            async with self.redis.pipeline(transaction=False) as pipe:
                for rid in missing:
                    pipe.hget(self.keys.request(rid), "cid")
                for rid, cid in zip(missing, await pipe.execute(), strict=True):
                    if cid:
                        self._cids[rid] = cid
        positions = {rid: n for n, rid in enumerate(rids, 1)}
        for rid, position in positions.items():
            if self._positions.get(rid) != position and rid in self._cids:
                status = {"type": "status", "conversation_id": self._cids[rid], "owner": "queued", "request_id": rid,
                          "position": position, "estimated_wait_s": await self.hub.estimate_wait(position),
                          "agent_name": None}
                await self.hub.bus.publish(f"conv:{self._cids[rid]}", status)
        self._positions = positions
        self._cids = {rid: cid for rid, cid in self._cids.items() if rid in positions}

    async def dispatch(self) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrange(self.keys.pending, 0, -1)
            pipe.smembers(self.keys.escalated)
            pending, escalated = await pipe.execute()
        rids = pending + sorted(escalated - set(pending))
        if not rids:
            return
        agents = [a for a in await self.state.agent_loads() if a.role == "agent" and a.state == "available"]
        if not any(a.free for a in agents):
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for rid in rids:
                pipe.hgetall(self.keys.request(rid))
                pipe.hkeys(self.keys.offers(rid))
                pipe.smembers(self.keys.tried(rid))
            raw = await pipe.execute()
        for i, rid in enumerate(rids):
            req, offered, tried = raw[3 * i], set(raw[3 * i + 1]), raw[3 * i + 2]
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
                await self.redis.delete(self.keys.tried(rid))  # everyone was asked: start the round again
                fresh = candidates
            candidates = fresh
        if not candidates:
            return
        topics = topics_for(req)
        targets = candidates if escalated else [min(candidates, key=lambda a: rank(a, topics))]
        now = time.time()
        deadline = now + self.hub.settings.reservation_s
        for agent in targets:
            if not await self.state.offer(rid, agent.username, uuid.uuid4().hex[:10], deadline):
                continue
            agent.offers += 1
            if not req.get("first_offered"):
                req["first_offered"] = f"{now:.3f}"
                self.hub.records.update_request(rid, first_offered_at=ts(now))
            await self.hub.bus.publish(f"user:{agent.username}", self.hub.offer_event(req, deadline))

