"""A conversation queued for a person: the handoff request (from the bot, the voice gateway, or the hub
itself when the bot cannot answer), placed with the router, and its escalation when the wait is long."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from handoff import customer_identity
from handoff.texts import t, wait_words

if TYPE_CHECKING:  # handoff.service imports this module (through the bot relay)
    from handoff.service import Hub


async def handoff(hub: Hub, payload: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    cid = payload["conversation_id"]
    # The caller's customer_id is a claim: agents see only the identity this conversation proved.
    fields = {"reason": payload["reason"], "language": payload["language"], "channel": payload["channel"],
              "customer_id": await customer_identity.verified_customer(hub, cid) or "",
              "claimed_customer_id": payload.get("customer_id") or "",
              "summary": json.dumps(payload.get("summary") or [], ensure_ascii=False),
              "clause_excerpts": json.dumps(payload.get("clause_excerpts") or [], ensure_ascii=False)}
    created, rid, now, position = await hub.state.create_request(cid, fields)
    if created:
        req = {"rid": rid, "cid": cid, "created": f"{now:.3f}", "state": "waiting", "escalated": "0", **fields}
        hub.records.record_request(req, payload.get("summary") or [])
        if hub.place_now is not None:
            await hub.place_now(rid, req)
    if not position:  # an agent already has it
        return False, {"request_id": rid, "conversation_id": cid, "position": None, "estimated_wait_s": None,
                       "owner": "agent"}
    status = {"conversation_id": cid, "owner": "queued", "request_id": rid, "position": position,
              "estimated_wait_s": await hub.estimate_wait(position, fields["language"]), "agent_name": None,
              "escalated": False}
    hub.in_background(hub.bus.publish(f"conv:{cid}", {"type": "status", **status}))
    return created, {k: status[k] for k in ("request_id", "conversation_id", "position", "estimated_wait_s", "owner")}


async def escalate(hub: Hub, rid: str) -> None:
    if not await hub.state.escalate(rid):
        return
    req = await hub.state.request(rid)
    cid, language = req["cid"], req.get("language")
    position = await hub.state.position(rid) or 1
    wait = await hub.estimate_wait(position, language)
    hub.records.update_request(rid, escalated=True)
    alert = {"type": "alert", "kind": "escalated", "request_id": rid, "conversation_id": cid,
             "reason": req.get("reason"), "language": language, "waited_s": round(time.time() - float(req["created"])),
             "at": time.time()}
    await hub.state.add_alert(alert)
    await hub.bus.publish("sup", alert)
    buttons = [{"title": t(f"button_{c}", language), "payload": f"choice:{c}"} for c in ("callback", "message", "wait")]
    await hub.say(cid, "escalated", language, wait=wait_words(wait, language), buttons=buttons,
                  estimated_wait_s=wait)
    await hub.publish_status(cid)
    hub.wake.set()
