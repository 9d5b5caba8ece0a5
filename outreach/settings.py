"""The reminder scheduler's settings, from the environment (defaults suit `make run` on one machine)."""

from __future__ import annotations

import tempfile
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from desk_config.base import DeskSettings, OptionalText, Url, secret, setting
from desk_config.shared import DEFAULT_DATABASE_URL, DEFAULT_HUB_URL, DEFAULT_TIMEZONE


class Settings(DeskSettings):
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database: premiums and policies due, reminders sent.")
    timezone: ZoneInfo = setting("OUTREACH_TIMEZONE", ZoneInfo(DEFAULT_TIMEZONE),
                                 "The customers' local time zone: calendar days of the steps and the SMS quiet hours.")
    quiet_start: time = setting("OUTREACH_QUIET_START", time(21, 0),
                                "Start of the SMS quiet hours, local time (HH:MM).")
    quiet_end: time = setting("OUTREACH_QUIET_END", time(8, 0), "End of the SMS quiet hours, local time (HH:MM).")
    hub_url: Url = setting("OUTREACH_HUB_URL", DEFAULT_HUB_URL,
                           "The hub, which delivers app reminders into the customer's chat; empty: app deliveries "
                           "wait.")
    hub_api_key: OptionalText = secret("HANDOFF_API_KEY", "Key sent to the hub as X-API-Key.", required=False)
    hub_timeout_s: float = setting("OUTREACH_HUB_TIMEOUT_S", 30.0, "Seconds to wait for the hub on one delivery.")
    interval_s: int = setting("OUTREACH_INTERVAL_S", 300, "Seconds between two scheduler passes.")
    claim_updates_s: int = setting("OUTREACH_CLAIM_UPDATES_S", 15,
                                   "Seconds between two deliveries of claim progress messages (app chat, SMS).",
                                   ge=1)
    claim_paid_target_s: int = setting("CLAIM_PAID_TARGET_S", 60 * 60,
                                       "The payout target the claim messages quote (the policy API's setting).",
                                       ge=60)
    sms_gateway: OptionalText = setting("OUTREACH_SMS_GATEWAY", None,
                                        "`module:Class` of the SMS gateway, built with a session factory; unset: "
                                        "messages go to the sms_outbox table.")
    leader_poll_s: float = setting("OUTREACH_LEADER_POLL_S", 5.0,
                                   "Replicas: how often (seconds) a standby tries to take the lead, and the leader "
                                   "checks it still has it (outreach/leader.py).")
    heartbeat_file: Path = setting("OUTREACH_HEARTBEAT_FILE", Path(tempfile.gettempdir()) / "outreach-heartbeat",
                                   "Touched by leader and standby alike; `python -m outreach.leader --check` reads "
                                   "its age.")
    # Days before the due date on which a reminder is sent (fixed; tests may override them by name).
    premium_steps: tuple[int, ...] = (15, 7, 1)
    renewal_steps: tuple[int, ...] = (30, 7, 1)
