"""Whose conversation this is, as our own services established it, not as a message claims.

An app conversation is `app-<customer id>`: the hub opens one only with that customer's valid app
token, and Rasa's channel takes messages only from our signed services, so the id itself names the
customer. Other conversations (chat page, voice) belong to nobody until the customer verifies.
"""

from __future__ import annotations

from rasa_sdk import Tracker

APP_PREFIX = "app-"


def app_customer(tracker: Tracker) -> str | None:
    """The customer of an app conversation, else None."""
    sender = tracker.sender_id or ""
    customer = sender[len(APP_PREFIX):] if sender.startswith(APP_PREFIX) else ""
    return customer.upper() or None


def conversation_customer(tracker: Tracker) -> str | None:
    """The app conversation's customer, else the customer the bot verified in this session."""
    verified = tracker.get_slot("customer_id") if tracker.get_slot("verified") else None
    return app_customer(tracker) or (str(verified) if verified else None)
