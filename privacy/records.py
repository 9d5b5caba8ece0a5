"""A record about to be stored, made safe to keep: every string masked, the app token dropped.

Rasa's events, for instance, carry the customer's words in several places (`text`, `parse_data.text`,
entity values, slot values) and the message metadata; walking the whole record catches them all.
"""

from __future__ import annotations

from typing import Any

from privacy.numbers import mask_text

# The app's sign-in token travels in message metadata under these names; it is a credential, never data.
TOKEN_KEYS = frozenset({"token", "app_token"})


def without_token(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The metadata without the app token (a copy; the caller's dict is left alone)."""
    return {key: value for key, value in (metadata or {}).items() if key not in TOKEN_KEYS}


def without_tokens(value: Any) -> Any:
    """A copy of `value` with every `token` / `app_token` entry dropped, at any depth, nothing masked."""
    if isinstance(value, dict):
        return {key: without_tokens(item) for key, item in value.items() if key not in TOKEN_KEYS}
    if isinstance(value, (list, tuple)):
        return [without_tokens(item) for item in value]
    return value


def scrub(value: Any, keep: frozenset[str] = frozenset()) -> Any:
    """A copy of `value` (JSON-like: dicts, lists, strings, numbers) with every string masked and every
    `token` / `app_token` entry dropped, at any depth. Entries named in `keep` are identifiers, copied
    as they are: a random id may hold a run of digits shaped like a phone number."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: item if key in keep else scrub(item, keep)
                for key, item in value.items() if key not in TOKEN_KEYS}
    if isinstance(value, (list, tuple)):
        return [scrub(item, keep) for item in value]
    return value
