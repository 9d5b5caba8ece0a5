"""What an agent reads of the conversations they may see (their own, one offered to them, or any, for a
supervisor): the list of those they have, the conversation with its request and notes, knowledge answers to
suggest, and the customer's data, read with the proof her conversation holds."""

from __future__ import annotations

import json
from typing import Any

from handoff import audit, customer_identity
from handoff.errors import HubError
from handoff.service import Hub, User


async def conversations(hub: Hub, user: User) -> list[dict[str, Any]]:
    """The conversations the user has (every live one for a supervisor), with their requests."""
    cids = await (hub.state.live_conversations() if user.is_supervisor else hub.state.agent_conversations(user.username))
    out = []
    for cid in cids:
        conv = await hub.state.conversation(cid)
        if not conv.get("request_id") or (not user.is_supervisor and conv.get("agent") != user.username):
            continue
        req = await hub.state.request(conv["request_id"])
        out.append({"conversation_id": cid, "owner": conv.get("owner"), "agent": conv.get("agent"),
                    "agent_name": conv.get("agent_name"), "request_id": conv["request_id"],
                    "reason": req.get("reason"), "language": req.get("language"), "channel": req.get("channel"),
                    "customer_id": req.get("customer_id") or None, "created": float(req.get("created", 0)),
                    "last_seq": int(conv.get("seq", 0))})
    return out


async def visible_request(hub: Hub, cid: str, user: User) -> tuple[dict[str, str], dict[str, str]]:
    """The conversation and its handoff request, if the user may see it (else 404 or 403)."""
    conv = await hub.can_see(cid, user)
    return conv, await hub.state.request(conv["request_id"])


async def conversation_view(hub: Hub, cid: str, user: User) -> dict[str, Any]:
    conv, req = await visible_request(hub, cid, user)
    if user.is_supervisor and conv.get("agent") != user.username:  # watching someone else's chat
        await audit.record(hub.records, user, audit.WATCH, req.get("customer_id"), cid)
    entries = await hub.state.log_after(cid, 0)
    return {"conversation_id": cid, "owner": conv.get("owner"), "agent": conv.get("agent"),
            "agent_name": conv.get("agent_name"), "language": conv.get("language") or req.get("language"),
            "channel": conv.get("channel"),
            "request": {"request_id": req.get("rid"), "reason": req.get("reason"), "state": req.get("state"),
                        "customer_id": req.get("customer_id") or None, "created": float(req.get("created", 0)),
                        "claimed_customer_id": req.get("claimed_customer_id") or None,
                        "escalated": req.get("escalated") == "1",
                        "transfer_note": req.get("transfer_note") or None,
                        "transfer_by": req.get("transfer_by") or None,
                        "summary": json.loads(req.get("summary") or "[]"),
                        "clause_excerpts": json.loads(req.get("clause_excerpts") or "[]")},
            "transcript": entries, "notes": await hub.records.notes(conv["request_id"])}


async def suggestions(hub: Hub, cid: str, user: User) -> dict[str, Any]:
    """The top 3 knowledge answers for the customer's last question, for the agent to insert."""
    conv, req = await visible_request(hub, cid, user)
    language = conv.get("language") or req.get("language") or "zh"
    entries = await hub.state.log_after(cid, 0)
    question = next((e.get("text") or "" for e in reversed(entries)
                     if e.get("sender") == "customer" and e.get("kind", "text") == "text" and e.get("text")), "")
    if not question:
        return {"question": "", "suggestions": [], "available": True}
    return {"question": question, **await hub.policy.knowledge(question, language)}


async def customer_context(hub: Hub, customer_id: str, cid: str | None, user: User) -> dict[str, Any]:
    """A handed-over customer's data, read with the proof her conversation holds (the policy API
    serves only the customer a token names), so supervisors too open it from a conversation."""
    if not cid:
        raise HubError(403, "not_your_conversation", "Open a customer's data from one of your conversations.")
    conv, req = await visible_request(hub, cid, user)
    if req.get("customer_id") != customer_id:
        raise HubError(403, "not_your_customer", "This customer is not in your conversation.")
    await hub.records.audit(user.username, user.role, customer_id, cid)
    # The token the console last had refreshed keeps her data open while agents work on; else the
    # conversation's own proof.
    stored = await hub.state.conversation_field(cid, "customer_token")
    data = await hub.policy.customer(customer_id, stored) if stored else None
    if data is None or str(data.get("error", "")).startswith("customer_token"):
        token = await customer_identity.customer_token(hub, cid)
        data = (await hub.policy.customer(customer_id, token) if token
                else {"available": False, "error": "customer_token_expired"})
    refreshed = data.pop("customer_token", None)
    if refreshed:
        await hub.state.set_conversation_field(cid, "customer_token", refreshed)
    return data
