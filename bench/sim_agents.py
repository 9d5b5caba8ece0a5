"""Simulated agents on the hub's console API and WebSocket: they accept each offer after 1-4 s,
answer once, and close after the customer's reply (the customer is then asked to rate)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from typing import Any

import httpx
from websockets.asyncio.client import connect

AGENT_TEXT = {"zh": "您好，我是人工客服，已经看到您的问题，这就为您处理。",
              "en": "Hello, I'm a member of the service team; I have read your question and will sort it out."}


class SimAgents:
    """Agents who accept each offer after 1-4 s, answer once, and close after the customer's reply."""

    def __init__(self, url: str, passwords: dict[str, str], rng: random.Random) -> None:
        self.url = url
        self.ws_url = url.replace("http://", "ws://")
        self.passwords = passwords
        self.rng = rng
        self.accepted = 0
        self._tasks: list[asyncio.Task] = []
        self._ready = asyncio.Event()
        self._count = 0

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._agent(u, p)) for u, p in self.passwords.items()]
        await asyncio.wait_for(self._ready.wait(), 60)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _agent(self, username: str, password: str) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            (await http.post("/api/console/login", json={"username": username, "password": password})).raise_for_status()
            cookie = f"hub_session={http.cookies.get('hub_session')}"
            async with connect(f"{self.ws_url}/ws/console", additional_headers={"Cookie": cookie},
                               max_size=2**22) as ws:
                (await http.post("/api/console/me/state", json={"state": "available"})).raise_for_status()
                self._count += 1
                if self._count == len(self.passwords):
                    self._ready.set()
                mine: dict[str, asyncio.Event] = {}
                tasks: set[asyncio.Task] = set()
                try:
                    await self._serve(ws, http, mine, tasks)
                finally:  # stopped: conversations still open end with the agent, not after its client closed
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)

    async def _serve(self, ws: Any, http: httpx.AsyncClient, mine: dict[str, asyncio.Event],
                     tasks: set[asyncio.Task]) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "offer":
                task = asyncio.create_task(self._take(http, frame, mine))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            elif frame.get("type") == "event" and frame.get("sender") == "customer" \
                    and frame.get("conversation_id") in mine:
                mine[frame["conversation_id"]].set()

    async def _take(self, http: httpx.AsyncClient, offer: dict[str, Any], mine: dict[str, asyncio.Event]) -> None:
        await asyncio.sleep(self.rng.uniform(1.0, 4.0))
        cid = offer["conversation_id"]
        replied = mine[cid] = asyncio.Event()
        if (await http.post(f"/api/console/requests/{offer['request_id']}/accept")).status_code != 200:
            mine.pop(cid, None)
            return  # someone else has it, or the reservation ran out: it is offered again
        self.accepted += 1
        await http.post(f"/api/console/conversations/{cid}/messages",
                        json={"text": AGENT_TEXT.get(offer.get("language") or "zh", AGENT_TEXT["zh"])})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(replied.wait(), 60)
        await http.post(f"/api/console/conversations/{cid}/close")
        mine.pop(cid, None)
