"""`python -m bench.cluster` (make bench): what the cluster profile costs and what it survives, in one run.

The same greeting turn is measured on `make run`'s profile (one Rasa, conversations in memory) and on
`make cluster`'s (two Rasa replicas behind HAProxy, trackers in PostgreSQL, locks in Redis): latency with one
user, throughput with 20 at once. Then, on the cluster, one Rasa replica is killed (-9) during a burst of
customers; each customer's client does what the hub does when a turn fails (handoff/relay_once.py: look in
the tracker for the message, send it again only if it never got there), and afterwards every message is
checked in the trackers: failover_lost_messages counts those not there exactly once with exactly one answer.
Both installs run on free ports with their own data, and are stopped (and their databases dropped) after.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.results import merge_results
from bench.turns import measure, rest_turn
from devstack.launch import Install, launched
from handoff.relay_once import METADATA_KEY, replies_in_tracker

GREETING, GREETING_REPLY = "你好", "智能客服"
SINGLE_USER_TURNS = 40
CONCURRENT_USERS = 20
TURNS_PER_USER = 10
BURST_CUSTOMERS = 20
BURST_TURNS = 8  # per customer, all in one conversation
KILL_AFTER_ANSWERS = 40  # answered turns of the burst before the replica is killed
DELIVERY_ATTEMPTS = 6


async def greeting(install: Install) -> dict[str, float]:
    turn = rest_turn(install.rasa_url, GREETING, {}, GREETING_REPLY)
    auth = install.rasa_auth("bench")
    one = await measure(turn, 1, SINGLE_USER_TURNS, auth)
    many = await measure(turn, CONCURRENT_USERS, TURNS_PER_USER, auth)
    return {"p50_ms": one["p50"], "per_s_20": many["per_s"]}


@dataclass
class Burst:
    install: Install
    answered: int = 0
    failed: int = 0  # turns that got no answer (in flight on the killed replica)
    resent: int = 0
    sent: dict[str, list[str]] = field(default_factory=dict)  # conversation -> relay id of each message


async def tracker_events(client: httpx.AsyncClient, install: Install, sender: str) -> list[dict[str, Any]]:
    response = await client.get(f"{install.rasa_url}/conversations/{sender}/tracker",
                                params={"include_events": "ALL"})
    response.raise_for_status()
    return response.json().get("events") or []


async def deliver(client: httpx.AsyncClient, burst: Burst, sender: str, relay_id: str) -> None:
    """One message until it is answered. After a failed turn it is sent again only when the tracker shows it
    never got there (what the hub does, handoff/relay_once.py); while the tracker cannot be read, it waits."""
    body = {"sender": sender, "message": GREETING, "metadata": {METADATA_KEY: relay_id}}
    unsure = False
    for attempt in range(DELIVERY_ATTEMPTS):
        if unsure:
            try:
                events = await tracker_events(client, burst.install, sender)
            except httpx.HTTPError:
                await asyncio.sleep(1 + attempt)
                continue
            if replies_in_tracker(events, relay_id) is not None:
                return
            burst.resent += 1
        try:
            response = await client.post(f"{burst.install.rasa_url}/webhooks/rest/webhook", json=body)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        burst.failed += 1
        unsure = True
        await asyncio.sleep(1 + attempt)
    raise RuntimeError(f"{sender}: message {relay_id} not delivered in {DELIVERY_ATTEMPTS} attempts")


async def customer(client: httpx.AsyncClient, burst: Burst) -> None:
    sender = f"failover-{uuid.uuid4().hex[:12]}"
    burst.sent[sender] = []
    for _ in range(BURST_TURNS):
        relay_id = secrets.token_hex(8)
        burst.sent[sender].append(relay_id)
        await deliver(client, burst, sender, relay_id)
        burst.answered += 1


async def kill_a_replica_midway(burst: Burst) -> None:
    while burst.answered < KILL_AFTER_ANSWERS:
        await asyncio.sleep(0.05)
    victim = burst.install.replica_ports("RASA")[0]
    burst.install.launch.kill(f"rasa:rasa_{victim}")


async def failover(install: Install) -> dict[str, int]:
    burst = Burst(install)
    limits = httpx.Limits(max_connections=BURST_CUSTOMERS * 2)
    # Long enough for a turn that waits out the killed replica's lock on its conversation (60 s in Rasa).
    async with httpx.AsyncClient(auth=install.rasa_auth("bench"), timeout=150, limits=limits) as client:
        expected = len((await client.post(f"{install.rasa_url}/webhooks/rest/webhook",
                                          json={"sender": f"warm-{uuid.uuid4().hex[:8]}", "message": GREETING})).json())
        await asyncio.gather(kill_a_replica_midway(burst), *(customer(client, burst) for _ in range(BURST_CUSTOMERS)))
        lost = 0
        for sender, relay_ids in burst.sent.items():
            events = await tracker_events(client, install, sender)
            for relay_id in relay_ids:
                times = sum(1 for e in events if e.get("event") == "user"
                            and (e.get("metadata") or {}).get(METADATA_KEY) == relay_id)
                replies = replies_in_tracker(events, relay_id) or []
                lost += times != 1 or len(replies) != expected
    return {"messages": sum(len(ids) for ids in burst.sent.values()), "lost": lost, "failed": burst.failed,
            "resent": burst.resent}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        with launched("single", Path(tmp) / "single") as single:
            single_figures = asyncio.run(greeting(single))
        with launched("cluster", Path(tmp) / "cluster") as cluster:
            cluster_figures = asyncio.run(greeting(cluster))
            burst = asyncio.run(failover(cluster))
    print(f"greeting p50 1 user:      single {single_figures['p50_ms']:.1f} ms, cluster {cluster_figures['p50_ms']:.1f} ms")
    print(f"greeting turns/s 20 users: single {single_figures['per_s_20']:.1f}, cluster {cluster_figures['per_s_20']:.1f}")
    print(f"replica killed during a burst of {burst['messages']} messages: {burst['lost']} without exactly one answer "
          f"({burst['failed']} turns failed; {burst['resent']} sent again after the tracker showed they never arrived)")
    merge_results({
        "single_turn_p50_ms": round(single_figures["p50_ms"], 1),
        "cluster_turn_p50_ms": round(cluster_figures["p50_ms"], 1),
        "single_turns_per_s_20": round(single_figures["per_s_20"], 1),
        "cluster_turns_per_s_20": round(cluster_figures["per_s_20"], 1),
        "failover_lost_messages": burst["lost"],
        "failover_burst_messages": burst["messages"],
        "failover_turns_failed": burst["failed"],
    })


if __name__ == "__main__":
    main()
