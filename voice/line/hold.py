"""The call on hold and then with the agent: the hub's events followed (queue position prompts, the agent
joining, the agent's typed messages spoken, the escalation's keypad choices) until the call is handed back
to the assistant."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from voice.line.prompts import hold_prompt, prompt
from voice.line.speaking import say

if TYPE_CHECKING:  # voice.line.session imports this module
    from voice.line.session import CallSession


async def follow_hub(call: CallSession, after: int, position: int | None, wait_s: float | None) -> None:
    """While the call is with the hub: hold prompts with the place in the queue, then the agent's
    messages spoken to the caller, until the agent hands the call back to the assistant."""
    language = call.language or "zh"
    last_prompt = time.monotonic()
    while call.state in ("hold", "agent"):
        update = await call.services.hub.events(call.call_id, after, min(10.0, call.settings.hold_prompt_every_s))
        if update is None:
            await asyncio.sleep(2)
            continue
        for event in update.events:
            after = max(after, int(event.get("seq") or after))
            kind, sender, text = event.get("kind"), event.get("sender"), (event.get("text") or "").strip()
            if kind == "agent_joined" or (sender == "agent" and call.state == "hold"):
                call.state = "agent"
                await say(call, prompt("hold_connected", language), language, source="prompt")
            if sender == "agent" and text and kind != "agent_joined":
                await say(call, text, language, source="agent")
            if kind == "escalated" and call.state == "hold":
                call.hold_choices = True
                await say(call, prompt("hold_busy", language), language, source="prompt")
            if kind == "choice_wait" or str(kind).startswith("callback_promised"):
                await say(call, text, language, source="prompt")  # the hub's own words, in the call's language
            if kind in ("handed_back", "closed"):
                call.state = "talk"
                return
        after = max(after, update.last_seq)
        status = update.status
        if status.owner == "bot":
            call.state = "talk"
            return
        if status.owner == "agent":
            call.state = "agent"
        position = status.position if status.position is not None else position
        wait_s = status.estimated_wait_s if status.estimated_wait_s is not None else wait_s
        if call.state == "hold" and time.monotonic() - last_prompt >= call.settings.hold_prompt_every_s:
            last_prompt = time.monotonic()
            if not call.playing:
                await say(call, hold_prompt(language, position, wait_s), language, source="prompt")


async def hold_choice(call: CallSession, choice: str) -> None:
    """The caller's keypad answer to the escalation; a callback goes to the carrier's caller id (the hub
    says the promise, which follow_hub speaks, and hands the call back to the assistant)."""
    language = call.language or "zh"
    result = await call.services.hub.choose(call.call_id, choice, call.start.custom.get("from"))
    if result == "ok":
        call.hold_choices = False
    elif result == "no_callback_number":
        call.hold_choices = False  # a withheld number stays withheld
        await say(call, prompt("callback_no_number", language), language, source="prompt")
    else:
        await say(call, prompt("hold_unavailable", language), language, source="prompt")
