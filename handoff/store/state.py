"""The live state in Redis: conversations and their transcripts, requests, agents. Changes of
ownership go through the Lua scripts in handoff/store/lua.py; this module reads and wraps them, and reads
each script's answer by name into a typed result."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

import redis.asyncio as aioredis

from handoff.settings import Settings
from handoff.store import lua, offered
from handoff.store.keys import Keys


class AppendResult(NamedTuple):
    status: str  # ok | dup | refused
    seq: int
    owner: str


class CreatedRequest(NamedTuple):
    created: bool  # False: the conversation's open request (rid) is returned instead
    rid: str
    now: float
    position: int  # in the queue; 0 when an agent already has it


class Accepted(NamedTuple):
    status: str  # ok | not_found | already_yours | already_taken | not_offered
    cid: str = ""
    previous: str = ""  # the agent a supervisor's takeover took the conversation from, or ""
    created: float = 0.0  # when the request was made
    withdrawn: tuple[str, ...] = ()  # the other agents it was offered to
    taken_by: str = ""  # already_taken: the display name of the agent who has it


class Released(NamedTuple):
    status: str  # ok | not_found | not_waiting | not_with_agent | not_yours
    rid: str = ""
    agent: str = ""  # the agent who had it, or ""
    withdrawn: tuple[str, ...] = ()  # the agents it was offered to


class Transferred(NamedTuple):
    status: str  # ok | not_found | not_with_agent | not_yours | same_agent | target_unavailable | target_full
    old_rid: str = ""
    previous: str = ""  # the agent who had it, or ""


def _named(raw: str) -> dict[str, Any]:
    """A script's JSON answer: Lua's empty table is `{}` and a missing hash field `false`."""
    return {name: (tuple(value or ()) if name == "withdrawn" else "" if value is False else value)
            for name, value in json.loads(raw).items()}


@dataclass
class AgentLoad:
    username: str
    display_name: str
    role: str
    state: str
    capacity: int
    languages: list[str]
    topics: list[str]
    last_assigned: float
    conversations: int
    offers: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.conversations - self.offers)


class State:
    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.keys = Keys(settings.prefix)
        self.p = settings.prefix
        self._append = redis.register_script(lua.APPEND)
        self._create = redis.register_script(lua.CREATE_REQUEST)
        self._offer = redis.register_script(lua.OFFER)
        self._withdraw = redis.register_script(lua.WITHDRAW)
        self._accept = redis.register_script(lua.ACCEPT)
        self._release = redis.register_script(lua.RELEASE)
        self._escalate = redis.register_script(lua.ESCALATE)
        self._transfer = redis.register_script(lua.TRANSFER)
        self._name_customer = redis.register_script(lua.NAME_CUSTOMER)

    # --- conversations --------------------------------------------------------------------------------
    async def append(self, cid: str, entry: dict[str, Any], client_msg_id: str | None = None,
                     requirement: str = "", language: str | None = None) -> AppendResult:
        answer = _named(await self._append(args=[
            self.p, cid, json.dumps(entry, ensure_ascii=False), client_msg_id or "", requirement,
            f"{time.time():.3f}", self.settings.conversation_ttl_s, language or ""]))
        return AppendResult(answer["status"], int(answer["seq"]), answer["owner"])

    async def ensure_conversation(self, cid: str, channel: str) -> None:
        key = self.keys.conv(cid)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "owner", "bot")
            pipe.hsetnx(key, "epoch", 0)
            pipe.hsetnx(key, "seq", 0)
            pipe.hsetnx(key, "channel", channel)
            pipe.expire(key, self.settings.conversation_ttl_s)
            await pipe.execute()

    async def conversation(self, cid: str) -> dict[str, str]:
        return await self.redis.hgetall(self.keys.conv(cid))

    async def log_after(self, cid: str, after: int) -> list[dict[str, Any]]:
        # seq n is at list index n-1 (both are written in one script).
        raw = await self.redis.lrange(self.keys.log(cid), max(0, after), -1)
        return [json.loads(item) for item in raw]

    async def conversation_field(self, cid: str, name: str) -> str | None:
        return await self.redis.hget(self.keys.conv(cid), name)

    async def conversation_fields(self, cid: str, *names: str) -> list[str | None]:
        return await self.redis.hmget(self.keys.conv(cid), list(names))

    async def set_conversation_field(self, cid: str, name: str, value: str | int) -> None:
        await self.redis.hset(self.keys.conv(cid), name, value)

    async def take_conversation_field(self, cid: str, name: str) -> bool:
        """Remove the field: True for the one caller that removed it (of two at the same moment)."""
        return bool(await self.redis.hdel(self.keys.conv(cid), name))

    async def persisted_seq(self, cid: str) -> int:
        """The last log entry saved to the database (handoff/service.py persist_transcript)."""
        return int(await self.conversation_field(cid, "persisted_seq") or 0)

    async def ping(self) -> None:
        await self.redis.ping()

    async def link_app_customer(self, cid: str, token: str, customer_id: str) -> None:
        """The app customer this conversation's checked token names, and her index of conversations."""
        index = self.keys.customer_conversations(customer_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.conv(cid), mapping={"app_token": token, "app_customer": customer_id})
            pipe.sadd(index, cid)
            pipe.expire(index, self.settings.conversation_ttl_s)  # as long as the conversations it names
            await pipe.execute()

    async def name_request_customer(self, cid: str, customer_id: str) -> str | None:
        """The conversation's open request, if it named no customer, now names this one: its rid (else None)."""
        return await self._name_customer(args=[self.p, cid, customer_id]) or None

    async def add_whisper(self, cid: str, note: dict[str, Any], kept: int) -> None:
        """Keep a supervisor's whisper beside (never in) the conversation's log: the latest `kept`."""
        key = self.keys.whispers(cid)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(note, ensure_ascii=False))
            pipe.ltrim(key, -kept, -1)
            pipe.expire(key, self.settings.conversation_ttl_s)
            await pipe.execute()

    async def whispers(self, cid: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in await self.redis.lrange(self.keys.whispers(cid), 0, -1)]

    async def customer_conversations(self, customer_id: str) -> set[str]:
        """The conversations an app customer signed in to."""
        return await self.redis.smembers(self.keys.customer_conversations(customer_id))

    async def forget_customer_conversations(self, customer_id: str) -> None:
        await self.redis.delete(self.keys.customer_conversations(customer_id))

    async def forget_callback_numbers(self, callback_ids: list[str]) -> int:
        """The full numbers of these callbacks (handoff/callbacks.py); how many were still kept."""
        return await self.redis.delete(*(self.keys.callback_number(i) for i in callback_ids))

    async def erase_conversations(self, cids: list[str], rids: set[str]) -> int:
        """Erasure: the conversations' keys and their handoff requests' (rids, and each conversation's latest);
        how many keys were deleted (handoff/customer_data.py)."""
        keys = self.keys
        latest = {rid for rid in [await self.redis.hget(keys.conv(cid), "request_id") for cid in cids] if rid}
        names: list[str] = []
        for rid in rids | latest:
            names += [keys.request(rid), keys.offers(rid), keys.tried(rid)]
        for cid in cids:
            names += [keys.conv(cid), keys.log(cid), keys.msg_ids(cid), keys.bot_queue(cid), keys.offered(cid),
                      keys.bot_lock(cid), keys.whispers(cid)]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*names)
            pipe.srem(keys.bot_pending, *cids)
            pipe.srem(keys.live, *cids)
            deleted, *_ = await pipe.execute()
        return int(deleted)

    async def remember_buttons(self, cid: str, buttons: Any) -> None:
        """The intent payloads a bot message offered, for as long as the conversation lives (offered.py)."""
        await offered.remember(self.redis, self.keys, cid, buttons, self.settings.conversation_ttl_s)

    # --- requests ----------------------------------------------------------------------------------
    async def create_request(self, cid: str, fields: dict[str, str]) -> CreatedRequest:
        rid = "r-" + uuid.uuid4().hex[:16]
        now = time.time()
        pairs: list[Any] = []
        for name, value in fields.items():
            pairs += [name, value]
        answer = _named(await self._create(args=[
            self.p, rid, cid, f"{now:.3f}", f"{now + self.settings.escalate_s:.3f}", fields["language"], *pairs]))
        return CreatedRequest(answer["status"] == "created", answer["rid"], now, int(answer["position"]))

    async def request(self, rid: str) -> dict[str, str]:
        return await self.redis.hgetall(self.keys.request(rid))

    async def request_field(self, rid: str, name: str) -> str | None:
        return await self.redis.hget(self.keys.request(rid), name)

    async def queue_since(self) -> list[tuple[str, float]]:
        """The waiting requests with the time each joined the queue, first first."""
        return await self.redis.zrange(self.keys.queue, 0, -1, withscores=True)

    async def offer_deadline(self, rid: str, username: str, offer_id: str) -> float | None:
        """When the offer of rid to username runs out (its timer), or None if it is gone."""
        return await self.redis.zscore(self.keys.timers, f"offer|{rid}|{username}|{offer_id}")

    async def position(self, rid: str) -> int | None:
        rank = await self.redis.zrank(self.keys.queue, rid)
        return None if rank is None else rank + 1

    async def queue(self) -> list[str]:
        return await self.redis.zrange(self.keys.queue, 0, -1)

    async def offer(self, rid: str, username: str, offer_id: str, deadline: float) -> bool:
        return bool(await self._offer(args=[self.p, rid, username, offer_id, f"{time.time():.3f}",
                                            f"{deadline:.3f}"]))

    async def withdraw(self, rid: str, username: str, offer_id: str = "") -> bool:
        return bool(await self._withdraw(args=[self.p, rid, username, offer_id]))

    async def accept(self, rid: str, username: str, display_name: str, mode: str) -> Accepted:
        answer = _named(await self._accept(args=[self.p, rid, username, display_name, f"{time.time():.3f}", mode]))
        return Accepted(**{**answer, "created": float(answer.get("created") or 0)})

    async def release(self, cid: str, username: str, outcome: str, bot_answers: bool = False) -> Released:
        return Released(**_named(await self._release(args=[self.p, cid, username, outcome, f"{time.time():.3f}",
                                                           "1" if bot_answers else ""])))

    async def transfer(self, cid: str, user: str, rid: str, now: float, escalate_at: float, target: str,
                       target_name: str, fields: dict[str, str]) -> Transferred:
        """End the conversation's request and start rid for it, assigned to target or ("") queued."""
        pairs: list[str] = []
        for name, value in fields.items():
            pairs += [name, value]
        return Transferred(**_named(await self._transfer(args=[
            self.p, cid, user, rid, f"{now:.3f}", f"{escalate_at:.3f}", target, target_name, *pairs])))

    async def escalate(self, rid: str) -> bool:
        return bool(await self._escalate(args=[self.p, rid]))

    # --- agents ------------------------------------------------------------------------------------
    async def register_agent(self, user: Any) -> None:
        key = self.keys.agent(user.username)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"username": user.username, "display_name": user.display_name,
                                    "role": user.role, "capacity": user.capacity,
                                    "languages": user.languages, "topics": user.topics,
                                    "disabled": "1" if getattr(user, "disabled_at", None) else "0"})
            pipe.hsetnx(key, "state", "offline")
            pipe.hsetnx(key, "last_assigned", f"{time.time():.3f}")
            pipe.sadd(self.keys.agents, user.username)
            await pipe.execute()

    async def agent(self, username: str) -> dict[str, str]:
        return await self.redis.hgetall(self.keys.agent(username))

    async def set_agent_state(self, username: str, state: str) -> None:
        await self.redis.hset(self.keys.agent(username), "state", state)

    async def agent_loads(self, usernames: list[str] | None = None) -> list[AgentLoad]:
        names = usernames if usernames is not None else sorted(await self.redis.smembers(self.keys.agents))
        if not names:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(self.keys.agent(name))
                pipe.scard(self.keys.agent_convs(name))
                pipe.scard(self.keys.agent_offers(name))
            raw = await pipe.execute()
        loads = []
        for i, name in enumerate(names):
            info, convs, offers = raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]
            if not info:
                continue
            loads.append(AgentLoad(
                username=name, display_name=info.get("display_name", name), role=info.get("role", "agent"),
                state=info.get("state", "offline"), capacity=int(info.get("capacity", 1)),
                languages=_csv(info.get("languages")), topics=_csv(info.get("topics")),
                last_assigned=float(info.get("last_assigned", 0)), conversations=convs, offers=offers))
        return loads

    async def agent_conversations(self, username: str) -> list[str]:
        return sorted(await self.redis.smembers(self.keys.agent_convs(username)))

    async def agent_offers(self, username: str) -> list[str]:
        return sorted(await self.redis.smembers(self.keys.agent_offers(username)))

    async def offer_ids(self, rid: str) -> dict[str, str]:
        return await self.redis.hgetall(self.keys.offers(rid))

    async def tried(self, rid: str) -> set[str]:
        return await self.redis.smembers(self.keys.tried(rid))

    async def live_conversations(self) -> list[str]:
        return sorted(await self.redis.smembers(self.keys.live))

    async def console_opened(self, username: str, ttl_s: int) -> None:
        key = self.keys.consoles(username)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, ttl_s)
            await pipe.execute()

    async def console_closed(self, username: str) -> int:
        """Count one console socket out; how many the user still has open (over every hub process)."""
        return await self.redis.decr(self.keys.consoles(username))

    async def consoles(self, username: str) -> int:
        return int(await self.redis.get(self.keys.consoles(username)) or 0)

    # --- sessions ----------------------------------------------------------------------------------
    async def new_session(self, username: str) -> str:
        token = uuid.uuid4().hex + uuid.uuid4().hex
        ttl, mine = self.settings.session_ttl_s, self.keys.user_sessions(username)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.session(token), username, ex=ttl)
            pipe.sadd(mine, token)
            pipe.expire(mine, ttl)  # outlives none of its sessions: each new one pushes it out again
            await pipe.execute()
        return token

    async def session_user(self, token: str | None) -> str | None:
        if not token or len(token) > 128:
            return None
        return await self.redis.get(self.keys.session(token))

    async def end_session(self, token: str) -> None:
        username = await self.redis.get(self.keys.session(token))
        await self.redis.delete(self.keys.session(token))
        if username:
            await self.redis.srem(self.keys.user_sessions(username), token)

    async def end_user_sessions(self, username: str) -> None:
        """Every session of this user, signed in anywhere (a disabled account, a reset password)."""
        mine = self.keys.user_sessions(username)
        tokens = await self.redis.smembers(mine)
        await self.redis.delete(mine, *(self.keys.session(t) for t in tokens))

    # --- figures -----------------------------------------------------------------------------------
    async def record_accept(self, rid: str, accept_ms: float) -> None:
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self.keys.accepts, {f"{rid}|{accept_ms:.0f}": now})
            pipe.zremrangebyscore(self.keys.accepts, 0, now - 86400)
            await pipe.execute()

    async def accept_times_ms(self, window_s: float = 3600) -> list[float]:
        members = await self.redis.zrangebyscore(self.keys.accepts, time.time() - window_s, "+inf")
        return sorted(float(m.rsplit("|", 1)[1]) for m in members)

    async def add_alert(self, alert: dict[str, Any]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self.keys.alerts, json.dumps(alert, ensure_ascii=False))
            pipe.ltrim(self.keys.alerts, 0, 49)
            await pipe.execute()

    async def alerts(self) -> list[dict[str, Any]]:
        return [json.loads(a) for a in await self.redis.lrange(self.keys.alerts, 0, 19)]


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
