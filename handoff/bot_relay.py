"""The relay to the bot: customer messages for the bot, one at a time and in order, each sent to Rasa at
most once (handoff/relay_once.py) and its replies put in the conversation. A turn that gets no reply takes
the bot-unavailable path (handoff/bot_unavailable.py)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import httpx

from handoff import bot_unavailable, relay_once
from handoff.rasa import RasaClient
from handoff.settings import Settings
from handoff.store.bot_queue import BotQueue
from handoff.store.state import State
from observability.context import bind

log = logging.getLogger("handoff")
# A worker relaying a conversation to the bot holds its lock this long past the last message it took;
# longer than a Rasa turn can take (its client times out first), so it expires only if the worker died.
BOT_LOCK_MS = 90_000


class BotRelay:
    """The bot workers of one hub process, one per conversation with messages for the bot."""

    def __init__(self, settings: Settings, state: State, rasa: RasaClient) -> None:
        self.settings = settings
        self.state = state
        self.queue = BotQueue(state)
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
        for cid in await self.queue.pending():
            self.kick_bot(cid)

    async def _bot_worker(self, cid: str) -> None:
        """Customer messages for the bot, one at a time and in order, each only if the bot still
        owns the conversation when its turn comes (else the agent has it in the transcript).

        Several hub workers may take messages for one conversation: whoever holds its Redis lock
        relays them all; the others leave it to them. The holder looks again after letting go, so a
        message that came in just then is not stranded."""
        bind(conversation_id=cid)
        token = uuid.uuid4().hex
        try:
            while await self.queue.take_lock(cid, token, BOT_LOCK_MS):
                try:
                    await self._relay_queued(cid)
                finally:
                    await self.queue.release_lock(cid, token)
                if not await self.queue.queued(cid):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("bot relay for %s failed", cid)
        finally:
            if self._bot_workers.get(cid) is asyncio.current_task():
                del self._bot_workers[cid]

    async def _relay_queued(self, cid: str) -> None:
        while True:
            seq = await self.queue.head(cid)
            if seq is None:
                if await self.queue.settle(cid):
                    continue
                return
            await self.queue.keep_lock(cid, BOT_LOCK_MS)  # a long Rasa turn must not let another worker in
            conv = await self.state.conversation(cid)
            if conv.get("owner") == "bot":
                message = await self.queue.log_entry(cid, int(seq))
                if message:
                    await self._bot_turn(cid, message, conv)
            await self.queue.pop(cid)

    async def _bot_turn(self, cid: str, message: dict[str, Any], conv: dict[str, str]) -> None:
        requirement = f"bot:{conv.get('epoch', '0')}"
        seq, ttl = int(message.get("seq", 0)), self.settings.conversation_ttl_s
        relay = await self.queue.claim(cid, seq, ttl)
        replies = relay.replies
        if not relay.fresh and replies is None:  # a worker died during this message's Rasa turn
            try:
                replies = relay_once.replies_in_tracker(await self.rasa.events(cid), relay.relay_id)
            except (httpx.HTTPError, ValueError) as exc:
                log.warning("message %s of %s: whether the bot got it is unknown (%r); not sent again", seq, cid, exc)
                return
            if replies is not None:
                await self.queue.keep_answer(cid, seq, replies, ttl)
        if replies is None:
            replies = await self._ask_rasa(cid, message, conv, seq, relay.relay_id)
            if replies is None:
                return
        for index, reply in enumerate(replies):
            entry: dict[str, Any] = {"sender": "bot", "text": reply.get("text") or ""}
            for name in ("buttons", "custom", "image"):
                if reply.get(name):
                    entry[name] = reply[name]
            # Remembered before the customer can see them, so a quick click is never read as typed text.
            await self.queue.remember_buttons(cid, reply.get("buttons"), ttl)
            await self.state.append(cid, entry, relay_once.reply_id(seq, index), requirement=requirement)

    async def _ask_rasa(self, cid: str, message: dict[str, Any], conv: dict[str, str],
                        seq: int, relay_id: str) -> list[dict[str, Any]] | None:
        """Rasa's replies, kept under the relay's claim before anyone sees them; None if Rasa failed."""
        metadata = {"channel": conv.get("channel") or "chat", "via": "handoff_hub", relay_once.METADATA_KEY: relay_id}
        if conv.get("app_token"):  # the signed-in app customer: the actions verify it, not the hub
            metadata["token"] = conv["app_token"]
        text = message.get("text", "")
        metadata.update(await self.queue.offered_flag(cid, text))
        try:
            replies = await self.rasa.turn(cid, text, metadata)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("rasa turn for %s failed: %r", cid, exc)
            replies = []
        if not replies:
            # Rasa is down, or answered nothing because its action server or the policy API is.
            log.warning("no bot reply for %s: offering a person", cid)
            await self.queue.release_claim(cid, seq)
            await bot_unavailable.offer_person(self.state, cid, conv)
            return None
        await self.queue.keep_answer(cid, seq, replies, self.settings.conversation_ttl_s)
        return replies
