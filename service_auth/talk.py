"""`python -m service_auth.talk "查一下我的保单" [--sender me]`: one signed turn on Rasa's channel, from a
terminal of the install (its secrets in the environment: `set -a; . var/secrets.env; set +a`).

Customers reach the assistant through the hub or the voice line; this is the developer's way in,
with the same credentials those services use.
"""

from __future__ import annotations

import argparse
import json
import os

import httpx

from desk_config.shared import DEFAULT_RASA_URL
from service_auth.env_secrets import SecretError
from service_auth.rasa_auth import rasa_auth_from_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message")
    parser.add_argument("--sender", default="me")
    # A developer's one-off command, not a service: the install's RASA_URL when the terminal has it.
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", DEFAULT_RASA_URL))
    args = parser.parse_args()
    try:
        auth = rasa_auth_from_env("developer")
    except SecretError as exc:
        raise SystemExit(f"{exc} (in a make-run install: set -a; . var/secrets.env; set +a)") from None
    response = httpx.post(f"{args.rasa_url.rstrip('/')}/webhooks/rest/webhook", auth=auth, timeout=60,
                          json={"sender": args.sender, "message": args.message})
    response.raise_for_status()
    for message in response.json():
        print(message.get("text") or json.dumps({k: v for k, v in message.items() if k != "recipient_id"},
                                                ensure_ascii=False))


if __name__ == "__main__":
    main()
