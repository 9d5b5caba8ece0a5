"""The dialogue with the assistant: the call's language, what the caller said or keyed sent to the assistant
and its answer spoken (its buttons read out as keypad options), numbers read back for the caller to confirm
before they are sent, and the assistant's handoff passed on (voice/line/handoff.py). While the hub has the
call, what the caller says goes to the agent instead."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from common.normalize import NUMBER_PREFIX_PATTERN
from voice.line.assistant import AssistantUnavailable
from voice.line.handoff import transfer
from voice.line.hold import hold_choice
from voice.line.prompts import prompt, spoken_options
from voice.line.speaking import record, say
from voice.recognition.vocabulary import keypad_to_text, spell_number

if TYPE_CHECKING:  # voice.line.session imports this module
    from voice.line.session import CallSession

logger = logging.getLogger("voice.line.session")  # a call's lines under one logger, whichever part of it logs

_CONFIRM_NUMBER = re.compile(rf"(?<![A-Za-z0-9])(?:(?:{NUMBER_PREFIX_PATTERN})\d{{4,}}|\d{{6,}})(?![0-9])")
_YES = re.compile(r"^(?:是|是的|对|对的|没错|正确|确认|好|好的|嗯|yes|yeah|yep|correct|right|that's right|sure)\b|^(?:是|对|好)",
                  re.IGNORECASE)
_NO = re.compile(r"^(?:不|不是|不对|错|错了|no|nope|wrong|not)\b|^(?:不|错)", re.IGNORECASE)


def numbers_to_confirm(text: str) -> list[str]:
    """Numbers worth reading back: policy/claim numbers and long digit strings (phones)."""
    return _CONFIRM_NUMBER.findall(text)


async def choose_language(call: CallSession, language: str, *, welcome: bool) -> None:
    if call.language is not None:
        return
    call.language = language
    call.state = "talk"
    await asyncio.to_thread(call.services.store.set_language, call.call_id, language)
    try:
        await call.services.assistant.set_language(call.call_id, language)
    except AssistantUnavailable:
        logger.warning("call %s: could not set the language slot", call.call_id)
    if welcome:
        await say(call, prompt("welcome", language), language, source="prompt")


async def on_keypad(call: CallSession, digits: str) -> None:
    language = call.language or "zh"
    call.silence_prompts = 0
    if call.state == "hold" and call.hold_choices and digits in ("1", "2"):
        await hold_choice(call, "callback" if digits == "1" else "wait")
        return
    if call.state == "confirm" and digits in ("1", "2"):
        await on_text(call, "yes" if digits == "1" else "no", "keypad", {}, time.monotonic(), keyed_answer=True)
        return
    if call.state == "talk" and len(digits) == 1 and call.buttons and 1 <= int(digits) <= len(call.buttons):
        button = call.buttons[int(digits) - 1]
        await _to_assistant(call, button["payload"], "keypad", {}, time.monotonic(), shown=button["title"])
        return
    if call.state not in ("talk", "confirm"):
        return
    text = keypad_to_text(digits)
    if len(text) < 4:
        await _to_assistant(call, text, "keypad", {}, time.monotonic())
        return
    call.pending_text, call.state = text, "confirm"
    await say(call, prompt("read_back_keypad", language, spelled=spell_number(text, language)), language,
              source="prompt")


async def on_text(call: CallSession, text: str, source: str, metrics: dict[str, Any], eos_at: float,
                  keyed_answer: bool = False) -> None:
    language = call.language or "zh"
    if call.state in ("hold", "agent"):
        # With the hub now: what the caller says goes to the agent (or waits in the transcript).
        await record(call, "caller", source, text, metrics)
        await call.services.hub.send_message(call.call_id, text, f"{call.call_id}-{call.seq}")
        return
    if call.state == "confirm" and call.pending_text is not None:
        numbers = [] if keyed_answer else numbers_to_confirm(text)
        if not numbers and _YES.search(text.strip()):
            pending, call.pending_text, call.state = call.pending_text, None, "talk"
            await record(call, "caller", source, text, metrics)
            await _to_assistant(call, pending, "confirmed", {}, eos_at)
            return
        if not numbers and _NO.search(text.strip()):
            call.pending_text, call.state = None, "talk"
            await record(call, "caller", source, text, metrics)
            await say(call, prompt("number_again", language), language, source="prompt")
            return
        if not numbers:
            await record(call, "caller", source, text, metrics)
            await _read_back(call, call.pending_text, eos_at)
            return
    numbers = numbers_to_confirm(text)
    if numbers and source == "speech":
        call.pending_text, call.state = text, "confirm"
        await record(call, "caller", source, text, metrics)
        await _read_back(call, text, eos_at, metrics)
        return
    await _to_assistant(call, text, source, metrics, eos_at)


async def _read_back(call: CallSession, text: str, eos_at: float, metrics: dict[str, Any] | None = None) -> None:
    language = call.language or "zh"
    spelled = "，".join(spell_number(n, language) for n in numbers_to_confirm(text))
    await say(call, prompt("read_back", language, spelled=spelled), language, source="prompt", eos_at=eos_at)


async def _to_assistant(call: CallSession, text: str, source: str, metrics: dict[str, Any], eos_at: float, *,
                        shown: str | None = None) -> None:
    language = call.language or "zh"
    try:
        reply = await call.services.assistant.send(call.call_id, text, language)
    except AssistantUnavailable as exc:
        logger.warning("call %s: assistant unavailable: %s", call.call_id, exc)
        await record(call, "caller", source, shown or text, metrics)
        await say(call, prompt("assistant_down", language), language, source="prompt")
        return
    call.buttons = reply.buttons
    # Recorded before speaking: a caller who hangs up during the answer still has the turn on record.
    caller_seq = await record(call, "caller", source, shown or text, metrics)
    await record(call, "bot", "assistant", reply.text,
                 {"handoff": reply.handoff_reason} if reply.handoff_reason else None)
    spoken = reply.text
    if reply.buttons:
        spoken += "\n" + spoken_options([b["title"] for b in reply.buttons], language)
    await say(call, spoken, language, source=None, eos_at=eos_at,
              metrics=(caller_seq, metrics) if metrics else None)
    if reply.handoff:
        await transfer(call, reply.handoff)
