"""`make simulate`: a few hundred scripted customers against the whole running system, then the service
figures, checked against what the script saw.

Customers talk to the hub's chat WebSocket, the path a real customer's chat page takes: the hub relays
to Rasa while the bot owns the conversation, queues the handoffs the bot's action posts, and carries the
agent's replies and the rating after a human chat. (Rasa's REST channel alone has no agents and no
human ratings.) Simulated agents accept offers through the console API and WebSocket.

Prints the figures and writes bench/simulate.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib.util
import json
import os
import random
import re
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.sim_agents import SimAgents
from bench.sim_clients import Outcome, run_customer
from bench.sim_journeys import JOURNEYS, REMINDER, Journey, Plan, plans
from bench.sim_stack import SimStack, sim_stack
from devstack import services
from service_figures.text import render

OUT = services.ROOT / "bench" / "simulate.json"
CUSTOMERS_OUT = services.ROOT / "test-artifacts" / "simulate-customers.json"  # each customer's outcome and transcript


def available_journeys() -> list[Journey]:
    """Every journey the system in this checkout supports (policy summary needs its intent)."""
    domain = "\n".join(p.read_text(encoding="utf-8") for p in (services.ROOT / "bot" / "domain").glob("*.yml"))
    return [j for j in JOURNEYS if j.name != "policy_summary" or re.search(r"^\s*-\s*policy_summary\b", domain, re.M)]


def script_truth(outcomes: list[Outcome]) -> dict[str, Any]:
    """What the customers saw, in the figures' terms."""
    bot_scores = [o.bot_score for o in outcomes if o.bot_score is not None]
    human_scores = [o.human_score for o in outcomes if o.human_score is not None]
    return {
        "customers": len(outcomes),
        "resolved_by_bot": sum(1 for o in outcomes if o.completed and not o.handed_over),
        "handoffs": sum(1 for o in outcomes if o.handed_over),
        "csat_bot_answers": len(bot_scores), "csat_bot_4_5": sum(1 for s in bot_scores if s >= 4),
        "csat_bot_skipped": sum(1 for o in outcomes if o.bot_skipped),
        "csat_human_answers": len(human_scores), "csat_human_4_5": sum(1 for s in human_scores if s >= 4),
        "reminders_acted_on": sum(1 for o in outcomes if o.journey == "reminder" and o.completed),
        "errors": sum(1 for o in outcomes if o.error),
    }


def outreach_pass(stack: SimStack) -> dict[str, Any] | None:
    """One real reminder pass (`python -m outreach.run_once`) into this stack's hub; None without outreach."""
    if importlib.util.find_spec("outreach") is None:
        return None
    result = subprocess.run([services.APP_PYTHON, "-m", "outreach.run_once", "--database-url", stack.database_url],
                            cwd=services.ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "OUTREACH_HUB_URL": stack.hub_url, "HANDOFF_API_KEY": stack.api_key})
    if result.returncode != 0:
        raise RuntimeError(f"outreach.run_once failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout)


def reminded_app_chats(stack: SimStack) -> list[tuple[str, str]]:
    """(customer id, language) of every customer with a reminder delivered into the app chat."""
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT DISTINCT r.customer_id, r.language FROM reminders r "
                                     "JOIN reminder_deliveries d ON d.reminder_id = r.id "
                                     "WHERE d.channel = 'app' AND d.status = 'sent' ORDER BY r.customer_id")).all()
    finally:
        engine.dispose()
    return [(r.customer_id, r.language) for r in rows]


def with_reminder_customers(drawn: list[Plan], chats: list[tuple[str, str]]) -> list[Plan]:
    """The first customers become the reminded customers opening their app chat; the count stays."""
    out = list(drawn)
    for n, (customer_id, language) in enumerate(chats[:len(out)]):
        out[n] = dataclasses.replace(out[n], journey=REMINDER, language=language if language in ("zh", "en") else "zh",
                                     conversation_id=f"app-{customer_id}")
    return out


async def simulate(stack: SimStack, customers: int, seed: int, concurrency: int = 8,
                   journeys: list[Journey] | None = None) -> tuple[list[Outcome], dict[str, Any]]:
    """Run the customers (at most `concurrency` at once) and return what they saw and the hub's figures.
    With outreach in the checkout, a reminder pass runs first and the reminded customers answer them."""
    run_tag = f"{seed}-{int(time.time()) % 100000}"
    drawn = plans(customers, seed, journeys or available_journeys())
    if await asyncio.to_thread(outreach_pass, stack) is not None:
        drawn = with_reminder_customers(drawn, await asyncio.to_thread(reminded_app_chats, stack))
    agents = SimAgents(stack.hub_url, {u: p for u, p in stack.passwords.items() if u != "supervisor"},
                       random.Random(seed))
    await agents.start()
    gate = asyncio.Semaphore(concurrency)

    async def one(plan: Plan) -> Outcome:
        cid = plan.conversation_id or f"sim-{run_tag}-{plan.number:04d}"
        pattern = re.compile(plan.journey.done[plan.language], re.I | re.S)
        async with gate:
            try:
                return await asyncio.wait_for(run_customer(stack.ws_url, cid, plan, pattern, stack.api_url), 600)
            except Exception as exc:  # one customer's failure is reported, never the end of the run
                return Outcome(cid, plan.journey.name, plan.language, error=repr(exc))

    try:
        outcomes = await asyncio.gather(*(one(p) for p in drawn))
    finally:
        await agents.stop()
    await asyncio.to_thread(outreach_pass, stack)  # marks the reminders paid for as acted on
    await asyncio.sleep(1.5)  # the hub writes its records a moment after the event
    await asyncio.to_thread(services.wait_for_event_record, stack.events_url)  # and the event record Rasa's
    return list(outcomes), await fetch_figures(stack)


async def fetch_figures(stack: SimStack, days: int = 1) -> dict[str, Any]:
    """GET /api/figures as a supervisor would."""
    async with httpx.AsyncClient(base_url=stack.hub_url, timeout=120) as http:
        (await http.post("/api/console/login", json={"username": "supervisor",
                                                      "password": stack.passwords["supervisor"]})).raise_for_status()
        response = await http.get("/api/figures", params={"days": days})
        response.raise_for_status()
        return response.json()


def summary(outcomes: list[Outcome], figures: dict[str, Any], seed: int, elapsed_s: float) -> dict[str, Any]:
    total = figures["total"]
    counts = Counter(o.journey for o in outcomes)
    return {
        "conversations": total["conversations"],
        "resolved_by_bot_share": total["resolved_by_bot_share"],
        "handoff_share": total["handoff_share"],
        "csat_share_4_5": total["csat_share_4_5"],
        "reminders_sent": total["reminders_sent"],
        "reminders_acted_on": total["reminders_acted_on"],
        **{f"journey_{j.name}": counts.get(j.name, 0) for j in JOURNEYS},
        "languages": dict(Counter(o.language for o in outcomes)),
        "workload_reduction": total["workload_reduction"],
        "accept_p95_s": total["accept_p95_s"],
        "targets_met": {name: t["met"] for name, t in figures["targets"].items()},
        "script": script_truth(outcomes),
        "customer_channel": "hub chat WebSocket",
        "seed": seed,
        "elapsed_s": round(elapsed_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--concurrency", type=int, default=8, help="customers talking at once")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.customers < 1:
        parser.error("--customers must be 1 or more")
    if importlib.util.find_spec("outreach") is None:
        print("(no outreach package in this checkout: no reminders journey)")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="simulate-") as tmp, sim_stack(Path(tmp)) as stack:
        print(f"stack up in {time.perf_counter() - start:.0f} s; {args.customers} customers, seed {args.seed}")
        run_start = time.perf_counter()
        outcomes, figures = asyncio.run(simulate(stack, args.customers, args.seed, args.concurrency))
        elapsed = time.perf_counter() - run_start
    result = summary(outcomes, figures, args.seed, elapsed)
    print(render(figures))
    print("journeys: " + ", ".join(f"{k[8:]} {v}" for k, v in result.items() if k.startswith("journey_")))
    print(f"script saw: {result['script']}")
    for o in [o for o in outcomes if o.error][:10]:
        print(f"  {o.cid} {o.journey} {o.language}: {o.error}\n    " + "\n    ".join(o.transcript[-6:]))
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    CUSTOMERS_OUT.parent.mkdir(parents=True, exist_ok=True)
    CUSTOMERS_OUT.write_text(
        json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out} and {CUSTOMERS_OUT}")


if __name__ == "__main__":
    main()
