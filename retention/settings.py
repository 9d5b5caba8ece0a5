"""The retention job's settings, from the environment."""

from __future__ import annotations

from desk_config.base import OptionalText, SecretCheckedSettings, Url, secret, setting
from desk_config.shared import DEFAULT_DATABASE_URL, DEFAULT_EVENTS_URL, DEFAULT_MATERIALS_DIR, DEFAULT_RASA_URL
from service_figures.settings import EventsUrl

DEFAULT_DAYS = 180


class RetentionSettings(SecretCheckedSettings):
    days: int = setting("RETENTION_DAYS", DEFAULT_DAYS, "Conversation data older than this many days is deleted.")
    database_url: str = setting("DATABASE_URL", DEFAULT_DATABASE_URL,
                                "SQLAlchemy URL of the shared database: hub transcripts and records, reminders.")
    voice_database_url_override: OptionalText = setting(
        "VOICE_DATABASE_URL", None, "SQLAlchemy URL of the voice gateway's call tables when they are not in "
                                    "DATABASE_URL.")
    materials_dir: str = setting("MATERIALS_DIR", str(DEFAULT_MATERIALS_DIR),
                                 "Directory of the claim materials' files (the policy API's), from which those past "
                                 "their legal keeping period are deleted.")
    events_url: EventsUrl = setting("RASA_EVENTS_URL", DEFAULT_EVENTS_URL,
                                    "SQLAlchemy URL of the database Rasa's event broker writes events to.")
    rasa_url: Url = setting("RASA_URL", DEFAULT_RASA_URL,
                            "Rasa's HTTP API, over which trackers left without events are emptied.")
    # Checked when the job calls Rasa, not at its start: without them the trackers are left, and said so.
    rasa_jwt_secret: str = secret("RASA_JWT_SECRET", "Signs the job's tokens for Rasa's HTTP API.", required=False)
    rasa_channel_secret: str = secret("RASA_CHANNEL_SECRET", "Signs the bodies the job sends to Rasa.",
                                      required=False)

    @property
    def voice_database_url(self) -> str:
        return self.voice_database_url_override or self.database_url
