"""An agent's work in a conversation they hold: replies to the customer, the audio of a phone call, notes for
colleagues, and the end of it, handed back to the bot or closed (the customer is then asked to rate the chat)."""

from __future__ import annotations

import time
from typing import Any

from handoff import audit
from handoff.errors import HubError
from handoff.records import ts
from handoff.service import Hub, User
from service_auth.agent_audio_tickets import TicketSigner


async def agent_reply(hub: Hub, cid: str, user: User, text: str, client_msg_id: str | None = None) -> int:
    entry: dict[str, Any] = {"sender": "agent", "author": user.username, "agent_name": user.display_name,
                             "text": text}
    if client_msg_id:
        entry["client_msg_id"] = client_msg_id
    result = await hub.state.append(cid, entry, client_msg_id, f"agent:{user.username}")
    if result.status == "refused":
        raise HubError(403, "not_your_conversation", "This conversation is not assigned to you.")
    return result.seq


async def release(hub: Hub, cid: str, user: User, outcome: str, bot_answers: bool = False) -> None:
    """Hand back to the bot (outcome handed_back) or close (closed; the customer is asked for CSAT).
    bot_answers: on hand back, the bot answers the customer's messages the agent left unanswered."""
    result = await hub.state.release(cid, "" if user.is_supervisor else user.username, outcome, bot_answers)
    if result.status == "not_found":
        raise HubError(404, "conversation_not_found", "No such conversation.")
    if result.status == "not_yours":
        raise HubError(403, "not_your_conversation", "This conversation is not assigned to you.")
    if result.status != "ok":
        raise HubError(409, "not_with_agent", "No agent owns this conversation.")
    rid, agent = result.rid, result.agent
    accepted = await hub.state.request_field(rid, "accepted")
    if accepted:  # how long a conversation holds a slot: how fast the queue moves
        await hub.wait_samples.handled(rid, time.time() - float(accepted))
    await hub.rasa.resume(cid)
    language = await hub.state.conversation_field(cid, "language")
    if outcome == "handed_back":
        await hub.say(cid, "handed_back", language)
        hub.bot_relay.kick_bot(cid)
    else:
        await hub.say(cid, "closed", language)
        await hub.state.set_conversation_field(cid, "csat_rid", rid)
        buttons = [{"title": str(n), "payload": f"csat:{n}"} for n in range(1, 6)]
        await hub.say(cid, "csat_request", language, buttons=buttons)
    hub.records.update_request(rid, outcome=outcome, closed_at=ts(time.time()))
    await hub.persist_transcript(cid)
    if agent:
        await hub.bus.publish(f"user:{agent}", {"type": "conversation_closed", "conversation_id": cid,
                                                 "outcome": outcome})
    await hub.publish_status(cid)
    hub.wake.set()


async def join_call_audio(hub: Hub, cid: str, user: User) -> str:
    """A one-use ticket for the agent to join the phone call's audio at the voice gateway (audited), if the
    call is theirs now: not whoever once had it, nor a supervisor watching; a person on the line is one agent."""
    conv = await hub.state.conversation(cid)
    if conv.get("owner") != "agent" or conv.get("agent") != user.username or not conv.get("request_id"):
        raise HubError(403, "not_your_call", "这通电话不在您名下。This call is not yours.")
    req = await hub.state.request(conv["request_id"])
    if req.get("channel") != "voice":
        raise HubError(409, "not_a_call", "此会话不是电话。This conversation is not a phone call.")
    await audit.record(hub.records, user, audit.JOIN_CALL_AUDIO, req.get("customer_id"), cid)
    return TicketSigner(hub.settings.agent_audio_secret).issue(cid, user.username)


async def add_note(hub: Hub, cid: str, user: User, text: str) -> dict[str, Any]:
    conv = await hub.state.conversation(cid)
    hub.check_access(conv, user)
    note = {"type": "note", "conversation_id": cid, "author": user.display_name, "text": text, "at": time.time()}
    hub.records.add_note(conv["request_id"], cid, user.username, text)
    await hub.bus.publish(f"user:{conv.get('agent')}", note)
    await hub.bus.publish("sup", note)
    return note
