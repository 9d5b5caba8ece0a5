"""Hub settings, all from the environment (defaults suit `make run` on one machine)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'policy.db'}"


# Checked when the hub starts (handoff/__main__.py).
# HANDOFF_API_KEY: the channel API (handoffs, voice messages, reminders) answers only our own services.
SECRETS = ("POLICY_API_KEY", "APP_JWT_SECRET", "RASA_JWT_SECRET", "RASA_CHANNEL_SECRET", "HANDOFF_API_KEY")


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: os.environ.get("HANDOFF_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("HANDOFF_PORT", "8000")))
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    prefix: str = field(default_factory=lambda: os.environ.get("HANDOFF_REDIS_PREFIX", "hub"))
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    rasa_url: str = field(default_factory=lambda: os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"))
    policy_api_url: str = field(
        default_factory=lambda: os.environ.get("POLICY_API_URL", "http://127.0.0.1:8001").rstrip("/"))
    # Secrets have no defaults: `python -m handoff` refuses to start without them (SECRETS below).
    policy_api_key: str = field(default_factory=lambda: os.environ.get("POLICY_API_KEY", ""))
    # Required on every channel route; an empty one refuses every call (handoff/api_routes.py).
    api_key: str = field(default_factory=lambda: os.environ.get("HANDOFF_API_KEY", ""))
    # Verifies the app tokens that open `app-<customer_id>` chats (handoff/app_customers.py).
    app_jwt_secret: str = field(default_factory=lambda: os.environ.get("APP_JWT_SECRET", ""))
    # Rasa's HTTP API token (HS256) and its channel's body signature (service_auth.rasa_auth).
    rasa_jwt_secret: str = field(default_factory=lambda: os.environ.get("RASA_JWT_SECRET", ""))
    rasa_channel_secret: str = field(default_factory=lambda: os.environ.get("RASA_CHANNEL_SECRET", ""))
    # The voice gateway's call transcripts, for a customer's export and erasure (handoff/customer_data.py).
    voice_url: str = field(default_factory=lambda: os.environ.get("VOICE_URL", "").rstrip("/"))
    voice_api_key: str = field(default_factory=lambda: os.environ.get("VOICE_API_KEY", ""))
    reservation_s: float = field(default_factory=lambda: _float("HANDOFF_RESERVATION_S", 10))
    escalate_s: float = field(default_factory=lambda: _float("HANDOFF_ESCALATE_S", 30))
    session_ttl_s: int = field(default_factory=lambda: int(_float("HANDOFF_SESSION_TTL_S", 8 * 3600)))
    # Used only for the customer's wait estimate when every agent is busy.
    avg_handle_s: float = field(default_factory=lambda: _float("HANDOFF_AVG_HANDLE_S", 240))
    # Redis keys of a conversation live this long after its last message.
    conversation_ttl_s: int = 7 * 24 * 3600
    accept_target_s: float = 30.0
    max_text_chars: int = 2000
    max_frame_bytes: int = 16 * 1024
    # Console sign-in (handoff/auth.py): failures within the window lock the user name, or the address,
    # for lock_s. An address gets more room than a name: a contact centre's agents share one NAT address.
    login_max_failures: int = field(default_factory=lambda: int(_float("HANDOFF_LOGIN_MAX_FAILURES", 5)))
    login_max_failures_per_address: int = field(
        default_factory=lambda: int(_float("HANDOFF_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)))
    login_window_s: int = field(default_factory=lambda: int(_float("HANDOFF_LOGIN_WINDOW_S", 15 * 60)))
    login_lock_s: int = field(default_factory=lambda: int(_float("HANDOFF_LOGIN_LOCK_S", 15 * 60)))
    # Cookies are Secure whenever the request came over TLS; "1" makes them Secure always.
    cookie_secure: bool = field(default_factory=lambda: os.environ.get("HANDOFF_COOKIE_SECURE", "") == "1")
    # Origins besides the hub's own whose pages may post to it and open its WebSockets (e.g. the
    # insurer's app served elsewhere), comma-separated: "https://app.example.com,https://m.example.com".
    allowed_origins: tuple[str, ...] = field(default_factory=lambda: tuple(
        o.strip() for o in os.environ.get("HANDOFF_ALLOWED_ORIGINS", "").split(",") if o.strip()))
