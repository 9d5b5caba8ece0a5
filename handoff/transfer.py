"""Transfer: the agent who owns a conversation passes it to a named colleague who is available now, or
back to the queue for a skill (a language such as English, a topic such as claims), with a note the next
agent sees. The customer is told, in her language.

A transfer ends the current handoff request (state and outcome `transferred`) and starts a new one for
the same conversation that names it (`transfer_from`), in one Redis script: at no moment does the bot
or nobody own the conversation. To a named agent the new request is assigned at once (as Chatwoot's
reassign); to the queue it waits like any request and the router offers it to agents with the skill.
The new request's record has `transferred_from` set: its accept time is the transfer's wait, and the
supervisor figures count transfers apart from first handoffs (handoff/wrapup.py's figures)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from desk_db.tables.hub import HandoffRecord
from handoff.errors import HubError
from handoff.records import ts
from handoff.service import Hub, User
from privacy.numbers import mask_text

REFUSALS = {
    "not_found": (404, "conversation_not_found", "No such conversation."),
    "not_with_agent": (409, "not_with_agent", "No agent owns this conversation."),
    "not_yours": (403, "not_your_conversation", "This conversation is not assigned to you."),
    "same_agent": (409, "same_agent", "不能转接给当前坐席。The conversation is already with this agent."),
    "target_unavailable": (409, "agent_unavailable",
                           "该坐席当前不在线接待。That agent is not available now; pick another or the queue."),
    "target_full": (409, "agent_full", "该坐席已满负荷。That agent has no free capacity now."),
}
COPIED = ("reason", "channel", "customer_id", "claimed_customer_id", "summary", "clause_excerpts")


async def available_agents(hub: Hub, user: User) -> list[dict[str, Any]]:
    """Whom the user can transfer to now: available, with free capacity, not themselves."""
    return [{"username": a.username, "display_name": a.display_name, "languages": a.languages, "topics": a.topics}
            for a in await hub.state.agent_loads()
            if a.state == "available" and a.free > 0 and a.username != user.username and a.role == "agent"]


async def transfer(hub: Hub, cid: str, user: User, note: str, target: str | None = None,
                   language: str | None = None, skill: str | None = None) -> dict[str, Any]:
    conv = await hub.state.conversation(cid)
    if not conv.get("request_id"):
        raise HubError(404, "conversation_not_found", "No such conversation.")
    old_req = await hub.state.request(conv["request_id"])
    target_name = ""
    if target:
        loads = await hub.state.agent_loads([target])
        if not loads:
            raise HubError(*REFUSALS["target_unavailable"])
        target_name = loads[0].display_name
    note = mask_text(note.strip())
    fields = {name: old_req.get(name, "") for name in COPIED}
    fields.update({"language": language or old_req.get("language") or conv.get("language") or "zh",
                   "skill": skill or "", "transfer_from": conv["request_id"], "transfer_by": user.display_name,
                   "transfer_note": note})
    rid, now = "r-" + uuid.uuid4().hex[:16], time.time()
    result = await hub.state.transfer(cid, "" if user.is_supervisor else user.username, rid, now,
                                      now + hub.settings.escalate_s, target or "", target_name, fields)
    if result.status != "ok":
        raise HubError(*REFUSALS.get(result.status, REFUSALS["not_with_agent"]))
    old_rid, previous = result.old_rid, result.previous
    hub.records.update_request(old_rid, outcome="transferred", closed_at=ts(now))
    req = {"rid": rid, "cid": cid, "created": f"{now:.3f}", "state": "assigned" if target else "waiting",
           "escalated": "0", **fields}
    hub.records.record_request(req, json.loads(fields["summary"] or "[]"))
    hub.records.later(_mark_transfer(rid, old_rid, target, now))
    if note:  # the next agent reads it with the conversation's notes (and on the offer)
        hub.records.add_note(rid, cid, user.username, note)
    await hub.persist_transcript(cid)
    if previous:
        await hub.bus.publish(f"user:{previous}", {"type": "conversation_closed", "conversation_id": cid,
                                                    "outcome": "transferred"})
    language_now = conv.get("language")
    if target:
        await hub.say(cid, "transferred_agent", language_now, name=target_name, agent_name=target_name)
        await hub.bus.publish(f"user:{target}", {"type": "assigned", "conversation_id": cid, "request_id": rid,
                                                  "transfer_note": note, "transfer_by": user.display_name})
    else:
        # The dispatcher places it (router.place would skip the round that leaves the transferring agent last).
        await hub.say(cid, "transferred_queue", language_now)
        # As for any queued conversation: Rasa runs again (the next accept pauses it), so a customer who
        # then chooses a call back is answered by the bot.
        await hub.rasa.resume(cid)
    await hub.publish_status(cid)
    hub.wake.set()
    return {"conversation_id": cid, "request_id": rid, "to": target or "queue"}


def _mark_transfer(rid: str, old_rid: str, target: str | None, now: float) -> Any:
    """The new record names the leg it continues; a transfer to a named agent is accepted as it starts."""
    values: dict[str, Any] = {"transferred_from": old_rid}
    if target:
        values.update(agent=target, accepted_at=ts(now), accept_ms=0.0, first_offered_at=ts(now))

    def job(session: Session) -> None:
        session.execute(update(HandoffRecord).where(HandoffRecord.request_id == rid).values(**values))
    return job

