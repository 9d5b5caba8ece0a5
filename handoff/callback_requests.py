"""A callback instead of the wait: where to call (the voice line's caller id, the number on record of the
customer the conversation proved, or a number she types when asked), and the promise made to her, kept on
the callback desk (handoff/callbacks.py) for agents to work through: each console's worklist follows the
desk's changes (a new callback, one claimed or closed) on the `callbacks` channel."""

from __future__ import annotations

import time
from typing import Any

from handoff import callbacks, customer_identity
from handoff.errors import HubError
from handoff.records import ts
from handoff.service import Hub, User
from privacy.fields import mask_phone


async def choose_callback(hub: Hub, cid: str, rid: str, language: str | None, choice_entry: dict[str, str],
                          caller: str | None) -> None:
    """The waiting customer chose a callback: the request leaves the queue, and the hub promises a call to a
    number it may use, or asks her for one."""
    req = await hub.state.request(rid)
    found = await _callback_number(hub, cid, req, caller)
    if found is None and req.get("channel") == "voice":
        # A caller cannot type a number into a form: without a caller id they keep their place.
        raise HubError(409, "no_callback_number", "No number to call back: the caller id is withheld.")
    await hub.state.append(cid, choice_entry)
    result = await hub.state.release(cid, "", "cancelled")
    if result.status != "ok":
        raise HubError(409, "not_waiting", "This conversation is not waiting for an agent.")
    for agent in result.withdrawn:
        await hub.bus.publish(f"user:{agent}", {"type": "offer_withdrawn", "request_id": rid, "why": "cancelled"})
    hub.records.update_request(rid, customer_choice="callback", outcome="callback", closed_at=ts(time.time()))
    if found is None:
        # Nobody proved who this is and no caller id came: ask for a number to call (callback_number).
        await hub.state.set_conversation_field(cid, "callback_ask", f"{rid}|{time.time():.0f}")
        await hub.say(cid, "callback_ask_number", language, custom={"type": "callback_number"})
    else:
        await _new_callback(hub, cid, rid, req, *found)
    await hub.publish_status(cid)


async def _callback_number(hub: Hub, cid: str, req: dict[str, str],
                           caller: str | None) -> tuple[str, callbacks.Source, str | None] | None:
    """Where to call back, and whom: the voice line's caller id, else the number on record of the customer
    this conversation proved (asked with her own token); never a number the chat sent as its identity."""
    customer = req.get("customer_id") or await customer_identity.verified_customer(hub, cid)
    number = callbacks.caller_number(caller) if req.get("channel") == "voice" else None
    if number:
        return number, "caller_id", customer
    token = await customer_identity.customer_token(hub, cid) if customer else None
    phone = await hub.policy.contact_phone(customer, token) if customer and token else None
    return (phone, "verified", customer) if phone else None


async def callback_number(hub: Hub, cid: str, text: str) -> None:
    """The number an unidentified customer typed when asked for one: a contact number, kept as
    `unverified`; accepted once, and only after the hub asked."""
    rid, _, asked_at = (await hub.state.conversation_field(cid, "callback_ask") or "").partition("|")
    # An answer comes while the customer is still there: a question left open for hours is not one.
    if not rid or time.time() - float(asked_at or 0) > hub.settings.callback_deadline_s:
        raise HubError(409, "no_callback_pending", "No callback is waiting for a number.")
    number = callbacks.mobile_number(text)
    if number is None:
        raise HubError(422, "invalid_phone", "请输入 11 位手机号码。Enter an 11-digit mobile number.")
    if not await hub.state.take_conversation_field(cid, "callback_ask"):  # a second tab sent one at the same moment
        raise HubError(409, "no_callback_pending", "No callback is waiting for a number.")
    await hub.state.append(cid, {"sender": "customer", "kind": "callback_number", "text": mask_phone(number)})
    await _new_callback(hub, cid, rid, await hub.state.request(rid), number, "unverified", None)


async def _new_callback(hub: Hub, cid: str, rid: str, req: dict[str, str], number: str,
                        source: callbacks.Source, customer: str | None) -> None:
    conv = await hub.state.conversation(cid)
    language = conv.get("language") or req.get("language") or "zh"
    made = await hub.callbacks.create(callbacks.NewCallback(
        conversation_id=cid, request_id=rid, channel=req.get("channel") or conv.get("channel") or "chat",
        language=language, reason=req.get("reason") or "request", customer_id=customer, number=number,
        source=source))
    minutes = max(1, round(hub.settings.callback_deadline_s / 60))
    await hub.say(cid, f"callback_promised_{source}", language, minutes=minutes, number=made["phone_masked"])
    alert = {"type": "alert", "kind": "callback", "request_id": rid, "conversation_id": cid,
             "callback_id": made["callback_id"], "at": time.time()}
    await hub.state.add_alert(alert)
    await hub.bus.publish("sup", alert)
    await _changed(hub, made["callback_id"])


async def claim(hub: Hub, callback_id: str, user: User) -> dict[str, Any]:
    """An agent takes the callback to make (handoff/callbacks.py refuses one someone else has)."""
    answer = await hub.callbacks.claim(callback_id, user)
    await _changed(hub, callback_id)
    return answer


async def close(hub: Hub, callback_id: str, user: User, outcome: callbacks.Outcome, note: str) -> dict[str, Any]:
    """The call was made: done, or failed (with a note)."""
    answer = await hub.callbacks.close(callback_id, user, outcome, note)
    await _changed(hub, callback_id)
    return answer


async def _changed(hub: Hub, callback_id: str) -> None:
    await hub.bus.publish(callbacks.CHANNEL, {"type": "callbacks_changed", "callback_id": callback_id})
