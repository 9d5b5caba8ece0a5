"""The relay to the bot: customer messages for the bot, one at a time and in order, each sent to Rasa at
most once (handoff/relay_once.py) and its replies put in the conversation. A turn that gets no reply takes
the bot-unavailable path (handoff/bot_unavailable.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import httpx
import redis.asyncio as aioredis

from handoff import bot_unavailable, relay_once
from handoff.rasa import RasaClient
from handoff.settings import Settings
from handoff.store import offered
from handoff.store.state import State
from observability.context import bind

log = logging.getLogger("handoff")
# A worker relaying a conversation to the bot holds its lock this long past the last message it took;
# longer than a Rasa turn can take (its client times out first), so it expires only if the worker died.
BOT_LOCK_MS = 90_000
RELEASE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class BotRelay:
    """The bot workers of one hub process, one per conversation with messages for the bot."""

    def __init__(self, settings: Settings, redis: aioredis.Redis, state: State, rasa: RasaClient) -> None:
        self.settings = settings
        self.redis = redis
        self.state = state
        self.keys = state.keys
        self.rasa = rasa
        self._bot_workers: dict[str, asyncio.Task] = {}

    def stop(self) -> None:
        for task in self._bot_workers.values():
            task.cancel()

    def kick_bot(self, cid: str) -> None:
        worker = self._bot_workers.get(cid)
        if worker is None or worker.done():
            self._bot_workers[cid] = asyncio.create_task(self._bot_worker(cid))

    async def resume_bot_workers(self) -> None:
        """After a restart, or a worker that died holding a conversation: answer the customer messages
        the bot had not answered yet (the lock keeps it to one worker per conversation)."""
        for cid in await self.redis.smembers(self.keys.bot_pending):
            self.kick_bot(cid)

    async def _bot_worker(self, cid: str) -> None:
        """Customer messages for the bot, one at a time and in order, each only if the bot still
        owns the conversation when its turn comes (else the agent has it in the transcript).

        Several hub workers may take messages for one conversation: whoever holds its Redis lock
        relays them all; the others leave it to them. The holder looks again after letting go, so a
        message that came in just then is not stranded."""
        bind(conversation_id=cid)
        lock, token = self.keys.bot_lock(cid), uuid.uuid4().hex
        try:
            while await self.redis.set(lock, token, nx=True, px=BOT_LOCK_MS):
                try:
                    await self._relay_queued(cid, lock)
                finally:
                    await self._release_lock(lock, token)
                if not await self.redis.llen(self.keys.bot_queue(cid)):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("bot relay for %s failed", cid)
        finally:
            if self._bot_workers.get(cid) is asyncio.current_task():
                del self._bot_workers[cid]

    async def _relay_queued(self, cid: str, lock: str) -> None:
        queue = self.keys.bot_queue(cid)
        while True:
            seq = await self.redis.lindex(queue, 0)
            if seq is None:
                await self.redis.srem(self.keys.bot_pending, cid)
                if await self.redis.llen(queue):
                    await self.redis.sadd(self.keys.bot_pending, cid)
                    continue
                return
            await self.redis.pexpire(lock, BOT_LOCK_MS)  # a long Rasa turn must not let another worker in
            conv = await self.state.conversation(cid)
            if conv.get("owner") == "bot":
                raw = await self.redis.lindex(self.keys.log(cid), int(seq) - 1)
                if raw:
                    await self._bot_turn(cid, json.loads(raw), conv)
            await self.redis.lpop(queue)

    async def _release_lock(self, lock: str, token: str) -> None:
        await self.redis.eval(RELEASE_IF_OWNER, 1, lock, token)

    async def _bot_turn(self, cid: str, message: dict[str, Any], conv: dict[str, str]) -> None:
        requirement = f"bot:{conv.get('epoch', '0')}"
        seq, ttl = int(message.get("seq", 0)), self.settings.conversation_ttl_s
        relay_key = self.keys.relay(cid, seq)
        relay = await relay_once.claim(self.redis, relay_key, ttl)
        replies = relay.replies
        if not relay.fresh and replies is None:  # a worker died during this message's Rasa turn
            try:
                replies = relay_once.replies_in_tracker(await self.rasa.events(cid), relay.relay_id)
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("message %s of %s: whether the bot got it is unknown (%r); not sent again", seq, cid, exc)
                return
            if replies is not None:
                await relay_once.keep_answer(self.redis, relay_key, replies, ttl)
        if replies is None:
            replies = await self._ask_rasa(cid, message, conv, relay_key, relay.relay_id)
            if replies is None:
                return
        for index, reply in enumerate(replies):
            entry: dict[str, Any] = {"sender": "bot", "text": reply.get("text") or ""}
            for name in ("buttons", "custom", "image"):
                if reply.get(name):
                    entry[name] = reply[name]
            # Remembered before the customer can see them, so a quick click is never read as typed text.
            await offered.remember(self.redis, self.keys, cid, reply.get("buttons"), ttl)
            await self.state.append(cid, entry, relay_once.reply_id(seq, index), requirement=requirement)

    async def _ask_rasa(self, cid: str, message: dict[str, Any], conv: dict[str, str],
                        relay_key: str, relay_id: str) -> list[dict[str, Any]] | None:
        """Rasa's replies, kept under the relay's claim before anyone sees them; None if Rasa failed."""
        metadata = {"channel": conv.get("channel") or "chat", "via": "handoff_hub", relay_once.METADATA_KEY: relay_id}
        if conv.get("app_token"):  # the signed-in app customer: the actions verify it, not the hub
            metadata["token"] = conv["app_token"]
        text = message.get("text", "")
        metadata.update(await offered.flag(self.redis, self.keys, cid, text))
        try:
            replies = await self.rasa.turn(cid, text, metadata)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa turn for %s failed: %r", cid, exc)
            replies = []
        if not replies:
            # Rasa is down, or answered nothing because its action server or the policy API is.
            log.warning("no bot reply for %s: offering a person", cid)
            await relay_once.release(self.redis, relay_key)
            await bot_unavailable.offer_person(self.state, cid, conv)
            return None
        await relay_once.keep_answer(self.redis, relay_key, replies, self.settings.conversation_ttl_s)
        return replies
