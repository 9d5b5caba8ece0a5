"""The assistant hands the call to a person: its action has already queued the call with the hub (the one
handoff request, with the conversation's masked summary) and its reply says what the hub answered; here
the caller hears the place in the queue and is on hold (voice/line/hold.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from voice.line.assistant import Handoff
from voice.line.hold import follow_hub
from voice.line.hub import NoHub
from voice.line.prompts import hold_prompt, prompt
from voice.line.speaking import say

if TYPE_CHECKING:  # voice.line.session imports this module
    from voice.line.session import CallSession

logger = logging.getLogger("voice.line.session")  # a call's lines under one logger, whichever part of it logs


async def transfer(call: CallSession, handoff: Handoff) -> None:
    ticket = handoff.ticket
    if ticket is None:
        return  # not queued (no hub, or none reachable): the assistant has already given the hotline
    language = call.language or "zh"
    hub = call.services.hub
    if isinstance(hub, NoHub):
        # The action server knows a hub this gateway does not: nobody here could follow the call there.
        logger.warning("call %s: queued as %s, but the gateway has no hub to follow it", call.call_id,
                       ticket.request_id)
        await say(call, prompt("hold_unavailable", language), language, source="prompt")
        return
    call.handoff_request_id = ticket.request_id
    call.state = "hold"
    status = await hub.status(call.call_id)
    await say(call, hold_prompt(language, ticket.position, ticket.estimated_wait_s), language, source="prompt")
    call.tasks.append(asyncio.create_task(follow_hub(call, status.last_seq, ticket.position,
                                                     ticket.estimated_wait_s)))
