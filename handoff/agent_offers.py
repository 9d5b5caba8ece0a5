"""Offers of waiting requests to agents (the router makes them, handoff/routing.py), and an agent taking
one, a supervisor taking a conversation over, or an agent declining an offer."""

from __future__ import annotations

import json
import time
from typing import Any

from handoff.errors import HubError
from handoff.records import ts
from handoff.service import Hub, User


def offer_event(req: dict[str, str], deadline: float) -> dict[str, Any]:
    return {"type": "offer", "request_id": req["rid"], "conversation_id": req["cid"],
            "reason": req.get("reason"), "language": req.get("language"), "channel": req.get("channel"),
            "customer_id": req.get("customer_id") or None, "summary": json.loads(req.get("summary") or "[]"),
            "created": float(req["created"]), "deadline": deadline, "escalated": req.get("escalated") == "1",
            "transfer_note": req.get("transfer_note") or None, "transfer_by": req.get("transfer_by") or None,
            # The console counts down from this, not from `deadline`: an agent's clock may be off.
            "expires_in_s": round(max(0.0, deadline - time.time()), 2)}


async def offers_for(hub: Hub, user: User) -> list[dict[str, Any]]:
    out = []
    for rid in await hub.state.agent_offers(user.username):
        req = await hub.state.request(rid)
        offer_id = (await hub.state.offer_ids(rid)).get(user.username)
        if not req or req.get("state") != "waiting" or not offer_id:
            continue
        deadline = await hub.state.offer_deadline(rid, user.username, offer_id)
        out.append(offer_event(req, deadline or 0))
    return out


async def accept(hub: Hub, rid: str, user: User, mode: str = "offer") -> dict[str, Any]:
    offered_at = await _offered_at(hub, rid, user.username) if mode == "offer" else None
    result = await hub.state.accept(rid, user.username, user.display_name, mode)
    status = result.status
    if status == "not_found":
        raise HubError(404, "request_not_found", "No such handoff request.")
    if status == "already_taken":
        raise HubError(409, "already_taken", f"Another agent ({result.taken_by or '?'}) already took this conversation.")
    if status == "not_offered":
        raise HubError(409, "not_offered", "This request is not (or no longer) offered to you.")
    if status == "already_yours":
        raise HubError(409, "already_yours", "You already own this conversation.")
    cid, previous, created = result.cid, result.previous, result.created
    for agent in result.withdrawn:
        await hub.bus.publish(f"user:{agent}", {"type": "offer_withdrawn", "request_id": rid, "why": "taken"})
    if previous:
        await hub.bus.publish(f"user:{previous}", {"type": "conversation_taken", "conversation_id": cid,
                                                    "by": user.display_name})
        hub.records.update_request(rid, agent=user.username)
    else:
        now = time.time()
        accept_ms = (now - created) * 1000
        await hub.state.record_accept(rid, accept_ms)
        if offered_at is not None:  # how fast agents take an offer: what a free slot's wait is
            await hub.wait_samples.reacted(rid, now - offered_at)
        hub.records.update_request(rid, accepted_at=ts(now), accept_ms=accept_ms, agent=user.username)
    await hub.rasa.pause(cid)
    language = await hub.state.conversation_field(cid, "language")
    await hub.say(cid, "agent_joined", language, name=user.display_name, agent_name=user.display_name)
    await hub.bus.publish(f"user:{user.username}", {"type": "assigned", "conversation_id": cid, "request_id": rid})
    await hub.publish_status(cid)
    hub.wake.set()
    return {"conversation_id": cid, "request_id": rid}


async def takeover(hub: Hub, cid: str, user: User) -> dict[str, Any]:
    """A supervisor takes a conversation from the queue or from its agent."""
    conv = await hub.state.conversation(cid)
    if not conv.get("request_id") or conv.get("owner") == "bot":
        raise HubError(409, "not_with_agent", "Only queued or agent-owned conversations can be taken over.")
    return await accept(hub, conv["request_id"], user, "takeover")


async def _offered_at(hub: Hub, rid: str, username: str) -> float | None:
    """When this user's offer of the request was made: its timer's deadline less the reservation."""
    offer_id = (await hub.state.offer_ids(rid)).get(username)
    deadline = await hub.state.offer_deadline(rid, username, offer_id) if offer_id else None
    return None if deadline is None else float(deadline) - hub.settings.reservation_s


async def decline(hub: Hub, rid: str, user: User) -> None:
    if not await hub.state.withdraw(rid, user.username):
        raise HubError(409, "not_offered", "This request is not (or no longer) offered to you.")
    await hub.bus.publish(f"user:{user.username}", {"type": "offer_withdrawn", "request_id": rid, "why": "declined"})
    hub.wake.set()
