"""Each customer message reaches the bot once, and its answer is shown once.

The bot worker takes a message off the conversation's queue only after Rasa answered and the answer
is in the log; a crash in between (or a second worker after the lock ran out) takes the same message
again. So the relay of each log entry is claimed first (SET NX with expiry, holding a random relay id
that goes to Rasa in the message's metadata), and Rasa's answer is kept under that claim before it is
shown: taken again, the message is not sent to Rasa a second time, its kept answer is appended with one
id per reply, which the log's append script skips when it is there. A claim without an answer means
the worker died during the Rasa turn: Rasa's tracker then tells whether the message with that relay id
got there (its answer is the bot's events after it) or not (it is sent now). The claim and the kept
answer are Redis keys: handoff/store/bot_queue.py.
"""

from __future__ import annotations

from typing import Any

METADATA_KEY = "hub_relay"  # the relay id in the metadata of the message Rasa gets


def replies_in_tracker(events: list[dict[str, Any]], relay_id: str) -> list[dict[str, Any]] | None:
    """The bot's replies to the message relayed with relay_id, from Rasa's tracker events, as its
    channel returned them; None if that message never reached Rasa."""
    for index, event in enumerate(events):
        if event.get("event") == "user" and (event.get("metadata") or {}).get(METADATA_KEY) == relay_id:
            replies = []
            for later in events[index + 1:]:
                if later.get("event") == "user":
                    break
                if later.get("event") == "bot":
                    data = later.get("data") or {}
                    replies.append({"text": later.get("text"),
                                    **{k: data[k] for k in ("buttons", "custom", "image") if data.get(k)}})
            return replies
    return None


def reply_id(seq: int, index: int) -> str:
    """The append id of the index-th reply to log entry seq: appended twice, it is shown once."""
    return f"bot-reply:{seq}:{index}"
