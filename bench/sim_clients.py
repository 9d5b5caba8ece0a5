"""Simulated customers on the hub's chat WebSocket.

Each customer records what it saw (goal delivered, handed to a person, ratings given): the ground
truth the service figures are checked against."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.sim_journeys import NO, THANKS, YES, Plan, answer_for
from devstack.tokens import app_token

BOT_REPLY_TIMEOUT_S = 90
QUIET_S = 0.5  # the hub appends one Rasa answer's replies back to back; this much quiet ends a turn
MAX_TURNS = 12
HUMAN_TIMEOUT_S = 240


@dataclass
class Outcome:
    cid: str
    journey: str
    language: str
    completed: bool = False  # the goal's words arrived while the bot owned the conversation
    handed_over: bool = False  # the conversation was queued for a person
    agent_joined: bool = False
    csat_asked: bool = False  # the bot's satisfaction question
    bot_score: int | None = None
    bot_skipped: bool = False
    human_score: int | None = None
    messages: int = 0
    error: str | None = None
    transcript: list[str] = field(default_factory=list)


def _text(entry: dict[str, Any]) -> str:
    parts = [entry.get("text") or ""]
    if entry.get("custom"):
        parts.append(json.dumps(entry["custom"], ensure_ascii=False))
    return "\n".join(p for p in parts if p)


def csat_buttons(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The bot's satisfaction question: buttons scored 1-5 (payload mentions csat, or titles 1..5)."""
    buttons = entry.get("buttons") or []
    if entry.get("sender") != "bot" or not buttons:
        return []
    if any("csat" in str(b.get("payload", "")).lower() for b in buttons) or \
            {"1", "2", "3", "4", "5"} <= {str(b.get("title", "")).strip()[:1] for b in buttons}:
        return buttons
    return []


def _score_button(buttons: list[dict[str, Any]], score: int) -> dict[str, Any] | None:
    for button in buttons:
        payload, title = str(button.get("payload", "")), str(button.get("title", ""))
        if re.search(rf"(^|[^0-9]){score}([^0-9]|$)", payload) or title.strip().startswith(str(score)):
            return button
    return None


def _skip_button(buttons: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((b for b in buttons if re.search(r"skip|跳过|不评", f"{b.get('payload')} {b.get('title')}", re.I)), None)


class ChatSession:
    """One customer's socket: frames are read into a queue by a task."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.owner = "bot"
        # Set by the reader whatever else is waiting on the queue: the agent may answer while the
        # customer is still reading the bot's handoff words.
        self.agent_spoke = asyncio.Event()
        self.csat_requested = asyncio.Event()
        self.csat_thanked = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.ws:
                frame = json.loads(raw)
                if frame.get("type") == "status":
                    self.owner = frame.get("owner") or self.owner
                elif frame.get("type") == "event":
                    if frame.get("sender") == "agent":
                        self.agent_spoke.set()
                    elif frame.get("kind") == "csat_request":
                        self.csat_requested.set()
                    elif frame.get("kind") == "csat_thanks":
                        self.csat_thanked.set()
                    elif frame.get("kind") == "escalated":  # keep waiting for a person
                        await self.ws.send(json.dumps({"type": "choice", "choice": "wait"}))
                self.frames.put_nowait(frame)

    async def send(self, text: str, title: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "message", "text": text, "client_msg_id": uuid.uuid4().hex}
        if title:
            frame["title"] = title
        await self.ws.send(json.dumps(frame, ensure_ascii=False))

    async def next_frame(self, timeout: float) -> dict[str, Any] | None:
        try:
            return await asyncio.wait_for(self.frames.get(), timeout)
        except TimeoutError:
            return None

    async def bot_turn(self) -> list[dict[str, Any]]:
        """The bot's (or the hub's) entries answering the last message: the first within the timeout, then
        everything until QUIET_S passes without one."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + BOT_REPLY_TIMEOUT_S
        while time.monotonic() < deadline:
            frame = await self.next_frame(QUIET_S if got else deadline - time.monotonic())
            if frame is None:
                if got:
                    break
                continue
            if frame.get("type") == "event" and frame.get("sender") in ("bot", "system", "agent"):
                got.append(frame)
        return got

    async def wait_event(self, predicate: Any, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = await self.next_frame(deadline - time.monotonic())
            if frame is not None and frame.get("type") == "event" and predicate(frame):
                return frame
        return None

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


async def chat_session(hub_url: str) -> tuple[str, str]:
    """A new web conversation minted by the hub: (its id, the resume cookie's value)."""
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"{hub_url}/api/chat/session")
        response.raise_for_status()
        return response.json()["conversation_id"], response.cookies["hub_chat"]


async def run_customer(ws_url: str, cid: str, plan: Plan, done_pattern: re.Pattern,
                       api_url: str | None = None) -> Outcome:
    headers: dict[str, str] = {}
    if not cid.startswith("app-"):  # web chats get their id and resume cookie from the hub, as the chat page does
        cid, cookie = await chat_session(ws_url.replace("ws://", "http://", 1))
        headers["Cookie"] = f"hub_chat={cookie}"
    out = Outcome(cid, plan.journey.name, plan.language)
    async with connect(f"{ws_url}/ws/chat/{cid}", max_size=2**22, open_timeout=60, additional_headers=headers) as ws:
        if cid.startswith("app-"):  # the app opens its signed-in customer's chat with the customer's token
            await ws.send(json.dumps({"type": "auth", "token": app_token(cid.removeprefix("app-"))}))
        chat = ChatSession(ws)
        try:
            await _converse(chat, plan, out, done_pattern, api_url)
        finally:
            await chat.close()
    out.transcript = out.transcript[-40:]
    return out


async def _say(chat: ChatSession, out: Outcome, text: str, title: str | None = None) -> list[dict[str, Any]]:
    await chat.send(text, title)
    out.messages += 1
    out.transcript.append(f"> {title or text}")
    replies = await chat.bot_turn()
    out.transcript += [f"< [{e.get('sender')}] {_text(e)[:200]}" for e in replies]
    if chat.owner in ("queued", "agent") or any(e.get("kind") == "agent_joined" for e in replies):
        out.handed_over = True
    return replies


async def _reminder_reply(chat: ChatSession, out: Outcome) -> list[dict[str, Any]]:
    """The reminder waits in the app chat's log (replayed on connect): press its pay / renew button."""
    reminder = await chat.wait_event(lambda e: e.get("sender") == "bot" and any(
        str(b.get("payload", "")).startswith(("/pay_premium", "/renewal")) for b in e.get("buttons") or []), 30)
    if reminder is None:
        return []
    out.transcript.append(f"< [bot] {_text(reminder)[:200]}")
    while await chat.next_frame(1.0) is not None:  # the rest of the replayed log (another reminder)
        pass
    button = reminder["buttons"][0]
    return await _say(chat, out, button["payload"], button.get("title"))


async def _pay(api_url: str, replies: list[dict[str, Any]]) -> None:
    """Pay a payment link the bot sent, as the customer would on the payment page."""
    for entry in replies:
        link = entry.get("custom") or {}
        if link.get("type") == "payment_link":
            async with httpx.AsyncClient(timeout=30) as http:
                (await http.post(f"{api_url}/pay/{link['payment_id']}/confirm")).raise_for_status()


async def _converse(chat: ChatSession, plan: Plan, out: Outcome, done_pattern: re.Pattern,
                    api_url: str | None = None) -> None:
    language, journey = plan.language, plan.journey
    if journey.name == "reminder":
        replies = await _reminder_reply(chat, out)
    else:
        replies = await _say(chat, out, journey.opening[language])
    thanked = False
    for turn in range(1, MAX_TURNS + 1):
        if out.handed_over:
            await _with_agent(chat, plan, out)
            return
        if not replies:
            out.error = f"no reply from the bot in {BOT_REPLY_TIMEOUT_S}s"
            return
        if journey.give_up_after and turn >= journey.give_up_after:
            return  # leaves mid-way
        text = "\n".join(_text(e) for e in replies)
        if not out.completed and done_pattern.search(text):
            out.completed = True
            if journey.name == "reminder" and api_url:
                await _pay(api_url, replies)
        question = next((csat_buttons(e) for e in replies if csat_buttons(e)), [])
        if question:
            out.csat_asked = True
            await _answer_csat(chat, plan, out, question)
            return
        if out.completed:
            if thanked:
                return  # no satisfaction question came
            thanked = True
            replies = await _say(chat, out, THANKS[language])
            continue
        last = _text(replies[-1])
        answer = answer_for(last, language)
        if answer is None and any(e.get("buttons") for e in replies):
            answer = YES[language] if journey.accept_offer else NO[language]
        if answer is None:
            await asyncio.sleep(1)  # a handoff's queue status may trail the bot's words
            if chat.owner in ("queued", "agent"):
                out.handed_over = True
                continue
            out.error = f"nothing to answer to: {last[:120]!r}"
            return
        replies = await _say(chat, out, answer)


async def _answer_csat(chat: ChatSession, plan: Plan, out: Outcome, buttons: list[dict[str, Any]]) -> None:
    button = _score_button(buttons, plan.bot_score) if plan.rates_bot else _skip_button(buttons)
    if plan.rates_bot and button is not None:
        await _say(chat, out, str(button.get("payload") or button.get("title")), str(button.get("title")))
        out.bot_score = plan.bot_score
    else:
        skip = _skip_button(buttons)
        if skip is not None:
            await _say(chat, out, str(skip.get("payload") or skip.get("title")), str(skip.get("title")))
        else:
            await _say(chat, out, "跳过" if plan.language == "zh" else "skip")
        out.bot_skipped = True


async def _wait(flag: asyncio.Event, timeout: float) -> bool:
    try:
        await asyncio.wait_for(flag.wait(), timeout)
        return True
    except TimeoutError:
        return False


async def _with_agent(chat: ChatSession, plan: Plan, out: Outcome) -> None:
    """Queued: wait for the agent, answer once, and rate (or not) when the agent closes."""
    if not await _wait(chat.agent_spoke, HUMAN_TIMEOUT_S):
        out.error = "no agent reply"
        return
    out.agent_joined = True
    await chat.send(THANKS[plan.language])
    out.messages += 1
    if not await _wait(chat.csat_requested, HUMAN_TIMEOUT_S):
        out.error = "the agent never closed"
        return
    if plan.rates_human:
        await chat.ws.send(json.dumps({"type": "csat", "score": plan.human_score}))
        if await _wait(chat.csat_thanked, 30):
            out.human_score = plan.human_score
