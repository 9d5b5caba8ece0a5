"""The customer's wait estimate against what then happens: customers hand over one every 1.5 s to 4
simulated agents who hold one conversation each (bench/sim_agents.py: accept after 1-4 s, answer,
close after the customer's reply), so a queue builds and drains; a real hub process and real Redis,
product timers (10 s reservation, 30 s escalation), the configured average handling time (240 s)
until the hub has seen conversations end.

For each customer: the estimate the hub gave with the handoff (`estimated_wait_s`, what her page
first shows) and her real wait (handoff -> the agent's "joined" at her socket). Prints and merges
into bench/results.json the median absolute error, over all customers and over those who came after
the first 10 (by then the hub has seen accepts and ends), and how many were told "less than a
minute" and waited under one. Bounded: BENCH_WAIT_TIMEOUT_S (default 300).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import redis
from websockets.asyncio.client import connect

from bench.results import merge_results
from bench.sim_agents import SimAgents
from devstack import services
from handoff.seed import DemoUser, seed

CUSTOMERS = int(os.environ.get("BENCH_WAIT_CUSTOMERS", "40"))
AGENTS = 4
ARRIVAL_EVERY_S = 1.5
HANDLE_S = (4.0, 12.0)  # the customer's part of a conversation: she answers the agent after this long
WARM_UP = 10
TIMEOUT_S = float(os.environ.get("BENCH_WAIT_TIMEOUT_S", "300"))


@dataclass
class Waited:
    estimate_s: float | None = None
    waited_s: float | None = None


async def customer(url: str, hub: httpx.AsyncClient, rng: random.Random, out: Waited) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        session = await http.post("/api/chat/session")
        session.raise_for_status()
        cid = session.json()["conversation_id"]
        ws_url = url.replace("http://", "ws://") + f"/ws/chat/{cid}"
        async with connect(ws_url, additional_headers={"Cookie": f"hub_chat={session.cookies['hub_chat']}"},
                           max_size=2**22) as ws:
            start = time.monotonic()
            response = await hub.post("/api/handoffs", json={
                "conversation_id": cid, "reason": "request", "language": "zh", "channel": "chat",
                "customer_id": None, "summary": [{"speaker": "customer", "text": "转人工"}]})
            response.raise_for_status()
            out.estimate_s = response.json()["estimated_wait_s"]
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") != "event":
                    continue
                if frame.get("kind") == "agent_joined" and out.waited_s is None:
                    out.waited_s = time.monotonic() - start
                elif frame.get("sender") == "agent":
                    await asyncio.sleep(rng.uniform(*HANDLE_S))
                    await ws.send(json.dumps({"type": "message", "text": "好的，谢谢", "client_msg_id": "thanks"}))
                elif frame.get("kind") == "csat_request":
                    return


async def run(url: str, passwords: dict[str, str]) -> list[Waited]:
    rng = random.Random(21)
    agents = SimAgents(url, passwords, random.Random(7))
    await agents.start()
    waits = [Waited() for _ in range(CUSTOMERS)]
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=services.HUB_KEY) as hub:
        tasks = []
        try:
            for waited in waits:
                tasks.append(asyncio.create_task(customer(url, hub, random.Random(rng.random()), waited)))
                await asyncio.sleep(ARRIVAL_EVERY_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), TIMEOUT_S)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await agents.stop()
    return waits


def median_error(waits: list[Waited]) -> float | None:
    errors = [abs(w.estimate_s - w.waited_s) for w in waits if w.estimate_s is not None and w.waited_s is not None]
    return round(statistics.median(errors), 1) if errors else None


def main() -> None:
    prefix = f"bench-wait-{uuid.uuid4().hex[:8]}"
    users = [DemoUser(f"wait{n:02d}", f"坐席{n:02d}", "agent", "zh,en", "general", 1, f"pw-{uuid.uuid4().hex}")
             for n in range(AGENTS)]
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'hub.db'}"
        seed(database_url, users)
        env = {"HANDOFF_REDIS_PREFIX": prefix, "DATABASE_URL": database_url,
               "RASA_URL": f"http://127.0.0.1:{services.free_port()}", "POLICY_API_URL": "http://127.0.0.1:9"}
        try:
            with services.hub(services.free_port(), env, name="bench_wait_hub") as url:
                waits = asyncio.run(run(url, {u.username: u.password for u in users}))
        finally:
            client = redis.Redis()
            for key in client.scan_iter(f"{prefix}:*", count=1000):
                client.delete(key)
    served = [w for w in waits if w.waited_s is not None]
    told_under = [w for w in served if w.estimate_s is not None and w.estimate_s < 60]
    overall, later = median_error(waits), median_error(waits[WARM_UP:])
    print(f"{len(served)}/{len(waits)} customers reached an agent ({AGENTS} agents x 1, one handoff every "
          f"{ARRIVAL_EVERY_S} s); real wait p50 {statistics.median([w.waited_s for w in served]):.1f} s, "
          f"max {max(w.waited_s for w in served):.1f} s")
    print(f"estimate vs real wait: median |error| {overall} s over all, {later} s after the first {WARM_UP}")
    print(f"told 'less than a minute': {len(told_under)}, of whom waited under a minute: "
          f"{sum(1 for w in told_under if w.waited_s < 60)}; told no number (no agent free): "
          f"{sum(1 for w in waits if w.estimate_s is None)}")
    for n, w in enumerate(waits, 1):
        print(f"  {n:2d}: estimate {w.estimate_s} s, waited {None if w.waited_s is None else round(w.waited_s, 1)} s")
    merge_results({
        "handoff_wait_estimate_median_error_s": overall,
        "handoff_wait_estimate_median_error_after_warmup_s": later,
        "handoff_wait_estimate_customers": len(served),
    })


if __name__ == "__main__":
    main()
