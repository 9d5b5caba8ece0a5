"""CPU time a turn costs each process: our greeting, our policy lookup and a bare `rasa init` greeting.

Turns per second on this shared 2-core host move by ±30% with other work; the CPU each of our processes
spends on a turn does not, so this is the figure to profile against. It starts the same stack as
bench/bare_rasa.py (policy API, action server, our Rasa with its event record, the bare bot), puts each
kind of turn under the same 20-user load (bench/turns.measure), and divides each process's CPU seconds
(user + system, from /proc, threads and child processes included) by the turns served.

Prints a table and merges the per-turn CPU figures into bench/results.json (`cpu_figures`): they say which
service a turn's cost lies in, which bench/turns.py's throughput cannot. On a quiet host the ratio by CPU moved
less than the throughput ratio (0.78-0.86 against 0.81-0.91, three runs each); on a noisy one it moved as much
(0.69-0.97 in three runs within 20 minutes, docs/turn_costs.md). `python -m bench.turn_cpu [--turns-per-user N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from bench.bare_rasa import both_bots
from bench.results import merge_results
from bench.turns import CONCURRENT_USERS, Turn, measure, rest_turn
from devstack.tokens import app_token

TICKS = os.sysconf("SC_CLK_TCK")
# Which of our child processes is which, by a word of its command line.
ROLES = {"policy_api": "policy API", "actions.server": "action server", "bot.server": "our Rasa",
         "event_record": "event record", "bare-credentials": "bare Rasa"}


def _stat(pid: int) -> tuple[int, float]:
    """(parent pid, CPU seconds of the process and its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / TICKS


def _descendants(root: int) -> dict[int, int]:
    """pid -> its parent, for every process under root."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = _stat(int(entry.name))[0]
    found, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = ppid
                frontier.append(pid)
    return found


def _role(pid: int) -> str | None:
    with contextlib.suppress(OSError):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        return next((role for word, role in ROLES.items() if word in cmdline), None)
    return None


def cpu_by_role() -> dict[str, float]:
    """CPU seconds so far of each of our services (a service's own children counted with it)."""
    totals: dict[str, float] = {}
    tree = _descendants(os.getpid())
    for pid in tree:
        role, walk = _role(pid), pid
        while role is None and walk in tree:  # a child of a service counts as the service
            walk = tree[walk]
            role = _role(walk)
        if role:
            with contextlib.suppress(OSError):
                totals[role] = totals.get(role, 0.0) + _stat(pid)[1]
    return totals


@contextlib.contextmanager
def _profiled(name: str) -> Iterator[None]:
    """With TURN_CPU_PYSPY=<py-spy binary> and TURN_CPU_PROFILES=<dir>: py-spy samples each service while
    the turns run, into <dir>/<turn>-<service>.txt (raw, collapsed stacks)."""
    spy, out = os.environ.get("TURN_CPU_PYSPY"), os.environ.get("TURN_CPU_PROFILES")
    if not spy or not out:
        yield
        return
    spies = []
    for pid in _descendants(os.getpid()):
        role = _role(pid)
        if role in ("our Rasa", "action server", "policy API", "bare Rasa"):
            target = Path(out) / f"{name.replace(' ', '').replace('(', '-').replace(')', '')}-{role.replace(' ', '_')}.txt"
            spies.append(subprocess.Popen([spy, "record", "-p", str(pid), "-f", "raw", "-o", str(target), "-r", "200",
                                           "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(1)
    try:
        yield
    finally:
        for process in spies:
            process.send_signal(signal.SIGINT)
        for process in spies:
            process.wait()


async def cpu_per_turn(name: str, turn: Turn, turns_per_user: int) -> tuple[dict[str, float], float]:
    """ms of CPU per turn for each service, and the turns/s of the run."""
    await measure(turn, 2, 5)  # warm-up outside the counted window
    before = cpu_by_role()
    with _profiled(name):
        figures = await measure(turn, CONCURRENT_USERS, turns_per_user)
    after = cpu_by_role()
    turns = CONCURRENT_USERS * turns_per_user
    return {role: (after[role] - before.get(role, 0.0)) * 1000 / turns for role in after}, figures["per_s"]


def ours_total(cpu: dict[str, float]) -> float:
    """CPU a turn costs our stack: every service but the bare bot."""
    return sum(v for role, v in cpu.items() if role != "bare Rasa")


def cpu_figures(measured: dict[str, dict[str, float]]) -> dict[str, float]:
    """The keys merged into bench/results.json, from each kind of turn's CPU ms by service."""
    greet, lookup = measured["greet (ours)"], measured["lookup (ours)"]
    return {
        "greet_turn_cpu_ms": round(ours_total(greet), 1),
        "lookup_turn_cpu_ms": round(ours_total(lookup), 1),
        "greet_turn_rasa_cpu_ms": round(greet.get("our Rasa", 0.0), 1),
        "lookup_turn_rasa_cpu_ms": round(lookup.get("our Rasa", 0.0), 1),
        "lookup_turn_policy_api_cpu_ms": round(lookup.get("policy API", 0.0), 1),
        "lookup_turn_action_server_cpu_ms": round(lookup.get("action server", 0.0), 1),
        "bare_rasa_greet_cpu_ms": round(measured["greet (bare)"].get("bare Rasa", 0.0), 1),
        # The lookup/greeting throughput our stack would reach if CPU were all a turn waited for and the stack
        # had the cores to itself: turns/s is 1/CPU per turn, so the ratio is greeting CPU / lookup CPU.
        "lookup_to_greet_throughput_ratio_by_cpu": round(ours_total(greet) / ours_total(lookup), 2),
    }


async def run(ours: str, bare: str, turns_per_user: int) -> dict[str, dict[str, float]]:
    kinds = {
        "greet (ours)": rest_turn(ours, "你好", {}, "智能客服"),
        "lookup (ours)": rest_turn(ours, "查一下我的保单", {"token": app_token("C0001")}, "HL20240001"),
        "greet (bare)": rest_turn(bare, "hello", {}, "Hey! How are you?"),
    }
    roles = list(ROLES.values())
    print(f"CPU ms per turn at {CONCURRENT_USERS} users, {CONCURRENT_USERS * turns_per_user} turns each:")
    print(f"{'turn':14} " + " ".join(f"{r:>13}" for r in roles) + f" {'ours total':>11} {'turns/s':>8}")
    measured = {}
    for name, turn in kinds.items():
        cpu, per_s = await cpu_per_turn(name, turn, turns_per_user)
        measured[name] = cpu
        print(f"{name:14} " + " ".join(f"{cpu.get(r, 0.0):13.1f}" for r in roles)
              + f" {ours_total(cpu):11.1f} {per_s:8.1f}", flush=True)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns-per-user", type=int, default=20)
    args = parser.parse_args()
    # Without waiting for the knowledge indexes (TURN_CPU_NO_KNOWLEDGE_WAIT=1), building them on a cold embedding
    # cache is counted in the policy API's column.
    with both_bots(wait_for_knowledge=not os.environ.get("TURN_CPU_NO_KNOWLEDGE_WAIT")) as (ours_url, bare_url):
        measured = asyncio.run(run(ours_url, bare_url, args.turns_per_user))
    figures = cpu_figures(measured)
    print(f"lookup/greeting throughput by our stack's CPU per turn: "
          f"{figures['lookup_to_greet_throughput_ratio_by_cpu']:.2f} (bench.turns' target >= 0.90)")
    merge_results(figures)

if __name__ == "__main__":
    main()
