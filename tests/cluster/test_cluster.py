"""`make cluster` as it runs in production, on this host: 2 Rasa replicas (trackers in PostgreSQL, locks in
Redis), 2 action servers, HAProxy in front of both, the hub with 2 workers. What must hold for customers when
turns land on any replica, when a replica or a hub worker is killed, and when 50 customers talk at once.

One cluster (scripts/run.sh cluster on free ports, its own PostgreSQL databases) serves every test here; the
tests that kill a process come last, and the cluster is stopped and its databases dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
import yaml

from devstack import services
from devstack.hub_clients import Customer, HubRun
from devstack.launch import Install, launched

# Three different questions, so each reply shows which message it answers.
NUMBERED = (("你好", "智能客服"), ("你是真人吗", "机器人"), ("谢谢", "不客气"))
CUSTOMERS_AT_ONCE = 50
# Where Rasa's lock store keeps each conversation's tickets (bot/endpoints.docker.yml, Rasa's key prefix).
LOCK_DB = yaml.safe_load((services.ROOT / "bot" / "endpoints.docker.yml").read_text())["lock_store"]["db"]
LOCK_KEY = "lock:{}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    with launched("cluster", tmp_path_factory.mktemp("cluster") / "var") as install:
        # The policy API answers before its knowledge indexes are built; building them keeps a core busy
        # (in each worker), and lookups on a busy host would then run into the actions' timeout.
        api_url, api_key = install.url("POLICY_API_PORT"), install.launch.secrets()["POLICY_API_KEY"]
        for _answer in range(6):  # six "ready" answers: each worker builds its own, and both will have answered
            services.wait_for_knowledge(api_url, api_key)
        yield install


class Conversation:
    """One customer over Rasa's signed channel; each turn goes to the next of `urls` (replicas or the proxy)."""

    def __init__(self, cluster: Install, urls: list[str]) -> None:
        self.cluster = cluster
        self.urls = urls
        self.sender = f"cluster-{uuid.uuid4().hex[:12]}"
        self.auth = cluster.rasa_auth()
        self.turns: list[tuple[str, list[str | None]]] = []  # what the customer said and the replies she got

    def say(self, text: str) -> str:
        url = self.urls[len(self.turns) % len(self.urls)]
        response = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": self.sender, "message": text},
                              auth=self.auth, timeout=150)
        response.raise_for_status()
        replies = [r.get("text") for r in response.json()]
        self.turns.append((text, replies))
        return "\n".join(r for r in replies if r)

    def tracker(self) -> dict[str, Any]:
        return tracker(self.cluster, self.sender)

    def slots(self) -> dict[str, Any]:
        return self.tracker()["slots"]


def tracker(cluster: Install, sender: str) -> dict[str, Any]:
    response = httpx.get(f"{cluster.rasa_url}/conversations/{sender}/tracker", params={"include_events": "ALL"},
                         auth=cluster.rasa_auth(), timeout=30)
    response.raise_for_status()
    return response.json()


def turns_in_tracker(events: list[dict[str, Any]]) -> list[tuple[str, list[str | None]]]:
    """Each user message in the tracker with the bot messages that follow it, in the tracker's order."""
    turns: list[tuple[str, list[str | None]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event.get("text"), []))
        elif event["event"] == "bot" and turns:
            turns[-1][1].append(event.get("text"))
    return turns


def wait_until_served(cluster: Install, timeout_s: float = 420) -> None:
    """Both Rasa replicas and both action servers answer (after an earlier test killed one, it restarts)."""
    urls = [f"http://127.0.0.1:{p}/" for p in cluster.replica_ports("RASA")]
    urls += [f"http://127.0.0.1:{p}/health" for p in cluster.replica_ports("ACTIONS")]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(answers(url) for url in urls):
            return
        time.sleep(1)
    raise AssertionError(f"replicas not all serving after {timeout_s}s: {cluster.launch.ctl('status')}")


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def replica_urls(cluster: Install) -> list[str]:
    return [f"http://127.0.0.1:{port}" for port in cluster.replica_ports("RASA")]


def test_a_conversation_spread_over_both_replicas_keeps_every_slot(cluster: Install) -> None:
    wait_until_served(cluster)
    chat = Conversation(cluster, replica_urls(cluster))  # turn 1 on replica 1, turn 2 on replica 2, ...
    chat.say("查一下我的保单")
    assert "验证成功" in chat.say("13800138000 后四位1234")
    assert chat.slots()["verified"] is True
    # A claim form, each of its questions answered on the other replica than the one that asked it.
    assert "医疗险理赔指引" in chat.say("住院花了3000块怎么理赔")
    chat.say("好的")
    assert "日期" in chat.say("HL20240001")
    assert "金额" in chat.say("昨天")
    assert "经过" in chat.say("三千二")
    reply = chat.say("急性肠胃炎住院两天")
    assert "已为您报案" in reply and "3,200" in reply, reply
    slots = chat.slots()
    assert slots["verified"] is True and slots["customer_id"] == "C0001"
    assert chat.turns == turns_in_tracker(chat.tracker()["events"])


async def tickets(locks: aioredis.Redis, sender: str) -> int:
    """How many of the conversation's messages hold a ticket of Rasa's lock (waiting or being handled)."""
    lock = await locks.get(LOCK_KEY.format(sender))
    return len(json.loads(lock)["tickets"]) if lock else 0


def test_fifty_customers_at_once_are_each_answered_in_order(cluster: Install) -> None:
    """Each customer sends her next message while the one before is still waiting or being handled, as soon
    as that one holds its ticket in the lock: whichever replica each lands on, the lock must make it wait."""
    wait_until_served(cluster)
    overlapped = 0

    async def customer(client: httpx.AsyncClient, locks: aioredis.Redis) -> tuple[str, list[list[str | None]]]:
        nonlocal overlapped
        sender = f"crowd-{uuid.uuid4().hex[:12]}"
        pending: list[asyncio.Task] = []

        async def message(number: int, text: str) -> list[str | None]:
            response = await client.post(f"{cluster.rasa_url}/webhooks/rest/webhook",
                                         json={"sender": sender, "message": text, "metadata": {"n": number}})
            response.raise_for_status()
            return [r.get("text") for r in response.json()]

        for number, (text, _) in enumerate(NUMBERED):
            # Every earlier message still unanswered has its ticket: this one queues behind them.
            while await tickets(locks, sender) < sum(not task.done() for task in pending):
                await asyncio.sleep(0.02)
            overlapped += any(not task.done() for task in pending)
            pending.append(asyncio.create_task(message(number, text)))
        return sender, list(await asyncio.gather(*pending))

    async def crowd() -> list[tuple[str, list[list[str | None]]]]:
        limits = httpx.Limits(max_connections=CUSTOMERS_AT_ONCE * len(NUMBERED))
        locks = aioredis.Redis(host="127.0.0.1", port=6379, db=LOCK_DB)
        try:
            async with httpx.AsyncClient(auth=cluster.rasa_auth("crowd"), timeout=150, limits=limits) as client:
                return await asyncio.gather(*(customer(client, locks) for _ in range(CUSTOMERS_AT_ONCE)))
        finally:
            await locks.aclose()

    for sender, replies in asyncio.run(crowd()):
        for (text, expected), got in zip(NUMBERED, replies, strict=True):
            assert any(expected in (r or "") for r in got), f"{sender}: {text!r} was answered {got}"
        events = tracker(cluster, sender)["events"]
        # Handled one at a time, in the order sent: each message, then its own answer, then the next.
        assert turns_in_tracker(events) == [(text, got) for (text, _), got in zip(NUMBERED, replies, strict=True)], \
            sender
        numbers = [e["metadata"]["n"] for e in events if e["event"] == "user"]
        assert numbers == list(range(len(NUMBERED))), sender
    # Most follow-ups really did arrive while the message before was in the lock (else nothing was tested).
    assert overlapped >= CUSTOMERS_AT_ONCE, f"only {overlapped} messages overlapped the one before"


def verified_then_replica_killed(cluster: Install, service: str) -> Conversation:
    """王芳 verifies through the proxy; then the first replica of `service` ("rasa", "actions") is killed (-9)."""
    wait_until_served(cluster)
    chat = Conversation(cluster, [cluster.rasa_url])
    chat.say("查一下我的保单")
    assert "验证成功" in chat.say("13800138000 后四位1234")
    victim = cluster.replica_ports(service.upper())[0]
    cluster.launch.kill(f"{service}:{service}_{victim}")
    # A process killed -9 frees its memory before its sockets: until then the kernel still accepts
    # connections on its port, which then close unanswered, and such a request is the hub's to recover
    # (handoff/relay_once.py), not the proxy's to resend. The next turn comes once the port refuses.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", victim)) != 0:
                break
        time.sleep(0.02)
    return chat


def test_a_killed_action_server_is_covered_by_the_other(cluster: Install) -> None:
    chat = verified_then_replica_killed(cluster, "actions")
    # The next turn runs the policy-list action: the proxy sends it to the action server still up.
    reply = chat.say("我有哪些保单")
    assert "HL20240001" in reply and "身份证" not in reply, reply
    assert chat.turns == turns_in_tracker(chat.tracker()["events"])


def hub_worker_of(master_pid: int, hub_port: int, client_port: int) -> int:
    """The hub worker process holding the TCP connection that comes from client_port."""
    wanted = f":{hub_port:04X}"
    inode = ""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(wanted) and fields[2].endswith(f":{client_port:04X}"):
            inode = fields[9]
    assert inode, "the customer's connection is not in /proc/net/tcp"
    for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        fds = Path(f"/proc/{pid}/fd")
        if any(os.readlink(fd) == f"socket:[{inode}]" for fd in fds.iterdir() if fd.is_symlink()):
            return int(pid)
    raise AssertionError("no hub worker holds the customer's connection")


def test_a_killed_hub_worker_leaves_the_customer_answered(cluster: Install) -> None:
    wait_until_served(cluster)
    hub = HubRun(cluster.ports["HANDOFF_PORT"], "cluster", "", {}, {})
    customer = Customer(hub)
    try:
        customer.send("你好")
        assert "智能客服" in customer.bot_reply(timeout=150)["text"]
        worker = hub_worker_of(cluster.launch.pid("handoff"), hub.port, customer.frames.ws.socket.getsockname()[1])
        last_seq = max(e["seq"] for e in customer.events())
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while customer.frames.closed is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert customer.frames.closed is not None, "the customer's connection outlived its worker"
    finally:
        customer.close()
    # The chat page reconnects with its cookie and the last event it saw; the other worker takes it.
    again = Customer(hub, cid=customer.cid, last_seq=last_seq, cookie=customer.cookie)
    try:
        again.send("你是真人吗")
        assert "机器人" in again.bot_reply(timeout=150)["text"]
    finally:
        again.close()
    transcript = httpx.get(f"{hub.url}/api/conversations/{customer.cid}/events", params={"wait": 0},
                           headers=cluster.hub_key(), timeout=10).json()["events"]
    said = [e["text"] for e in transcript if e.get("sender") == "customer"]
    assert said == ["你好", "你是真人吗"], said  # each message once
    assert [e["sender"] for e in transcript if e.get("sender") in ("customer", "bot")][-1] == "bot"


def test_a_killed_rasa_replica_mid_conversation_loses_and_repeats_nothing(cluster: Install) -> None:
    chat = verified_then_replica_killed(cluster, "rasa")
    # Right away, usually before the proxy's health check has noticed: the turn goes to the replica still up,
    # which knows she is verified.
    reply = chat.say("我有哪些保单")
    assert "HL20240001" in reply and "身份证" not in reply, reply
    assert "不客气" in chat.say("谢谢")
    # Every message once, each with exactly the answer the customer got.
    assert chat.turns == turns_in_tracker(chat.tracker()["events"])
