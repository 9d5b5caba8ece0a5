"""REST turn latency and throughput: a bare parse, a greeting turn, a policy-lookup turn.

All three are measured in one run against the real stack (policy API + action server + Rasa) so
their ratios mean something on this noisy machine. Prints the figures and merges them into
bench/results.json. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Awaitable, Callable

import httpx

from bench.results import merge_results
from devstack import services
from devstack.nlu import heldout_accuracy
from devstack.tokens import app_token

SINGLE_USER_TURNS = 60
CONCURRENT_USERS = 20
TURNS_PER_USER = 10
TURNS_PER_CONVERSATION = 10  # fresh sender every few turns, as real conversations are short
# Throughput of two kinds of turn is compared over this many alternating rounds (see alternating_rounds).
ROUNDS = 5


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


Turn = Callable[[httpx.AsyncClient, str], Awaitable[None]]


def rest_turn(rasa_url: str, message: str, metadata: dict, must_contain: str) -> Turn:
    async def turn(client: httpx.AsyncClient, sender: str) -> None:
        response = await client.post(f"{rasa_url}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": message, "metadata": metadata})
        text = " ".join(r.get("text", "") for r in response.json())
        if must_contain not in text:  # a fast wrong answer must not count
            raise AssertionError(f"unexpected reply to {message!r}: {text[:200]}")
    return turn


def parse_call(rasa_url: str, message: str) -> Turn:
    async def turn(client: httpx.AsyncClient, sender: str) -> None:
        response = await client.post(f"{rasa_url}/model/parse", json={"text": message})
        response.raise_for_status()
    return turn


async def user(client: httpx.AsyncClient, turn: Turn, turns: int, latencies: list[float]) -> None:
    sender = ""
    for i in range(turns):
        if i % TURNS_PER_CONVERSATION == 0:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
        start = time.perf_counter()
        await turn(client, sender)
        latencies.append((time.perf_counter() - start) * 1000)


async def measure(turn: Turn, users: int, turns_per_user: int, auth: httpx.Auth | None = None) -> dict[str, float]:
    """auth: the credentials of the Rasa measured (default: the one devstack.services starts)."""
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users + 5)
    async with httpx.AsyncClient(timeout=60, limits=limits, auth=auth or services.rasa_auth("bench")) as client:
        await user(client, turn, 3, [])  # warm-up
        start = time.perf_counter()
        await asyncio.gather(*(user(client, turn, turns_per_user, latencies) for _ in range(users)))
        elapsed = time.perf_counter() - start
    return {"p50": statistics.median(latencies), "p95": percentile(latencies, 0.95),
            "per_s": len(latencies) / elapsed}


async def alternating_rounds(first: Turn, second: Turn) -> tuple[list[float], list[float]]:
    """turns/s of two kinds of turn under the same 20-user load, in ROUNDS alternating rounds. On this shared
    host a burst of load from elsewhere can halve one round (a single round of each gave lookup/greeting 0.97,
    0.78 and 0.93 in three runs of one quiet quarter hour), so a ratio is the median of the rounds' ratios, each
    pair measured back to back, and each kind's figure its median round."""
    firsts, seconds = [], []
    for _ in range(ROUNDS):
        firsts.append((await measure(first, CONCURRENT_USERS, TURNS_PER_USER))["per_s"])
        seconds.append((await measure(second, CONCURRENT_USERS, TURNS_PER_USER))["per_s"])
    return firsts, seconds


async def run_turns(rasa_url: str) -> tuple[dict[str, dict[str, float]], list[float]]:
    """Latency and throughput of each kind of turn, and the lookup/greeting throughput ratio of each round."""
    token = app_token("C0001")
    kinds = {
        "parse": parse_call(rasa_url, "查一下我的保单"),
        "greet": rest_turn(rasa_url, "你好", {}, "智能客服"),
        "lookup": rest_turn(rasa_url, "查一下我的保单", {"token": token}, "HL20240001"),
    }
    figures: dict[str, dict[str, float]] = collections.defaultdict(dict)
    for name, turn in kinds.items():
        one = await measure(turn, 1, SINGLE_USER_TURNS)
        many = await measure(turn, CONCURRENT_USERS, TURNS_PER_USER)
        figures[name] = {"p50_1": one["p50"], "p95_1": one["p95"], "per_s_1": one["per_s"],
                         "p50_20": many["p50"], "p95_20": many["p95"], "per_s_20": many["per_s"]}
    greets, lookups = await alternating_rounds(kinds["greet"], kinds["lookup"])
    figures["greet"]["per_s_20"], figures["lookup"]["per_s_20"] = statistics.median(greets), statistics.median(lookups)
    return figures, [lookup / greet for greet, lookup in zip(greets, lookups, strict=True)]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        database_url = f"sqlite:///{Path(tmp) / 'policy.db'}"
        services.seed(database_url)
        api_url = stack.enter_context(services.policy_api(database_url))
        actions_url = stack.enter_context(services.action_server(api_url))
        rasa_url = stack.enter_context(services.rasa_server(actions_url, Path(tmp)))
        # The policy API builds its knowledge indexes in the background at start (minutes of CPU on a cold
        # embedding cache): the measured turns must not share the cores with that.
        services.wait_for_knowledge(api_url)
        figures, ratios = asyncio.run(run_turns(rasa_url))
        accuracy = {lang: heldout_accuracy(rasa_url, lang)[0] for lang in ("zh", "en")}

    print(f"{'turn':8} {'p50 1u':>9} {'p95 1u':>9} {'turns/s 1u':>11} {'p50 20u':>9} {'p95 20u':>9} {'turns/s 20u':>12}")
    for name, f in figures.items():
        print(f"{name:8} {f['p50_1']:8.1f}ms {f['p95_1']:8.1f}ms {f['per_s_1']:11.1f} "
              f"{f['p50_20']:8.1f}ms {f['p95_20']:8.1f}ms {f['per_s_20']:12.1f}")
    latency_ratio = figures["lookup"]["p50_1"] / figures["greet"]["p50_1"]
    throughput_ratio = statistics.median(ratios)
    rounds = " ".join(f"{r:.2f}" for r in ratios)
    print(f"lookup/greet p50 at 1 user: {latency_ratio:.2f}x (target <= 1.5x)")
    print(f"lookup/greet throughput at 20 users, {ROUNDS} alternating rounds: {rounds}, median {throughput_ratio:.2f} "
          "(target >= 0.90)")
    print(f"NLU held-out intent accuracy: zh {accuracy['zh']:.3f}, en {accuracy['en']:.3f} (target >= 0.90)")
    merge_results({
        "parse_p50_ms": round(figures["parse"]["p50_1"], 1),
        "greet_turn_p50_ms": round(figures["greet"]["p50_1"], 1),
        "lookup_turn_p50_ms": round(figures["lookup"]["p50_1"], 1),
        "greet_turn_per_s_20": round(figures["greet"]["per_s_20"], 1),
        "lookup_turn_per_s_20": round(figures["lookup"]["per_s_20"], 1),
        "lookup_turn_p95_ms_20": round(figures["lookup"]["p95_20"], 1),
        "lookup_to_greet_p50_ratio": round(latency_ratio, 2),
        "lookup_to_greet_throughput_ratio_20": round(throughput_ratio, 2),
        "lookup_to_greet_throughput_ratio_20_rounds": rounds,
        "nlu_heldout_acc_zh": round(accuracy["zh"], 3),
        "nlu_heldout_acc_en": round(accuracy["en"], 3),
    })


if __name__ == "__main__":
    main()
