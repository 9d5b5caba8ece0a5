"""A caller on hold asks for a callback on the keypad: the voice gateway's hub client (voice/line/hub.py) against a real
hub process (real Redis, its SQLite record; no bot needed). The call is queued as the assistant's action queues
it, and the hub's answer read as the gateway reads it from the action's payload. The callback goes to the
carrier's caller id; a withheld one leaves the caller in the queue; a call no longer waiting cannot ask."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import httpx

from devstack import services
from tests.security.standalone_hub import console_session, hub_without_bot
from voice.line.hub import HttpHub, NoHub, ticket_of


def test_a_caller_on_hold_gets_a_callback_to_their_caller_id(tmp_path) -> None:
    with hub_without_bot(tmp_path) as hub:
        cid = f"call-{uuid.uuid4().hex[:12]}"

        async def go() -> None:
            client = HttpHub(hub.url, services.HUB_API_KEY)
            try:
                ticket = ticket_of(await queued_as_the_action_queues_it(hub.url, cid))
                assert ticket is not None and ticket.position == 1
                assert await client.choose(cid, "callback", "anonymous") == "no_callback_number"
                assert (await client.status(cid)).owner == "queued"
                assert await client.choose(cid, "callback", "+86 139-1234-5678") == "ok"
                update = await client.events(cid, 0, 0)
                assert update is not None and update.status.owner == "bot"  # back with the assistant
                promise = [e for e in update.events if e.get("kind") == "callback_promised_caller_id"]
                assert promise and "139****5678" in promise[0]["text"]
                assert await client.choose(cid, "callback", "13912345678") == "not_waiting"
            finally:
                await client.close()
            assert await NoHub().choose(cid, "callback", "13912345678") == "unavailable"

        asyncio.run(go())
        with contextlib.closing(console_session(hub, "agent1")) as agent:
            made = [c for c in agent.get("/api/console/callbacks").json()["callbacks"] if c["conversation_id"] == cid]
            assert len(made) == 1 and made[0]["phone_source"] == "caller_id" and made[0]["channel"] == "voice"
            claimed = agent.post(f"/api/console/callbacks/{made[0]['callback_id']}/claim").json()
            assert claimed["phone"] == "13912345678"  # the +86 and the dashes are the carrier's, not the number's


async def queued_as_the_action_queues_it(hub_url: str, cid: str) -> dict[str, Any]:
    """The handoff request the assistant's action posts for a call (actions/handoff.py), and the hub's answer."""
    async with httpx.AsyncClient(headers={"X-API-Key": services.HUB_API_KEY}, timeout=10) as http:
        response = await http.post(f"{hub_url}/api/handoffs", json={
            "conversation_id": cid, "channel": "voice", "reason": "request", "language": "zh", "customer_id": None,
            "summary": [{"speaker": "customer", "text": "转人工"}]})
        response.raise_for_status()
        return response.json()
