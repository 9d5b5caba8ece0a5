"""What the hub does: relay the customer's messages to whoever owns the conversation, take
handoffs, hand conversations to agents and back. Web routes and the router call into this."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import redis.asyncio as aioredis

from handoff import audit, callbacks, offered, relay_once, wait_estimate
from handoff.errors import HubError
from handoff.events import EventBus
from handoff.policy_context import PolicyContext
from handoff.rasa import RasaClient
from handoff.records import Records, ts
from handoff.settings import Settings
from handoff.state import AgentLoad, AppendResult, State
from handoff.texts import guess_language, t, wait_words
from observability.context import bind
from privacy.fields import mask_phone
from service_auth.rasa_auth import RasaAuth

log = logging.getLogger("handoff")
# A worker relaying a conversation to the bot holds its lock this long past the last message it took;
# longer than a Rasa turn can take (its client times out first), so it expires only if the worker died.
BOT_LOCK_MS = 90_000
TEXT_VALUES = ("name", "wait", "minutes", "number")  # what the hub's texts fill in (handoff/texts.py)
RELEASE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@dataclass
class User:
    username: str
    display_name: str
    role: str  # agent | supervisor | adjuster

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def may_adjust_claims(self) -> bool:
        return self.role in ("adjuster", "supervisor")


class Hub:
    def __init__(self, settings: Settings, redis: aioredis.Redis, records: Records) -> None:
        self.settings = settings
        self.redis = redis
        self.state = State(redis, settings)
        self.keys = self.state.keys
        self.bus = EventBus(redis, self.keys)
        self.records = records
        rasa_auth = RasaAuth(settings.rasa_jwt_secret, settings.rasa_channel_secret, "hub")
        self.rasa = RasaClient(settings.rasa_url, rasa_auth)
        self.policy = PolicyContext(settings.policy_api_url, settings.policy_api_key)
        self.callbacks = callbacks.CallbackDesk(records, redis, self.keys, settings.callback_deadline_s,
                                                settings.callback_number_ttl_s)
        self.wake = asyncio.Event()  # the router dispatches soon after this is set
        self._bot_workers: dict[str, asyncio.Task] = {}
        self._tasks: set[asyncio.Task] = set()
        self.router: Any = None  # handoff.routing.Router, set by the app
        self.wait_samples = wait_estimate.WaitSamples(redis, self.keys)
        self._estimate_cache: tuple[float, list[AgentLoad] | None, list[float], list[float]] = (0.0, None, [], [])
        self.chat_key = b""  # the chat resume key, loaded from Redis by the app (handoff/chat_sessions.py)

    def in_background(self, coroutine: Any) -> None:
        """Run without making the caller wait (kept referenced until done)."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in self._bot_workers.values():
            task.cancel()
        await self.rasa.close()
        await self.policy.close()

    # --- customer side ------------------------------------------------------------------------------
    async def customer_message(self, cid: str, text: str, client_msg_id: str | None = None,
                               title: str | None = None) -> AppendResult:
        entry: dict[str, Any] = {"sender": "customer", "text": text}
        if title:
            entry["title"] = title
        if client_msg_id:
            entry["client_msg_id"] = client_msg_id
        result = await self.state.append(cid, entry, client_msg_id, "customer", guess_language(title or text))
        if result.status == "ok" and result.owner == "bot":
            self.kick_bot(cid)
        return result

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
            # Rasa is down, or answered nothing because its action server or the policy API is: the
            # customer gets a clear reply and a person (the button reaches the hub, not the failing bot).
            log.warning("no bot reply for %s: offering a person", cid)
            await relay_once.release(self.redis, relay_key)
            language = conv.get("language")
            button = {"title": t("button_agent", language), "payload": "choice:agent"}
            await self.state.append(cid, {"sender": "system", "kind": "bot_unavailable", "buttons": [button],
                                          "text": t("bot_unavailable", language)},
                                    requirement=f"bot:{conv.get('epoch', '0')}")
            return None
        await relay_once.keep_answer(self.redis, relay_key, replies, self.settings.conversation_ttl_s)
        return replies

    async def say(self, cid: str, kind: str, language: str | None, **extra: Any) -> None:
        text = t(kind, language, **{k: v for k, v in extra.items() if k in TEXT_VALUES})
        entry = {"sender": "system", "kind": kind, "text": text,
                 **{k: v for k, v in extra.items() if k not in ("wait", "minutes", "number")}}
        await self.state.append(cid, entry)

    async def status(self, cid: str) -> dict[str, Any]:
        conv = await self.state.conversation(cid)
        owner = conv.get("owner", "bot")
        out: dict[str, Any] = {"conversation_id": cid, "owner": owner, "request_id": conv.get("request_id"),
                               "position": None, "estimated_wait_s": None, "agent_name": None,
                               "escalated": False, "last_seq": int(conv.get("seq", 0))}
        if owner == "queued" and out["request_id"]:
            out["position"] = await self.state.position(out["request_id"])
            out["estimated_wait_s"] = await self.estimate_wait(out["position"] or 1, conv.get("language"))
            out["escalated"] = (await self.redis.hget(self.keys.request(out["request_id"]), "escalated")) == "1"
        elif owner == "agent":
            out["agent_name"] = conv.get("agent_name")
        return out

    async def publish_status(self, cid: str) -> None:
        await self.bus.publish(f"conv:{cid}", {"type": "status", **await self.status(cid)})

    async def estimate_wait(self, position: int, language: str | None = None) -> int | None:
        """Seconds until an agent takes the request at `position` (in `language`), or None with no agent
        available (handoff/wait_estimate.py). Loads and samples are read at most once a second."""
        at, loads, reactions, handles = self._estimate_cache
        if loads is None or time.monotonic() - at > 1.0:
            loads = await self.state.agent_loads()
            reactions, handles = await self.wait_samples.reactions(), await self.wait_samples.handles()
            self._estimate_cache = (time.monotonic(), loads, reactions, handles)
        capacity = wait_estimate.capacity_of(loads, language)
        wait = wait_estimate.estimate_wait_s(position, capacity, reactions, handles, self.settings.avg_handle_s)
        return None if wait is None else round(wait)

    # --- handoff requests --------------------------------------------------------------------------
    async def handoff(self, payload: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        cid = payload["conversation_id"]
        # The caller's customer_id is a claim: agents see only the identity this conversation proved.
        fields = {"reason": payload["reason"], "language": payload["language"], "channel": payload["channel"],
                  "customer_id": await self.verified_customer(cid) or "",
                  "claimed_customer_id": payload.get("customer_id") or "",
                  "summary": json.dumps(payload.get("summary") or [], ensure_ascii=False),
                  "clause_excerpts": json.dumps(payload.get("clause_excerpts") or [], ensure_ascii=False)}
        created, rid, now, position = await self.state.create_request(cid, fields)
        if created:
            req = {"rid": rid, "cid": cid, "created": f"{now:.3f}", "state": "waiting", "escalated": "0", **fields}
            self.records.record_request(req, payload.get("summary") or [])
            if self.router is not None:
                await self.router.place(rid, req)
        if not position:  # an agent already has it
            return False, {"request_id": rid, "conversation_id": cid, "position": None, "estimated_wait_s": None,
                           "owner": "agent"}
        status = {"conversation_id": cid, "owner": "queued", "request_id": rid, "position": position,
                  "estimated_wait_s": await self.estimate_wait(position, fields["language"]), "agent_name": None,
                  "escalated": False}
        self.in_background(self.bus.publish(f"conv:{cid}", {"type": "status", **status}))
        return created, {k: status[k] for k in ("request_id", "conversation_id", "position", "estimated_wait_s", "owner")}

    async def escalate(self, rid: str) -> None:
        if not await self.state.escalate(rid):
            return
        req = await self.state.request(rid)
        cid, language = req["cid"], req.get("language")
        position = await self.state.position(rid) or 1
        wait = await self.estimate_wait(position, language)
        self.records.update_request(rid, escalated=True)
        alert = {"type": "alert", "kind": "escalated", "request_id": rid, "conversation_id": cid,
                 "reason": req.get("reason"), "language": language, "waited_s": round(time.time() - float(req["created"])),
                 "at": time.time()}
        await self.state.add_alert(alert)
        await self.bus.publish("sup", alert)
        buttons = [{"title": t(f"button_{c}", language), "payload": f"choice:{c}"} for c in ("callback", "message", "wait")]
        await self.say(cid, "escalated", language, wait=wait_words(wait, language), buttons=buttons,
                       estimated_wait_s=wait)
        await self.publish_status(cid)
        self.wake.set()

    async def customer_choice(self, cid: str, choice: str, caller: str | None = None) -> None:
        """A waiting customer's choice from the escalation buttons; `caller` is the carrier's caller id,
        which only the voice gateway sends (with the channel key)."""
        conv = await self.state.conversation(cid)
        rid = conv.get("request_id")
        language = conv.get("language")
        if choice == "agent":
            await self._person_without_bot(cid, conv)
            return
        if conv.get("owner") != "queued" or not rid:
            raise HubError(409, "not_waiting", "This conversation is not waiting for an agent.")
        choice_entry = {"sender": "customer", "kind": "choice", "text": t(f"button_{choice}", language)}
        if choice != "callback":
            await self.state.append(cid, choice_entry)
            self.records.update_request(rid, customer_choice=choice)
            await self.say(cid, f"choice_{choice}", language)
            await self.publish_status(cid)
            return
        req = await self.state.request(rid)
        found = await self._callback_number(cid, req, caller)
        if found is None and req.get("channel") == "voice":
            # A caller cannot type a number into a form: without a caller id they keep their place.
            raise HubError(409, "no_callback_number", "No number to call back: the caller id is withheld.")
        await self.state.append(cid, choice_entry)
        result = await self.state.release(cid, "", "cancelled")
        if result[0] != "ok":
            raise HubError(409, "not_waiting", "This conversation is not waiting for an agent.")
        for agent in result[3:]:
            await self.bus.publish(f"user:{agent}", {"type": "offer_withdrawn", "request_id": rid, "why": "cancelled"})
        self.records.update_request(rid, customer_choice="callback", outcome="callback", closed_at=ts(time.time()))
        if found is None:
            # Nobody proved who this is and no caller id came: ask for a number to call (callback_number).
            await self.redis.hset(self.keys.conv(cid), "callback_ask", f"{rid}|{time.time():.0f}")
            await self.say(cid, "callback_ask_number", language, custom={"type": "callback_number"})
        else:
            await self._new_callback(cid, rid, req, *found)
        await self.publish_status(cid)

    async def _callback_number(self, cid: str, req: dict[str, str],
                               caller: str | None) -> tuple[str, callbacks.Source, str | None] | None:
        """Where to call back, and whom: the voice line's caller id, else the number on record of the customer
        this conversation proved (asked with her own token); never a number the chat sent as its identity."""
        customer = req.get("customer_id") or await self.verified_customer(cid)
        number = callbacks.caller_number(caller) if req.get("channel") == "voice" else None
        if number:
            return number, "caller_id", customer
        token = await self.customer_token(cid) if customer else None
        phone = await self.policy.contact_phone(customer, token) if customer and token else None
        return (phone, "verified", customer) if phone else None

    async def callback_number(self, cid: str, text: str) -> None:
        """The number an unidentified customer typed when asked for one: a contact number, kept as
        `unverified`; accepted once, and only after the hub asked."""
        key = self.keys.conv(cid)
        rid, _, asked_at = (await self.redis.hget(key, "callback_ask") or "").partition("|")
        # An answer comes while the customer is still there: a question left open for hours is not one.
        if not rid or time.time() - float(asked_at or 0) > self.settings.callback_deadline_s:
            raise HubError(409, "no_callback_pending", "No callback is waiting for a number.")
        number = callbacks.mobile_number(text)
        if number is None:
            raise HubError(422, "invalid_phone", "请输入 11 位手机号码。Enter an 11-digit mobile number.")
        if not await self.redis.hdel(key, "callback_ask"):  # a second tab sent one at the same moment
            raise HubError(409, "no_callback_pending", "No callback is waiting for a number.")
        await self.state.append(cid, {"sender": "customer", "kind": "callback_number", "text": mask_phone(number)})
        await self._new_callback(cid, rid, await self.state.request(rid), number, "unverified", None)

    async def _new_callback(self, cid: str, rid: str, req: dict[str, str], number: str,
                            source: callbacks.Source, customer: str | None) -> None:
        conv = await self.state.conversation(cid)
        language = conv.get("language") or req.get("language") or "zh"
        made = await self.callbacks.create(callbacks.NewCallback(
            conversation_id=cid, request_id=rid, channel=req.get("channel") or conv.get("channel") or "chat",
            language=language, reason=req.get("reason") or "request", customer_id=customer, number=number,
            source=source))
        minutes = max(1, round(self.settings.callback_deadline_s / 60))
        await self.say(cid, f"callback_promised_{source}", language, minutes=minutes, number=made["phone_masked"])
        alert = {"type": "alert", "kind": "callback", "request_id": rid, "conversation_id": cid,
                 "callback_id": made["callback_id"], "at": time.time()}
        await self.state.add_alert(alert)
        await self.bus.publish("sup", alert)
        await self.bus.publish(callbacks.CHANNEL, {"type": "callbacks_changed", "callback_id": made["callback_id"]})

    async def _person_without_bot(self, cid: str, conv: dict[str, str]) -> None:
        """The customer asked for a person when the bot could not answer: queued by the hub itself."""
        if conv.get("owner") != "bot":
            raise HubError(409, "not_with_bot", "This conversation is already with a person or waiting for one.")
        language = conv.get("language") or "zh"
        await self.state.append(cid, {"sender": "customer", "kind": "choice", "text": t("button_agent", language)})
        await self.handoff({"conversation_id": cid, "reason": "bot_unavailable", "language": language,
                            "channel": conv.get("channel") or "chat"})

    async def set_app_token(self, cid: str, token: str, customer_id: str) -> None:
        """The insurer's app signed the customer in (the caller checked the token): it goes to Rasa with
        each message (never into the transcript), and the hub remembers whose it is, so a handoff
        names the customer the token proved, not one a caller claims."""
        index = self.keys.customer_conversations(customer_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.conv(cid), mapping={"app_token": token, "app_customer": customer_id})
            pipe.sadd(index, cid)
            pipe.expire(index, self.settings.conversation_ttl_s)  # as long as the conversations it names
            await pipe.execute()

    async def verified_customer(self, cid: str) -> str | None:
        """Who this conversation proved to be: the customer of a checked app token, else what the bot
        verified (its tracker's `verified`/`customer_id`, read with the hub's Rasa credentials)."""
        customer = await self.redis.hget(self.keys.conv(cid), "app_customer")
        return customer or await self.rasa.verified_customer(cid)

    async def csat(self, cid: str, score: int) -> None:
        key = self.keys.conv(cid)
        rid = await self.redis.hget(key, "csat_rid")
        if not rid or not await self.redis.hdel(key, "csat_rid"):
            raise HubError(409, "no_rating_pending", "There is no chat to rate.")
        await self.state.append(cid, {"sender": "customer", "kind": "csat", "text": "★" * score, "score": score})
        self.records.update_request(rid, csat=score)
        await self.say(cid, "csat_thanks", await self.redis.hget(key, "language"))

    # --- agents ----------------------------------------------------------------------------------
    def offer_event(self, req: dict[str, str], deadline: float) -> dict[str, Any]:
        return {"type": "offer", "request_id": req["rid"], "conversation_id": req["cid"],
                "reason": req.get("reason"), "language": req.get("language"), "channel": req.get("channel"),
                "customer_id": req.get("customer_id") or None, "summary": json.loads(req.get("summary") or "[]"),
                "created": float(req["created"]), "deadline": deadline, "escalated": req.get("escalated") == "1",
                "transfer_note": req.get("transfer_note") or None, "transfer_by": req.get("transfer_by") or None,
                # The console counts down from this, not from `deadline`: an agent's clock may be off.
                "expires_in_s": round(max(0.0, deadline - time.time()), 2)}

    async def offers_for(self, user: User) -> list[dict[str, Any]]:
        out = []
        for rid in await self.state.agent_offers(user.username):
            req = await self.state.request(rid)
            offer_id = (await self.state.offer_ids(rid)).get(user.username)
            if not req or req.get("state") != "waiting" or not offer_id:
                continue
            deadline = await self.redis.zscore(self.keys.timers, f"offer|{rid}|{user.username}|{offer_id}")
            out.append(self.offer_event(req, deadline or 0))
        return out

    async def accept(self, rid: str, user: User, mode: str = "offer") -> dict[str, Any]:
        offered_at = await self._offered_at(rid, user.username) if mode == "offer" else None
        result = await self.state.accept(rid, user.username, user.display_name, mode)
        status = result[0]
        if status == "not_found":
            raise HubError(404, "request_not_found", "No such handoff request.")
        if status == "already_taken":
            raise HubError(409, "already_taken", f"Another agent ({result[2] or '?'}) already took this conversation.")
        if status == "not_offered":
            raise HubError(409, "not_offered", "This request is not (or no longer) offered to you.")
        if status == "already_yours":
            raise HubError(409, "already_yours", "You already own this conversation.")
        cid, previous, created = result[1], result[2], float(result[3])
        for agent in result[4:]:
            await self.bus.publish(f"user:{agent}", {"type": "offer_withdrawn", "request_id": rid, "why": "taken"})
        if previous:
            await self.bus.publish(f"user:{previous}", {"type": "conversation_taken", "conversation_id": cid,
                                                         "by": user.display_name})
            self.records.update_request(rid, agent=user.username)
        else:
            now = time.time()
            accept_ms = (now - created) * 1000
            await self.state.record_accept(rid, accept_ms)
            if offered_at is not None:  # how fast agents take an offer: what a free slot's wait is
                await self.wait_samples.reacted(rid, now - offered_at)
            self.records.update_request(rid, accepted_at=ts(now), accept_ms=accept_ms, agent=user.username)
        await self.rasa.pause(cid)
        language = await self.redis.hget(self.keys.conv(cid), "language")
        await self.say(cid, "agent_joined", language, name=user.display_name, agent_name=user.display_name)
        await self.bus.publish(f"user:{user.username}", {"type": "assigned", "conversation_id": cid, "request_id": rid})
        await self.publish_status(cid)
        self.wake.set()
        return {"conversation_id": cid, "request_id": rid}

    async def _offered_at(self, rid: str, username: str) -> float | None:
        """When this user's offer of the request was made: its timer's deadline less the reservation."""
        offer_id = (await self.state.offer_ids(rid)).get(username)
        deadline = await self.redis.zscore(self.keys.timers, f"offer|{rid}|{username}|{offer_id}") if offer_id else None
        return None if deadline is None else float(deadline) - self.settings.reservation_s

    async def decline(self, rid: str, user: User) -> None:
        if not await self.state.withdraw(rid, user.username):
            raise HubError(409, "not_offered", "This request is not (or no longer) offered to you.")
        await self.bus.publish(f"user:{user.username}", {"type": "offer_withdrawn", "request_id": rid, "why": "declined"})
        self.wake.set()

    async def agent_reply(self, cid: str, user: User, text: str, client_msg_id: str | None = None) -> int:
        entry: dict[str, Any] = {"sender": "agent", "author": user.username, "agent_name": user.display_name,
                                 "text": text}
        if client_msg_id:
            entry["client_msg_id"] = client_msg_id
        result = await self.state.append(cid, entry, client_msg_id, f"agent:{user.username}")
        if result.status == "refused":
            raise HubError(403, "not_your_conversation", "This conversation is not assigned to you.")
        return result.seq

    async def release(self, cid: str, user: User, outcome: str, bot_answers: bool = False) -> None:
        """Hand back to the bot (outcome handed_back) or close (closed; the customer is asked for CSAT).
        bot_answers: on hand back, the bot answers the customer's messages the agent left unanswered."""
        result = await self.state.release(cid, "" if user.is_supervisor else user.username, outcome, bot_answers)
        if result[0] == "not_found":
            raise HubError(404, "conversation_not_found", "No such conversation.")
        if result[0] == "not_yours":
            raise HubError(403, "not_your_conversation", "This conversation is not assigned to you.")
        if result[0] != "ok":
            raise HubError(409, "not_with_agent", "No agent owns this conversation.")
        rid, agent = result[1], result[2]
        accepted = await self.redis.hget(self.keys.request(rid), "accepted")
        if accepted:  # how long a conversation holds a slot: how fast the queue moves
            await self.wait_samples.handled(rid, time.time() - float(accepted))
        await self.rasa.resume(cid)
        language = await self.redis.hget(self.keys.conv(cid), "language")
        if outcome == "handed_back":
            await self.say(cid, "handed_back", language)
            self.kick_bot(cid)
        else:
            await self.say(cid, "closed", language)
            await self.redis.hset(self.keys.conv(cid), "csat_rid", rid)
            buttons = [{"title": str(n), "payload": f"csat:{n}"} for n in range(1, 6)]
            await self.say(cid, "csat_request", language, buttons=buttons)
        self.records.update_request(rid, outcome=outcome, closed_at=ts(time.time()))
        await self.persist_transcript(cid)
        if agent:
            await self.bus.publish(f"user:{agent}", {"type": "conversation_closed", "conversation_id": cid,
                                                      "outcome": outcome})
        await self.publish_status(cid)
        self.wake.set()

    async def persist_transcript(self, cid: str) -> None:
        key = self.keys.conv(cid)
        done = int(await self.redis.hget(key, "persisted_seq") or 0)
        entries = await self.state.log_after(cid, done)
        if entries:
            await self.redis.hset(key, "persisted_seq", entries[-1]["seq"])
            self.records.save_transcript(cid, entries)

    async def add_note(self, cid: str, user: User, text: str) -> dict[str, Any]:
        conv = await self.state.conversation(cid)
        self.check_access(conv, user)
        note = {"type": "note", "conversation_id": cid, "author": user.display_name, "text": text, "at": time.time()}
        self.records.add_note(conv["request_id"], cid, user.username, text)
        await self.bus.publish(f"user:{conv.get('agent')}", note)
        await self.bus.publish("sup", note)
        return note

    def check_access(self, conv: dict[str, str], user: User, offered: bool = False) -> None:
        if not conv or not conv.get("request_id"):
            raise HubError(404, "conversation_not_found", "No such conversation.")
        if user.is_supervisor or (conv.get("owner") == "agent" and conv.get("agent") == user.username):
            return
        if offered:
            return
        raise HubError(403, "not_your_conversation", "This conversation is not assigned to you.")

    async def can_see(self, cid: str, user: User) -> dict[str, str]:
        """The conversation, if the user owns it, has it offered, or supervises."""
        conv = await self.state.conversation(cid)
        rid = conv.get("request_id") if conv else None
        offered = bool(rid) and user.username in await self.state.offer_ids(rid)
        self.check_access(conv, user, offered)
        return conv

    async def conversation_view(self, cid: str, user: User) -> dict[str, Any]:
        conv = await self.can_see(cid, user)
        req = await self.state.request(conv["request_id"])
        if user.is_supervisor and conv.get("agent") != user.username:  # watching someone else's chat
            await audit.record(self.records, user, audit.WATCH, req.get("customer_id"), cid)
        entries = await self.state.log_after(cid, 0)
        return {"conversation_id": cid, "owner": conv.get("owner"), "agent": conv.get("agent"),
                "agent_name": conv.get("agent_name"), "language": conv.get("language") or req.get("language"),
                "channel": conv.get("channel"),
                "request": {"request_id": req.get("rid"), "reason": req.get("reason"), "state": req.get("state"),
                            "customer_id": req.get("customer_id") or None, "created": float(req.get("created", 0)),
                            "claimed_customer_id": req.get("claimed_customer_id") or None,
                            "escalated": req.get("escalated") == "1",
                            "transfer_note": req.get("transfer_note") or None,
                            "transfer_by": req.get("transfer_by") or None,
                            "summary": json.loads(req.get("summary") or "[]"),
                            "clause_excerpts": json.loads(req.get("clause_excerpts") or "[]")},
                "transcript": entries, "notes": await self.records.notes(conv["request_id"])}

    async def suggestions(self, cid: str, user: User) -> dict[str, Any]:
        """The top 3 knowledge answers for the customer's last question, for the agent to insert."""
        conv = await self.can_see(cid, user)
        req = await self.state.request(conv["request_id"])
        language = conv.get("language") or req.get("language") or "zh"
        entries = await self.state.log_after(cid, 0)
        question = next((e.get("text") or "" for e in reversed(entries)
                         if e.get("sender") == "customer" and e.get("kind", "text") == "text" and e.get("text")), "")
        if not question:
            return {"question": "", "suggestions": [], "available": True}
        return {"question": question, **await self.policy.knowledge(question, language)}

    async def customer_context(self, customer_id: str, cid: str | None, user: User) -> dict[str, Any]:
        """A handed-over customer's data, read with the proof her conversation holds (the policy API
        serves only the customer a token names), so supervisors too open it from a conversation."""
        if not cid:
            raise HubError(403, "not_your_conversation", "Open a customer's data from one of your conversations.")
        conv = await self.can_see(cid, user)
        req = await self.state.request(conv["request_id"])
        if req.get("customer_id") != customer_id:
            raise HubError(403, "not_your_customer", "This customer is not in your conversation.")
        await self.records.audit(user.username, user.role, customer_id, cid)
        key = self.keys.conv(cid)
        # The token the console last had refreshed keeps her data open while agents work on; else the
        # conversation's own proof.
        stored = await self.redis.hget(key, "customer_token")
        data = await self.policy.customer(customer_id, stored) if stored else None
        if data is None or str(data.get("error", "")).startswith("customer_token"):
            token = await self.customer_token(cid)
            data = (await self.policy.customer(customer_id, token) if token
                    else {"available": False, "error": "customer_token_expired"})
        refreshed = data.pop("customer_token", None)
        if refreshed:
            await self.redis.hset(key, "customer_token", refreshed)
        return data

    async def customer_token(self, cid: str) -> str | None:
        """The policy API's token for this conversation's customer: for an app chat, its checked app token
        exchanged afresh; else the one the bot holds since she verified (None once it is gone)."""
        app_token = await self.redis.hget(self.keys.conv(cid), "app_token")
        if app_token:
            return await self.policy.exchange_app_token(app_token, cid)
        found = await self.rasa.verification(cid)
        return found[1] if found else None
