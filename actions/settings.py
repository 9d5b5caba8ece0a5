"""The action server's settings, from the environment (defaults suit `make run` on one machine).

The action server runs in Rasa's environment, whose pydantic is version 1: this class is on the base for that
environment (desk_config.rasa_side), with the same shape as desk_config.base: an explicit env name, a
description and, for secrets, no default.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from desk_config.rasa_side import Field, RasaSideSettings, validator
from desk_config.shared import DEFAULT_POLICY_API_URL, DEFAULT_TIMEZONE, REPO_ROOT

ROOT = REPO_ROOT
MAX_IDENTITY_ATTEMPTS = 3
RENEWAL_WINDOW_DAYS = 30


class ActionSettings(RasaSideSettings):
    policy_api_url: str = Field(DEFAULT_POLICY_API_URL, env="POLICY_API_URL",
                                description="The policy API the actions read and change policies through.")
    policy_api_key: str = Field("", env="POLICY_API_KEY", secret=True, required=True,
                                description="Key the actions send to the policy API as X-API-Key.")
    policy_api_timeout_s: float = Field(5.0, env="POLICY_API_TIMEOUT_S",
                                        description="Seconds an action waits for the policy API.")
    action_server_secret: str = Field("", env="ACTION_SERVER_SECRET", secret=True, required=True,
                                      description="Token Rasa must send on every action call (bot/endpoints.yml).")
    handoff_api_key: str | None = Field(None, env="HANDOFF_API_KEY", secret=True, required=False,
                                        description="Key sent to the hub as X-API-Key with a handoff.")
    handoff_hub_url: str | None = Field(None, env="HANDOFF_HUB_URL",
                                        description="The hub's handoff URL; unset: `handoff_hub.url` in "
                                                    "BOT_ENDPOINTS.")
    timezone: str = Field(DEFAULT_TIMEZONE, env="ACTIONS_TIMEZONE",
                          description="Time zone of the times the bot writes in its text (a claim's timeline).")
    bot_endpoints: Path = Field(ROOT / "bot" / "endpoints.yml", env="BOT_ENDPOINTS",
                                description="Rasa's endpoints file, read for the hub's URL when HANDOFF_HUB_URL "
                                            "is unset.")

    @validator("policy_api_url")
    def _no_trailing_slash(cls, value: str) -> str:  # noqa: N805 (pydantic 1 validators take the class)
        return value.rstrip("/")

    @validator("timezone")
    def _known_zone(cls, value: str) -> str:  # noqa: N805
        ZoneInfo(value)  # an unknown zone stops the start, not the first claim shown
        return value

    @validator("handoff_api_key", "handoff_hub_url", pre=True)
    def _empty_is_unset(cls, value: str | None) -> str | None:  # noqa: N805
        return value or None


@lru_cache(maxsize=1)
def get_settings() -> ActionSettings:
    """Built once, at the action server's start (its secret check); every action reads the same."""
    return ActionSettings()


def handoff_hub_url() -> str | None:
    """The hub's handoff URL: HANDOFF_HUB_URL, else `handoff_hub.url` in bot/endpoints.yml."""
    settings = get_settings()
    if settings.handoff_hub_url:
        return settings.handoff_hub_url
    try:
        endpoints = yaml.safe_load(settings.bot_endpoints.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    hub = endpoints.get("handoff_hub") or {}
    return hub.get("url") or None
