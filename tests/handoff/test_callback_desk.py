"""The callback desk in process (handoff/callbacks.py) on SQLite and on PostgreSQL, with real Redis: two hub
workers' record writers (two Records, two connections) claiming the same callbacks at once, one wins each; the
worklist's order and masking; a closed callback's number gone from Redis."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from devstack.services import drop_redis_prefix
from handoff.callbacks import CallbackDesk, NewCallback
from handoff.errors import HubError
from handoff.records import Records
from handoff.service import User
from handoff.store.keys import Keys
from handoff.store.marks import Marks
from tests.deploy.test_migrations import database

REDIS_URL = "redis://127.0.0.1:6379/0"
AGENTS = [User("agent1", "李娜", "agent"), User("agent2", "王强", "agent")]


async def _race(url: str, prefix: str) -> None:
    redis = aioredis.from_url(REDIS_URL, decode_responses=True)
    workers = [Records(url), Records(url)]
    for records in workers:
        records.start()
    desks = [CallbackDesk(records, Marks(redis, Keys(prefix)), 1800, 600) for records in workers]
    try:
        made = [await desks[0].create(NewCallback(f"c-{n}", f"r-{n}", "chat", "zh", "request", None,
                                                  f"1391234{n:04d}", "unverified")) for n in range(6)]
        for callback in made:
            answers = await asyncio.gather(desks[0].claim(callback["callback_id"], AGENTS[0]),
                                           desks[1].claim(callback["callback_id"], AGENTS[1]),
                                           return_exceptions=True)
            won = [a for a in answers if isinstance(a, dict)]
            lost = [a for a in answers if isinstance(a, HubError)]
            assert len(won) == 1 and len(lost) == 1, answers
            assert lost[0].code == "already_claimed" and won[0]["phone"].startswith("1391234")
        listed = await desks[1].worklist(AGENTS[1])
        assert [c["callback_id"] for c in listed] == [c["callback_id"] for c in made]  # soonest due first
        assert all("****" in c["phone_masked"] for c in listed)
        first = made[0]["callback_id"]
        owner = next(u for u in AGENTS if listed[0]["claimed_by"] == u.username)
        closed = await desks[1].close(first, owner, "failed", "无人接听，已发短信")
        assert closed["outcome"] == "failed" and closed["in_time"] is False
        assert await redis.get(Keys(prefix).callback_number(first)) is None
        assert [c["callback_id"] for c in await desks[0].worklist(owner)][-1] == first  # closed ones last
    finally:
        for records in workers:
            await records.stop()
        await redis.aclose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_claiming_at_once_one_wins(backend: str, tmp_path: Path) -> None:
    prefix = f"test-cb-{uuid.uuid4().hex[:8]}"
    with database(backend, tmp_path) as url:
        try:
            asyncio.run(_race(url, prefix))
        finally:
            drop_redis_prefix(prefix, REDIS_URL)
