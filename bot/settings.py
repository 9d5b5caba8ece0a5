"""Rasa's own settings (`python -m bot.server`), from the environment: the secrets it starts with.

Rasa runs in its own environment, whose pydantic is version 1: the class is on desk_config.rasa_side's base.
Rasa's endpoints and credentials files read further variables themselves (`${VAR}`, docs/configuration.md).
"""

from __future__ import annotations

from functools import lru_cache

from desk_config.rasa_side import Field, RasaSideSettings


class BotSettings(RasaSideSettings):
    rasa_jwt_secret: str = Field("", env="RASA_JWT_SECRET", secret=True, required=True,
                                 description="Checks the tokens our services present to Rasa's HTTP API (handed to "
                                             "Rasa's --jwt-secret inside the process, never on its command line).")
    rasa_channel_secret: str = Field("", env="RASA_CHANNEL_SECRET", secret=True, required=True,
                                     description="Checks the signature on every body posted to the customer channel "
                                                 "(bot/channels.py).")
    action_server_secret: str = Field("", env="ACTION_SERVER_SECRET", secret=True, required=True,
                                      description="Token Rasa sends on every action call; bot/endpoints.yml fills it "
                                                  "in itself, this checks it before Rasa starts.")


@lru_cache(maxsize=1)
def get_settings() -> BotSettings:
    """Built once, at the start (bot/server.py); the customer channel Rasa builds afterwards reads the same."""
    return BotSettings()
