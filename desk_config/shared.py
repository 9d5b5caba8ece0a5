"""Defaults several services share, written once. Plain values (no pydantic): the action server runs in
Rasa's environment and imports them too."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "var" / "policy.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DB_PATH}"
DEFAULT_MATERIALS_DIR = REPO_ROOT / "var" / "materials"
DEFAULT_EVENTS_URL = f"sqlite:///{REPO_ROOT / 'var' / 'rasa-events.db'}"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
DEFAULT_POLICY_API_URL = "http://127.0.0.1:8001"
DEFAULT_HUB_URL = "http://127.0.0.1:8000"
# The insurer's customers' local time: calendar days for reminders and figures, SMS quiet hours.
DEFAULT_TIMEZONE = "Asia/Shanghai"
# The secret check's demo switch (service_auth.env_secrets), a field of every settings class whose process
# checks its secrets: written once here for both pydantic versions (desk_config.base, desk_config.rasa_side).
DEMO_MODE_VAR = "DESK_DEMO_MODE"
DEMO_MODE_ABOUT = ("\"1\" (`make run` sets it): a weak secret is a warning instead of a refusal; a missing one is "
                   "still refused.")
