"""`python -m service_auth.talk`'s settings: the install's Rasa and the credentials its services use there."""

from __future__ import annotations

from desk_config.base import SecretCheckedSettings, Url, secret, setting
from desk_config.shared import DEFAULT_RASA_URL


class TalkSettings(SecretCheckedSettings):
    """A developer's terminal of the install (`set -a; . var/secrets.env; set +a` in a `make run` one)."""

    rasa_url: Url = setting("RASA_URL", DEFAULT_RASA_URL, "Rasa, for the developer's one signed turn (`--rasa-url` "
                                                          "overrides it).")
    rasa_jwt_secret: str = secret("RASA_JWT_SECRET", "Signs the turn's token for Rasa's HTTP API, as the services' "
                                                     "tokens are signed.")
    rasa_channel_secret: str = secret("RASA_CHANNEL_SECRET", "Signs the turn's body on Rasa's channel.")
