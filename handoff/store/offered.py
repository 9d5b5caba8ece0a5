"""The buttons the bot offered, per conversation, so a click on one may reach Rasa as an intent payload.

Rasa's channel reads a "/" message as text unless we flag it (service_auth/intent_payloads.py). The hub
flags it only when that exact payload came from the bot in this conversation: a customer who types
`/EXTERNAL_premium_reminder{...}` or `/opt_out` has not been offered it and is read as text. A customer who
types a payload they were offered gets what the button gives, which the bot chose to give them anyway.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from handoff.store.keys import Keys
from service_auth.intent_payloads import PAYLOAD_OFFERED, is_intent_payload

MAX_PAYLOAD_CHARS = 500  # a payload longer than this is nothing our domain sends


async def remember(redis: aioredis.Redis, keys: Keys, cid: str, buttons: Any, ttl_s: int) -> None:
    """Keep the intent payloads of a bot message's buttons for as long as the conversation lives."""
    payloads = [b["payload"] for b in buttons or [] if isinstance(b, dict) and isinstance(b.get("payload"), str)
                and is_intent_payload(b["payload"]) and len(b["payload"]) <= MAX_PAYLOAD_CHARS]
    if not payloads:
        return
    key = keys.offered(cid)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.sadd(key, *payloads)
        pipe.expire(key, ttl_s)
        await pipe.execute()


async def flag(redis: aioredis.Redis, keys: Keys, cid: str, text: str) -> dict[str, bool]:
    """The metadata for relaying `text`: the payload flag if (and only if) the bot offered exactly it."""
    if not is_intent_payload(text) or len(text) > MAX_PAYLOAD_CHARS:
        return {}
    return {PAYLOAD_OFFERED: True} if await redis.sismember(keys.offered(cid), text) else {}
