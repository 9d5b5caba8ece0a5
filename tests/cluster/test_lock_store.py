"""bot.lock_store.AtomicRedisLockStore on the real Redis, as two Rasa replicas use it: messages of one
conversation arriving on both at once each get their own ticket, and finished ones never come back."""

from __future__ import annotations

import json
import subprocess
import uuid

from devstack import services

# Two lock stores (two replicas) issue tickets for one conversation from many threads at once, then finish them.
RACE = """
import json, sys, threading
from rasa.utils.endpoints import EndpointConfig
from bot.lock_store import AtomicRedisLockStore
from rasa.core.lock_store import RedisLockStore

kind, prefix, per_replica = sys.argv[1], sys.argv[2], int(sys.argv[3])
def store():
    options = {"port": 6379, "db": 3, "key_prefix": prefix}
    if kind == "atomic":
        return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", **options))
    return RedisLockStore(host="127.0.0.1", **options)
replicas = [store(), store()]
tickets, start = [], threading.Barrier(2 * per_replica)
def message(replica):
    start.wait()
    tickets.append(replica.issue_ticket("conversation"))
threads = [threading.Thread(target=message, args=(r,)) for r in replicas for _ in range(per_replica)]
for t in threads: t.start()
for t in threads: t.join()
held = len(replicas[0].get_lock("conversation").tickets)
finishers = [threading.Thread(target=replicas[i % 2].cleanup, args=("conversation", n)) for i, n in enumerate(tickets)]
for t in finishers: t.start()
for t in finishers: t.join()
print(json.dumps({"tickets": tickets, "held": held, "left": replicas[0].get_lock("conversation") is not None}))
"""


def race(kind: str, per_replica: int = 20) -> dict:
    prefix = f"test{uuid.uuid4().hex[:10]}"
    try:
        result = subprocess.run([services.RASA_PYTHON, "-c", RACE, kind, prefix, str(per_replica)],
                                capture_output=True, text=True, timeout=180, cwd=services.ROOT,
                                env={"PATH": "/usr/bin:/bin", **services.PYTHONPATH})
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        services.drop_redis_prefix(prefix, "redis://127.0.0.1:6379/3")


def test_messages_arriving_on_two_replicas_at_once_each_get_their_own_ticket() -> None:
    outcome = race("atomic")
    assert sorted(outcome["tickets"]) == list(range(40)), outcome["tickets"]  # no ticket given twice
    assert outcome["held"] == 40  # none lost: each message waits for the ones before it
    assert outcome["left"] is False  # all finished: the lock is gone, no ticket came back to block the next
