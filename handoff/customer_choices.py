"""A customer's answers to the hub's buttons: the choice of a person when the bot could not answer, the
choices offered while an escalated request waits (a callback, a message later, or waiting on), and the
rating of a closed chat."""

from __future__ import annotations

from handoff import bot_unavailable, callback_requests
from handoff.errors import HubError
from handoff.service import Hub
from handoff.texts import t


async def customer_choice(hub: Hub, cid: str, choice: str, caller: str | None = None) -> None:
    """A waiting customer's choice from the escalation buttons; `caller` is the carrier's caller id,
    which only the voice gateway sends (with the channel key)."""
    conv = await hub.state.conversation(cid)
    rid = conv.get("request_id")
    language = conv.get("language")
    if choice == "agent":
        await bot_unavailable.person_without_bot(hub, cid, conv)
        return
    if conv.get("owner") != "queued" or not rid:
        raise HubError(409, "not_waiting", "This conversation is not waiting for an agent.")
    choice_entry = {"sender": "customer", "kind": "choice", "text": t(f"button_{choice}", language)}
    if choice != "callback":
        await hub.state.append(cid, choice_entry)
        hub.records.update_request(rid, customer_choice=choice)
        await hub.say(cid, f"choice_{choice}", language)
        await hub.publish_status(cid)
        return
    await callback_requests.choose_callback(hub, cid, rid, language, choice_entry, caller)


async def csat(hub: Hub, cid: str, score: int) -> None:
    rid = await hub.state.conversation_field(cid, "csat_rid")
    if not rid or not await hub.state.take_conversation_field(cid, "csat_rid"):
        raise HubError(409, "no_rating_pending", "There is no chat to rate.")
    await hub.state.append(cid, {"sender": "customer", "kind": "csat", "text": "★" * score, "score": score})
    hub.records.update_request(rid, csat=score)
    await hub.say(cid, "csat_thanks", await hub.state.conversation_field(cid, "language"))
