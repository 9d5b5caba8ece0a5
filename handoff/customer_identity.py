"""Who a conversation proved to be: the customer of a checked app token, or the one the bot verified; and
the policy API's token for her, which is how the hub reads her data (never an id a caller claims)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoff.app_customers import token_customer

if TYPE_CHECKING:  # handoff.service imports this module (through the bot relay)
    from handoff.service import Hub


async def set_app_token(hub: Hub, cid: str, token: str, customer_id: str) -> None:
    """The insurer's app signed the customer in (the caller checked the token): it goes to Rasa with
    each message (never into the transcript), and the hub remembers whose it is, so a handoff
    names the customer the token proved, not one a caller claims. A handoff asked for before the token
    arrived (the page's socket may send it after the first message) names her from now on."""
    await hub.state.link_app_customer(cid, token, customer_id)
    rid = await hub.state.name_request_customer(cid, customer_id)
    if rid:
        hub.records.update_request(rid, customer_id=customer_id)
        await _tell_her_agent(hub, cid, rid, customer_id)


async def _tell_her_agent(hub: Hub, cid: str, rid: str, customer_id: str) -> None:
    """The agent who already has the conversation shows the customer at once, not at the next reload. (An agent
    who takes it later reads the request, which names her by then.)"""
    conv = await hub.state.conversation(cid)
    if conv.get("owner") == "agent" and conv.get("agent"):
        await hub.bus.publish(f"user:{conv['agent']}", {"type": "customer_identified", "conversation_id": cid,
                                                        "request_id": rid, "customer_id": customer_id})


async def app_customer(hub: Hub, cid: str) -> str | None:
    """The customer whose app token signed in to this conversation, if one did."""
    return await hub.state.conversation_field(cid, "app_customer")


async def verified_customer(hub: Hub, cid: str) -> str | None:
    """Who this conversation proved to be: the customer of a checked app token, else what the bot
    verified (its tracker's `verified`/`customer_id`, read with the hub's Rasa credentials)."""
    return await app_customer(hub, cid) or await hub.rasa.verified_customer(cid)


async def customer_and_token(hub: Hub, cid: str, app_token: str | None) -> tuple[str, str] | None:
    """(customer id, policy API token) of the customer this conversation proved, else None: the app token
    sent with the request, else the one the page's `auth` frame left on the conversation (checked then),
    else the bot's verification read from Rasa with the hub's credentials."""
    if not app_token:
        token, customer = await hub.state.conversation_fields(cid, "app_token", "app_customer")
        app_token = token if token and customer else None
    if app_token:
        token = await hub.policy.exchange_app_token(app_token, cid)
        customer = token_customer(app_token, hub.settings.app_jwt_secret)
        return (customer, token) if token and customer else None
    return await hub.rasa.verification(cid)


async def customer_token(hub: Hub, cid: str) -> str | None:
    """The policy API's token for this conversation's customer: for an app chat, its checked app token
    exchanged afresh; else the one the bot holds since she verified (None once it is gone)."""
    app_token = await hub.state.conversation_field(cid, "app_token")
    if app_token:
        return await hub.policy.exchange_app_token(app_token, cid)
    found = await hub.rasa.verification(cid)
    return found[1] if found else None
