"""The assistant hands the call to a person: a handoff request to the hub with the call's transcript so far
as its summary; the caller hears the place in the queue and is on hold (voice/call_hold.py)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from voice.call_hold import follow_hub
from voice.call_speech import say
from voice.hub import NoHub
from voice.prompts import hold_prompt, prompt

if TYPE_CHECKING:  # voice.session imports this module
    from voice.session import CallSession


async def transfer(call: CallSession, reason: str) -> None:
    hub = call.services.hub
    language = call.language or "zh"
    if isinstance(hub, NoHub):
        return  # the assistant has already given the hotline
    transcript = await asyncio.to_thread(call.services.store.call, call.call_id)
    summary = [{"speaker": "customer" if t["speaker"] == "caller" else "bot", "text": t["text"]}
               for t in (transcript or {}).get("turns", [])][-40:]
    ticket = await hub.request({"conversation_id": call.call_id, "channel": "voice", "reason": reason,
                                "language": language, "customer_id": None, "summary": summary})
    if ticket is None:
        await say(call, prompt("hold_unavailable", language), language, source="prompt")
        return
    call.handoff_request_id = ticket.request_id
    call.state = "hold"
    status = await hub.status(call.call_id)
    await say(call, hold_prompt(language, ticket.position, ticket.estimated_wait_s), language, source="prompt")
    call.tasks.append(asyncio.create_task(follow_hub(call, status.last_seq, ticket.position,
                                                     ticket.estimated_wait_s)))
