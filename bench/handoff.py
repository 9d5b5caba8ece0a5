"""Handoff hub under load: 200 simultaneous handoffs, 20 simulated agents who accept each offer after
a random 0.5-3 s, against a real hub process and real Redis (product timers: 10 s reservation,
30 s escalation). Every customer and agent talks over the real WebSocket/HTTP API.

Measured on the machine's monotonic clock: handoff POST -> offer frame at an agent (offer), and -> the
agent's successful accept (accept). The agents run in a process of their own and the customers post
with a lean HTTP client (bench/raw_http.py): in production they are other hosts, and on 2 cores a
load generator sharing one event loop would time its own backlog, not the hub's. Messages: each customer writes once while queued and once after the
agent joined; each agent answers once. Any of these not seen by the other side, or seen twice,
counts as lost. Prints the figures and merges them into bench/results.json.

The hub's Rasa URL points nowhere: the bench starts at the handoff (as the action server posts it),
so the bot is not part of these figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis
import uvloop
from sqlalchemy import create_engine, select
from websockets.asyncio.client import connect

from bench.raw_http import RawConnection
from bench.results import merge_results
from bench.turns import percentile
from desk_db.tables.hub import HandoffRecord
from devstack import services
from handoff.seed import DemoUser, seed

HANDOFFS = 200
AGENTS = 20
CAPACITY = 10  # 20 x 10 slots: every request can be offered at once; the offer figure is the hub's own speed
ACCEPT_DELAY_S = (0.5, 3.0)
TIMEOUT_S = 120
# Hub processes, as docker-compose deploys it (one per core); BENCH_HUB_WORKERS=1 for a single one.
WORKERS = int(os.environ.get("BENCH_HUB_WORKERS", "2"))


@dataclass
class Conversation:
    cid: str
    cookie: str  # the resume cookie the hub minted with the conversation (as for the chat page)
    sent_at: float = 0.0
    posted_at: float = 0.0
    offered_at: float | None = None
    accepted_at: float | None = None
    rid: str | None = None
    customer_got: list[str] = field(default_factory=list)  # texts of agent/system events at the customer
    customer_seqs: list[int] = field(default_factory=list)
    agent_got: list[str] = field(default_factory=list)  # customer texts the agent saw live or at accept
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class AgentSide:
    """What the agents saw, per conversation id (filled in the agents' process)."""

    offered_at: dict[str, float] = field(default_factory=dict)
    accepted_at: dict[str, float] = field(default_factory=dict)
    got: dict[str, list[str]] = field(default_factory=dict)  # customer texts seen live or at accept
    conflicts: int = 0


class Agents:
    def __init__(self, url: str) -> None:
        self.url = url
        self.ws_url = url.replace("http://", "ws://")
        self.side = AgentSide()

    async def agent(self, username: str, password: str, ready: asyncio.Event, ready_count: list[int]) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            response = await http.post("/api/console/login", json={"username": username, "password": password})
            response.raise_for_status()
            cookie = f"hub_session={http.cookies.get('hub_session')}"
            async with connect(f"{self.ws_url}/ws/console", additional_headers={"Cookie": cookie},
                               max_size=2**22) as ws:
                (await http.post("/api/console/me/state", json={"state": "available"})).raise_for_status()
                ready_count[0] += 1
                if ready_count[0] == AGENTS:
                    ready.set()
                tasks: set[asyncio.Task] = set()
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "offer":
                        self.side.offered_at.setdefault(frame["conversation_id"], time.perf_counter())
                        task = asyncio.create_task(self.take(http, frame["conversation_id"], frame["request_id"]))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    elif frame.get("type") == "event" and frame.get("sender") == "customer":
                        cid = frame["conversation_id"]
                        self.side.got.setdefault(cid, []).append(frame["text"])
                        if frame["text"].startswith("after-"):
                            await http.post(f"/api/console/conversations/{cid}/close")

    async def take(self, http: httpx.AsyncClient, cid: str, rid: str) -> None:
        await asyncio.sleep(random.uniform(*ACCEPT_DELAY_S))
        response = await http.post(f"/api/console/requests/{rid}/accept")
        if response.status_code != 200:
            self.side.conflicts += 1  # the reservation ran out meanwhile; the request is offered again
            return
        self.side.accepted_at[cid] = time.perf_counter()
        view = (await http.get(f"/api/console/conversations/{cid}")).json()
        self.side.got.setdefault(cid, []).extend(e["text"] for e in view["transcript"] if e["sender"] == "customer")
        (await http.post(f"/api/console/conversations/{cid}/messages", json={"text": f"reply-{cid}"})).raise_for_status()

    async def run(self, passwords: dict[str, str], ready: Any, stop: Any) -> AgentSide:
        ready_local, count = asyncio.Event(), [0]
        agents = [asyncio.create_task(self.agent(name, pw, ready_local, count)) for name, pw in passwords.items()]
        await asyncio.wait_for(ready_local.wait(), 60)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for task in agents:
            task.cancel()
        await asyncio.gather(*agents, return_exceptions=True)
        return self.side


def run_agents(url: str, passwords: dict[str, str], ready: Any, stop: Any, results: Any) -> None:
    """The agents' process: time.perf_counter is CLOCK_MONOTONIC, comparable with the customers'."""
    results.put(uvloop.run(Agents(url).run(passwords, ready, stop)))


class Bench:
    def __init__(self, url: str) -> None:
        self.url = url
        self.ws_url = url.replace("http://", "ws://")
        self.conversations: dict[str, Conversation] = {}
        self.conflicts = 0
        self.health_p95_ms = 0.0

    async def customer(self, conv: Conversation, start: asyncio.Event, http: RawConnection,
                       connected: list[int], all_connected: asyncio.Event) -> None:
        async with connect(f"{self.ws_url}/ws/chat/{conv.cid}", max_size=2**22, open_timeout=120,
                           additional_headers={"Cookie": f"hub_chat={conv.cookie}"}) as ws:
            connected[0] += 1
            if connected[0] == HANDOFFS:
                all_connected.set()
            await start.wait()
            conv.sent_at = time.perf_counter()
            status, body = await http.request("POST", "/api/handoffs", {
                "conversation_id": conv.cid, "reason": "request", "language": "zh", "channel": "chat",
                "customer_id": None, "summary": [{"speaker": "customer", "text": "转人工"}]}, services.HUB_KEY)
            if status >= 300:
                raise RuntimeError(f"POST /api/handoffs: {status} {body}")
            conv.posted_at = time.perf_counter()
            conv.rid = body["request_id"]
            await ws.send(json.dumps({"type": "message", "text": f"queued-{conv.cid}", "client_msg_id": "q"}))
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") != "event":
                    continue
                conv.customer_seqs.append(frame["seq"])
                if frame.get("sender") == "agent":
                    conv.customer_got.append(frame["text"])
                    await ws.send(json.dumps({"type": "message", "text": f"after-{conv.cid}", "client_msg_id": "a"}))
                elif frame.get("kind") == "agent_joined":
                    conv.customer_got.append("joined")
                elif frame.get("kind") == "csat_request":
                    conv.done.set()
                    return

    async def health_burst(self, connections: list[RawConnection]) -> float:
        """The floor on this machine right now: 200 simultaneous GET /health (no hub logic at all)."""
        async def one(connection: RawConnection) -> float:
            start = time.perf_counter()
            status, _ = await connection.request("GET", "/health")
            if status != 200:
                raise RuntimeError(f"GET /health: {status}")
            return (time.perf_counter() - start) * 1000
        return percentile(list(await asyncio.gather(*(one(c) for c in connections))), 0.95)

    async def run(self, passwords: dict[str, str]) -> AgentSide:
        spawn = multiprocessing.get_context("spawn")
        ready, stop, results = spawn.Event(), spawn.Event(), spawn.Queue()
        agents = spawn.Process(target=run_agents, args=(self.url, passwords, ready, stop, results), daemon=True)
        agents.start()
        try:
            if not await asyncio.to_thread(ready.wait, 120):
                raise RuntimeError("the agents did not sign in within 120 s")
            async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
                for _ in range(HANDOFFS):  # the hub mints each chat's id and resume cookie, before the clock runs
                    client.cookies.clear()  # a request carrying a chat cookie resumes that chat
                    response = await client.post("/api/chat/session")
                    response.raise_for_status()
                    cid = response.json()["conversation_id"]
                    self.conversations[cid] = Conversation(cid, response.cookies["hub_chat"])
            host, port = self.url.removeprefix("http://").split(":")
            # Open the connections first (as a running action server keeps them): the figures are the
            # hub's, not TCP connection setup in this benchmark process.
            connections = await asyncio.gather(*(RawConnection.open(host, int(port)) for _ in range(HANDOFFS)))
            self.health_p95_ms = await self.health_burst(connections)
            start = asyncio.Event()
            connected, all_connected = [0], asyncio.Event()
            customers = [asyncio.create_task(self.customer(c, start, http, connected, all_connected))
                         for c, http in zip(self.conversations.values(), connections, strict=True)]
            await asyncio.wait_for(all_connected.wait(), 180)  # every customer's socket is open
            await asyncio.sleep(0.5)
            start.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*(c.done.wait() for c in self.conversations.values())), TIMEOUT_S)
            for task in customers:
                task.cancel()
            await asyncio.gather(*customers, return_exceptions=True)
            for connection in connections:
                await connection.close()
        finally:
            stop.set()
        side: AgentSide = await asyncio.to_thread(results.get, True, 60)
        agents.join(10)
        return side

    def merge(self, side: AgentSide) -> None:
        for cid, conv in self.conversations.items():
            conv.offered_at = side.offered_at.get(cid)
            conv.accepted_at = side.accepted_at.get(cid)
            conv.agent_got = side.got.get(cid, [])
        self.conflicts = side.conflicts

    def figures(self) -> dict[str, Any]:
        convs = list(self.conversations.values())
        offer_ms = [(c.offered_at - c.sent_at) * 1000 for c in convs if c.offered_at]
        accept_ms = [(c.accepted_at - c.sent_at) * 1000 for c in convs if c.accepted_at]
        post_ms = [(c.posted_at - c.sent_at) * 1000 for c in convs if c.posted_at]
        lost = 0
        missing: list[str] = []  # which message of which conversation, to find the cause
        for c in convs:
            expected_agent = {f"queued-{c.cid}", f"after-{c.cid}"}
            not_at_agent = expected_agent - set(c.agent_got)
            not_at_customer = {"joined", f"reply-{c.cid}"} - set(c.customer_got)
            duplicates = len(c.customer_seqs) - len(set(c.customer_seqs))  # duplicates count too
            lost += len(not_at_agent) + len(not_at_customer) + duplicates
            missing += [f"{c.cid}: agent never got {m}" for m in sorted(not_at_agent)]
            missing += [f"{c.cid}: customer never got {m}" for m in sorted(not_at_customer)]
            missing += [f"{c.cid}: customer got {duplicates} message(s) twice"] if duplicates else []
        return {
            "handoffs": len(convs), "posted": sum(1 for c in convs if c.posted_at), "offered": len(offer_ms), "accepted": len(accept_ms),
            "offer_p50_ms": percentile(offer_ms, 0.5) if offer_ms else None,
            "offer_p95_ms": percentile(offer_ms, 0.95) if offer_ms else None,
            "accept_p50_ms": percentile(accept_ms, 0.5) if accept_ms else None,
            "accept_p95_ms": percentile(accept_ms, 0.95) if accept_ms else None,
            "within_30s": sum(1 for ms in accept_ms if ms <= 30000) / len(convs),
            "lost": lost, "missing": missing, "conflicts": self.conflicts, "health_p95_ms": self.health_p95_ms, "post_p95_ms": percentile(post_ms, 0.95),
        }


def main() -> None:
    prefix = os.environ.get("BENCH_HUB_PREFIX") or f"bench-hub-{uuid.uuid4().hex[:8]}"
    users = [DemoUser(f"bench{n:02d}", f"坐席{n:02d}", "agent", "zh,en", "general", CAPACITY, f"pw-{uuid.uuid4().hex}")
             for n in range(AGENTS)]
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("BENCH_HUB_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'hub.db'}"
        seed(database_url, users)
        port = services.free_port()
        env = {"HANDOFF_REDIS_PREFIX": prefix, "DATABASE_URL": database_url, "HANDOFF_WORKERS": str(WORKERS),
               "RASA_URL": f"http://127.0.0.1:{services.free_port()}", "POLICY_API_URL": "http://127.0.0.1:9"}
        try:
            with (contextlib.nullcontext(os.environ["BENCH_HUB_URL"]) if os.environ.get("BENCH_HUB_URL")
                  else services.hub(port, env, name="bench_hub")) as url:  # BENCH_HUB_URL: a hub you started (profiling)
                bench = Bench(url)
                bench.merge(uvloop.run(bench.run({u.username: u.password for u in users})))
            engine = create_engine(database_url)
            with engine.connect() as conn:
                rows = conn.execute(select(HandoffRecord.created_at, HandoffRecord.first_offered_at)).all()
            engine.dispose()
        finally:
            client = redis.Redis()
            for key in client.scan_iter(f"{prefix}:*", count=1000):
                client.delete(key)
    f = bench.figures()
    f["hub_offer_p95_ms"] = percentile([(r.first_offered_at - r.created_at).total_seconds() * 1000
                                        for r in rows if r.first_offered_at], 0.95)
    print(f"hub: {WORKERS} worker process(es) (BENCH_HUB_WORKERS)")
    print(f"handoffs {f['handoffs']} (POSTed {f['posted']}), offered {f['offered']}, accepted {f['accepted']} by {AGENTS} agents "
          f"(capacity {CAPACITY}, accept after {ACCEPT_DELAY_S[0]}-{ACCEPT_DELAY_S[1]} s)")
    print(f"handoff -> offer:  p50 {f['offer_p50_ms']:.0f} ms, p95 {f['offer_p95_ms']:.0f} ms (target p95 < 1000 ms)")
    print(f"handoff -> accept: p50 {f['accept_p50_ms']:.0f} ms, p95 {f['accept_p95_ms']:.0f} ms; "
          f"accepted within 30 s: {f['within_30s']:.1%}")
    print(f"for scale, 200 simultaneous GET /health on the same hub: p95 {f['health_p95_ms']:.0f} ms")
    print(f"POST /api/handoffs p95 {f['post_p95_ms']:.0f} ms; hub-side handoff -> offer p95 {f['hub_offer_p95_ms']:.0f} ms")
    print(f"messages lost or duplicated: {f['lost']} (target 0); accepts refused (offer expired): {f['conflicts']}")
    for line in f["missing"][:10]:
        print(f"  {line}")
    merge_results({
        "handoff_offer_p95_ms": round(f["offer_p95_ms"], 1),
        "handoff_accept_p95_ms": round(f["accept_p95_ms"], 1),
        "handoff_within_30s_share": round(f["within_30s"], 3),
        "handoff_messages_lost": f["lost"],
        "handoff_health_burst_p95_ms": round(f["health_p95_ms"], 1),
    })


if __name__ == "__main__":
    main()
