"""Intent payloads (`/intent{"entity": ...}`) are for buttons the bot itself offered, never for typed text.

Rasa reads any message whose stripped text starts with "/" as an intent with entities, skipping NLU: a
customer who types `/EXTERNAL_premium_reminder{"reminder_id":"7"}` would trigger our internal reminder
(another customer's) and `/opt_out` would unsubscribe. So Rasa's channel (bot/channels.py) takes a "/"
message as a payload only when the signed request says our relaying service checked it against the buttons
the bot sent in that conversation (the hub: handoff/store/offered.py); anything else is made plain text here.
"""

from __future__ import annotations

from typing import Any

# The metadata flag a relaying service sets on a button click it checked. Trusted only because the
# channel body is HMAC-signed by that service (service_auth/signing.py); customers cannot set it.
PAYLOAD_OFFERED = "payload_offered"

# Rasa's INTENT_MESSAGE_PREFIX (rasa.shared.constants), checked on `text.strip()` by
# YAMLStoryReader.unpack_regex_message, which RegexMessageHandler runs after NLU.
INTENT_PREFIX = "/"
# FULLWIDTH SOLIDUS: what the customer typed still reads the same to a person and to NLU's character
# n-grams, but is no longer "/". Not a zero-width character: Python's strip() keeps those, but they are
# invisible in transcripts and easy to lose in a copy; not stripping the slash: `/opt_out` would become
# `opt_out`, closer to the intent's own name than what the customer wrote.
TEXT_SLASH = "\uff0f"


def is_intent_payload(text: str) -> bool:
    return text.strip().startswith(INTENT_PREFIX)


def as_text(text: str) -> str:
    """The customer's words, such that Rasa reads them with NLU and never as an intent payload."""
    stripped = text.strip()
    if not stripped.startswith(INTENT_PREFIX):
        return text
    return TEXT_SLASH + stripped[len(INTENT_PREFIX):]


def offered_flag(metadata: Any) -> bool:
    return isinstance(metadata, dict) and metadata.get(PAYLOAD_OFFERED) is True
