"""`python -m service_auth.talk "查一下我的保单" [--sender me]`: one signed turn on Rasa's channel, from a
terminal of the install (its secrets in the environment: `set -a; . var/secrets.env; set +a`).

Customers reach the assistant through the hub or the voice line; this is the developer's way in,
with the same credentials those services use.
"""

from __future__ import annotations

import argparse
import json

import httpx

from service_auth.env_secrets import SecretError
from service_auth.rasa_auth import checked_rasa_auth
from service_auth.talk_settings import TalkSettings


def main() -> None:
    settings = TalkSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message")
    parser.add_argument("--sender", default="me")
    parser.add_argument("--rasa-url", default=settings.rasa_url, help="Rasa (default: RASA_URL, else this machine's)")
    args = parser.parse_args()
    try:
        auth = checked_rasa_auth("developer", settings)
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
