"""The bot's side of a conversation in Redis (handoff/bot_relay.py): the conversations with customer messages
for the bot, each one's queue of them and the lock of the one worker relaying it, the claim on each relay
and Rasa's kept answer (handoff/relay_once.py), and the buttons the bot offered (offered.py)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from handoff.store import offered
from handoff.store.state import State

PENDING = "pending:"
RELEASE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@dataclass
class Claim:
    relay_id: str  # sent to Rasa with the message (or sent with it before this worker)
    fresh: bool  # this worker sends the message to Rasa now
    replies: list[dict[str, Any]] | None = None  # the answer kept from an earlier relay, if any


class BotQueue:
    def __init__(self, state: State) -> None:
        self.redis = state.redis
        self.keys = state.keys

    async def pending(self) -> set[str]:
        """Conversations with customer messages the bot has yet to answer."""
        return await self.redis.smembers(self.keys.bot_pending)

    async def take_lock(self, cid: str, token: str, ms: int) -> bool:
        return bool(await self.redis.set(self.keys.bot_lock(cid), token, nx=True, px=ms))

    async def keep_lock(self, cid: str, ms: int) -> None:
        await self.redis.pexpire(self.keys.bot_lock(cid), ms)

    async def release_lock(self, cid: str, token: str) -> None:
        """Let go of the lock if this worker still holds it."""
        await self.redis.eval(RELEASE_IF_OWNER, 1, self.keys.bot_lock(cid), token)

    async def queued(self, cid: str) -> int:
        return await self.redis.llen(self.keys.bot_queue(cid))

    async def head(self, cid: str) -> str | None:
        """The log seq of the next customer message for the bot, or None."""
        return await self.redis.lindex(self.keys.bot_queue(cid), 0)

    async def pop(self, cid: str) -> None:
        await self.redis.lpop(self.keys.bot_queue(cid))

    async def settle(self, cid: str) -> bool:
        """The queue was empty: take the conversation off the pending set; True (and back on it) if a
        message came in meanwhile."""
        await self.redis.srem(self.keys.bot_pending, cid)
        if await self.redis.llen(self.keys.bot_queue(cid)):
            await self.redis.sadd(self.keys.bot_pending, cid)
            return True
        return False

    async def log_entry(self, cid: str, seq: int) -> dict[str, Any] | None:
        raw = await self.redis.lindex(self.keys.log(cid), seq - 1)  # seq n is at list index n-1
        return json.loads(raw) if raw else None

    async def claim(self, cid: str, seq: int, ttl_s: int) -> Claim:
        """Claim the relay of log entry seq to the bot (handoff/relay_once.py)."""
        redis, key = self.redis, self.keys.relay(cid, seq)
        relay_id = secrets.token_hex(12)
        if await redis.set(key, PENDING + relay_id, nx=True, ex=ttl_s):
            return Claim(relay_id, fresh=True)
        kept = await redis.get(key)
        if kept is None:  # expired in between: nobody holds it now
            return Claim(relay_id, fresh=bool(await redis.set(key, PENDING + relay_id, nx=True, ex=ttl_s)))
        if kept.startswith(PENDING):
            return Claim(kept[len(PENDING):], fresh=False)
        return Claim("", fresh=False, replies=json.loads(kept))

    async def keep_answer(self, cid: str, seq: int, replies: list[dict[str, Any]], ttl_s: int) -> None:
        await self.redis.set(self.keys.relay(cid, seq), json.dumps(replies, ensure_ascii=False), ex=ttl_s)

    async def release_claim(self, cid: str, seq: int) -> None:
        """Rasa did not answer: a later relay of this message may try again."""
        await self.redis.delete(self.keys.relay(cid, seq))

    async def remember_buttons(self, cid: str, buttons: Any, ttl_s: int) -> None:
        await offered.remember(self.redis, self.keys, cid, buttons, ttl_s)

    async def offered_flag(self, cid: str, text: str) -> dict[str, bool]:
        return await offered.flag(self.redis, self.keys, cid, text)
