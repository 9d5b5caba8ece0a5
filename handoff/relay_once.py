"""Each customer message reaches the bot once, and its answer is shown once.

The bot worker takes a message off the conversation's queue only after Rasa answered and the answer
is in the log; a crash in between (or a second worker after the lock ran out) takes the same message
again. So the relay of each log entry is claimed first (SET NX with expiry), and Rasa's answer is kept
under that claim before it is shown: taken again, the message is not sent to Rasa a second time, its
kept answer is appended with one id per reply, which the log's append script skips when it is there.
A claim without an answer means the worker died during the Rasa turn: whether Rasa answered is
unknown, and the message is not sent again (at most once rather than twice).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

PENDING = "pending"


@dataclass
class Claim:
    fresh: bool  # this worker sends the message to Rasa now
    replies: list[dict[str, Any]] | None = None  # the answer kept from an earlier relay, if any


async def claim(redis: aioredis.Redis, key: str, ttl_s: int) -> Claim:
    if await redis.set(key, PENDING, nx=True, ex=ttl_s):
        return Claim(fresh=True)
    kept = await redis.get(key)
    if kept is None:  # expired in between: nobody holds it now
        return Claim(fresh=bool(await redis.set(key, PENDING, nx=True, ex=ttl_s)))
    return Claim(fresh=False, replies=None if kept == PENDING else json.loads(kept))


async def keep_answer(redis: aioredis.Redis, key: str, replies: list[dict[str, Any]], ttl_s: int) -> None:
    await redis.set(key, json.dumps(replies, ensure_ascii=False), ex=ttl_s)


async def release(redis: aioredis.Redis, key: str) -> None:
    """Rasa did not answer: a later relay of this message may try again."""
    await redis.delete(key)


def reply_id(seq: int, index: int) -> str:
    """The append id of the index-th reply to log entry seq: appended twice, it is shown once."""
    return f"bot-reply:{seq}:{index}"
