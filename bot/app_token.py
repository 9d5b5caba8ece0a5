"""The app's sign-in token reaches the action server for the turn it came with, and is stored nowhere.

The hub sends a signed-in app customer's token as `metadata.token` with each message; the actions
check it (actions/identity.py). Rasa keeps a message's metadata in the tracker (the user event, and the
`session_started_metadata` slot), so the tracker store, the event broker and `GET /conversations/<id>/tracker`
would all hold a live credential. Instead the channel (bot/channels.py) lifts the token out of the
metadata before Rasa sees the message and parks it in a context variable of the request's task; Rasa
handles the message in that task, and each call to the action server puts the token back into the
copy of the tracker it sends (`latest_message.metadata.token`). The tracker itself never holds it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from privacy.records import TOKEN_KEYS, without_token

_current_token: ContextVar[str | None] = ContextVar("app_token", default=None)


def lift(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    """The metadata without the app token; the token is kept for this request's action calls only."""
    if not isinstance(metadata, dict):
        return metadata
    token = next((metadata[key] for key in sorted(TOKEN_KEYS) if isinstance(metadata.get(key), str)), None)
    _current_token.set(token)
    return without_token(metadata)


def install() -> None:
    """Wrap Rasa's request to the action server so it carries the current message's token (if any)."""
    from rasa.core.actions.action import RemoteAction

    action_call_format = RemoteAction._action_call_format
    if getattr(action_call_format, "carries_app_token", False):
        return

    def with_app_token(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
        body = action_call_format(self, tracker, domain)
        token = _current_token.get()
        latest = body.get("tracker", {}).get("latest_message")
        if token and isinstance(latest, dict):
            latest["metadata"] = {**(latest.get("metadata") or {}), "token": token}
        return body

    with_app_token.carries_app_token = True  # type: ignore[attr-defined]
    RemoteAction._action_call_format = with_app_token  # type: ignore[method-assign]
