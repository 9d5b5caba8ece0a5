"""When the bot cannot answer: Rasa is down, or answers nothing because its action server or the policy
API is. The customer gets a clear reply and a button for a person; the button reaches the hub, not the
failing bot, and the hub queues her itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoff import queue_requests
from handoff.errors import HubError
from handoff.store.state import State
from handoff.texts import t

if TYPE_CHECKING:  # handoff.service imports this module (through the bot relay)
    from handoff.service import Hub


async def offer_person(state: State, cid: str, conv: dict[str, str]) -> None:
    """Tell the customer the bot cannot answer now, with the button for a person; only while the bot still
    has the conversation it failed in."""
    language = conv.get("language")
    button = {"title": t("button_agent", language), "payload": "choice:agent"}
    await state.append(cid, {"sender": "system", "kind": "bot_unavailable", "buttons": [button],
                             "text": t("bot_unavailable", language)},
                       requirement=f"bot:{conv.get('epoch', '0')}")


async def person_without_bot(hub: Hub, cid: str, conv: dict[str, str]) -> None:
    """The customer asked for a person when the bot could not answer: queued by the hub itself."""
    if conv.get("owner") != "bot":
        raise HubError(409, "not_with_bot", "This conversation is already with a person or waiting for one.")
    language = conv.get("language") or "zh"
    await hub.state.append(cid, {"sender": "customer", "kind": "choice", "text": t("button_agent", language)})
    await queue_requests.handoff(hub, {"conversation_id": cid, "reason": "bot_unavailable", "language": language,
                                       "channel": conv.get("channel") or "chat"})
