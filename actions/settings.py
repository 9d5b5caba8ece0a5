"""Action-server settings, all from the environment (defaults suit `make run` on one machine)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

POLICY_API_URL = os.environ.get("POLICY_API_URL", "http://127.0.0.1:8001").rstrip("/")
# Secrets have no defaults: python -m actions.server refuses to start without them (service_auth).
POLICY_API_KEY = os.environ.get("POLICY_API_KEY", "")
POLICY_API_TIMEOUT_S = float(os.environ.get("POLICY_API_TIMEOUT_S", "5"))
# Sent as X-API-Key to the handoff hub when set (the hub then requires it).
HANDOFF_API_KEY = os.environ.get("HANDOFF_API_KEY") or None
BOT_ENDPOINTS = Path(os.environ.get("BOT_ENDPOINTS", ROOT / "bot" / "endpoints.yml"))
MAX_IDENTITY_ATTEMPTS = 3
RENEWAL_WINDOW_DAYS = 30


def handoff_hub_url() -> str | None:
    """The hub's handoff URL: HANDOFF_HUB_URL, else `handoff_hub.url` in bot/endpoints.yml."""
    if os.environ.get("HANDOFF_HUB_URL"):
        return os.environ["HANDOFF_HUB_URL"]
    try:
        endpoints = yaml.safe_load(BOT_ENDPOINTS.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    hub = endpoints.get("handoff_hub") or {}
    return hub.get("url") or None
