"""The hub's settings, from the environment (defaults suit `make run` on one machine)."""

from __future__ import annotations

from desk_config.base import CommaList, Flag, SecretCheckedSettings, Url, secret, setting
from desk_config.shared import (
    DEFAULT_DATABASE_URL,
    DEFAULT_POLICY_API_URL,
    DEFAULT_RASA_URL,
    DEFAULT_REDIS_URL,
    REPO_ROOT,
)

ROOT = REPO_ROOT


class Settings(SecretCheckedSettings):
    host: str = setting("HANDOFF_HOST", "127.0.0.1", "Address `python -m handoff` listens on.")
    port: int = setting("HANDOFF_PORT", 8000, "Port `python -m handoff` listens on.")
    workers: int = setting("HANDOFF_WORKERS", 1, "Hub processes on the one port; live state, timers and the event "
                                                 "bus are in Redis, so any worker serves any customer or agent.")
    redis_url: str = setting("REDIS_URL", DEFAULT_REDIS_URL,
                             "Redis holding the hub's live state: queues, conversations, agents, event bus.")
    prefix: str = setting("HANDOFF_REDIS_PREFIX", "hub", "Namespace of the hub's keys in Redis (tests use a unique one).")
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database: console users, handoff records, figures.")
    rasa_url: Url = setting("RASA_URL", DEFAULT_RASA_URL, "Rasa's REST webhook and tracker events (Rasa runs "
                                                          "with --enable-api): the bot answers while no agent has "
                                                          "the conversation.")
    policy_api_url: Url = setting("POLICY_API_URL", DEFAULT_POLICY_API_URL,
                                  "The policy API: customer records for agents and a customer's data export.")
    policy_api_key: str = secret("POLICY_API_KEY", "Key the hub sends to the policy API as X-API-Key.")
    api_key: str = secret("HANDOFF_API_KEY", "Key our own services must send on every channel route (handoffs, "
                                             "voice messages, reminders); an empty one refuses every call.")
    app_jwt_secret: str = secret("APP_JWT_SECRET", "Verifies the insurer app's tokens that open "
                                                   "`app-<customer_id>` chats.")
    rasa_jwt_secret: str = secret("RASA_JWT_SECRET", "Signs the hub's tokens for Rasa's HTTP API (HS256).")
    rasa_channel_secret: str = secret("RASA_CHANNEL_SECRET", "Signs the bodies the hub posts to Rasa's channel.")
    voice_url: Url = setting("VOICE_URL", "", "The voice gateway, for a customer's call transcripts in her data "
                                              "export and erasure; empty: calls are left out.")
    voice_api_key: str = secret("VOICE_API_KEY", "Key the hub sends to the voice gateway (with VOICE_URL).",
                                required=False)
    epolicy_link_secret: str = secret("EPOLICY_LINK_SECRET", "Checks the policy API's e-policy download links "
                                                             "(`/epolicy/<link>`); unset: downloads are off.",
                                      required=False)
    agent_audio_secret: str = secret("VOICE_AGENT_AUDIO_SECRET", "Signs the tickets that let the agent who owns a "
                                                                 "phone call join its audio from the console (the "
                                                                 "voice gateway checks them); unset: typing only.",
                                     required=False)
    voice_audio_url: str = setting("VOICE_AUDIO_URL", "", "The voice gateway's address as agents' browsers reach it "
                                                          "(wss://voice.example.com): the console's call audio "
                                                          "connects there and the console's CSP allows it.")
    reservation_s: float = setting("HANDOFF_RESERVATION_S", 10.0,
                                   "Seconds an agent has to accept an offer before it goes to the next agent.")
    escalate_s: float = setting("HANDOFF_ESCALATE_S", 30.0,
                                "Seconds without an accepted offer before the request escalates: offered to every "
                                "free agent at once, supervisors alerted, the customer offered a callback or a "
                                "message.")
    callback_deadline_s: int = setting("HANDOFF_CALLBACK_DEADLINE_S", 30 * 60,
                                       "Seconds within which a callback the customer asked for (\"稍后回电\") is "
                                       "due; the customer is told this many minutes and the figures count "
                                       "callbacks made within it.")
    console_grace_s: float = setting("HANDOFF_CONSOLE_GRACE_S", 60.0,
                                     "Seconds after an agent's last console closes (tab closed, laptop asleep) "
                                     "before an available agent is set away and their offers withdrawn; a "
                                     "reload within it changes nothing.", ge=0)
    session_ttl_s: int = setting("HANDOFF_SESSION_TTL_S", 8 * 3600, "Lifetime (seconds) of a console sign-in.")
    avg_handle_s: float = setting("HANDOFF_AVG_HANDLE_S", 240.0,
                                  "Average handling time (seconds), used only for the customer's wait estimate when "
                                  "all agents are busy.")
    material_max_bytes: int = setting("MATERIAL_MAX_BYTES", 10 * 1024 * 1024,
                                      "Largest claim material file (bytes) the chat page may send on to the policy "
                                      "API (which checks it again).", ge=1)
    wrapup_labels: CommaList = setting(
        "HANDOFF_WRAPUP_LABELS",
        ("claim_enquiry=理赔咨询|Claim enquiry", "complaint_service=投诉-服务|Complaint: service",
         "complaint_claim=投诉-理赔|Complaint: claim", "surrender=退保|Surrender", "other=其他|Other"),
        "Comma-separated wrap-up labels agents choose when they close a chat, each `code=中文|English` "
        "(the code is stored; codes are letters, digits and _ up to 32).")
    # Fixed values (no variable); tests may override them by name.
    conversation_ttl_s: int = 7 * 24 * 3600  # Redis keys of a conversation live this long after its last message.
    accept_target_s: float = 30.0
    # An open callback's full number stays in Redis this long at most (it is deleted when the call is made).
    callback_number_ttl_s: int = 3 * 24 * 3600
    max_text_chars: int = 2000
    max_frame_bytes: int = 16 * 1024
    # The public 验真 page: wrong answers per address within the window before it is refused for the window.
    verify_max_failures: int = 30
    verify_window_s: int = 15 * 60
    # An address gets more room than a name: a contact centre's agents share one NAT address.
    login_max_failures: int = setting("HANDOFF_LOGIN_MAX_FAILURES", 5,
                                      "Failed console sign-ins within the window that lock a user name.")
    login_max_failures_per_address: int = setting("HANDOFF_LOGIN_MAX_FAILURES_PER_ADDRESS", 20,
                                                  "Failed console sign-ins within the window that lock an address.")
    login_window_s: int = setting("HANDOFF_LOGIN_WINDOW_S", 15 * 60,
                                  "Window (seconds) in which failed sign-ins are counted.")
    login_lock_s: int = setting("HANDOFF_LOGIN_LOCK_S", 15 * 60, "How long (seconds) a locked name or address stays "
                                                                 "locked.")
    cookie_secure: Flag = setting(
        "HANDOFF_COOKIE_SECURE", False, "\"1\": console cookies are always Secure; otherwise only when the request "
                                        "came over TLS.")
    allowed_origins: CommaList = setting(
        "HANDOFF_ALLOWED_ORIGINS", (), "Comma-separated origins besides the hub's own whose pages may post to it and "
                                       "open its WebSockets, e.g. https://app.example.com.")
