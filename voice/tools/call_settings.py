"""`python -m voice.tools.call`'s settings: the keys it calls the gateway with (a developer's tool, not the gateway)."""

from __future__ import annotations

from desk_config.base import DeskSettings, OptionalText, secret


class CallSettings(DeskSettings):
    """The keys the gateway it calls was given; unset, the tool takes the demo install's (var/secrets.env, which
    `make run` writes), so it works from any terminal of a `make run` install."""

    api_key: OptionalText = secret("VOICE_API_KEY", "Key sent as X-API-Key to read the call's transcript back.",
                                   required=False)
    twilio_auth_token: OptionalText = secret("TWILIO_AUTH_TOKEN", "Signs the call's requests as Twilio would, for a "
                                                                  "gateway that checks signatures.", required=False)
