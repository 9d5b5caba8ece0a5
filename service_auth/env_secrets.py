"""Shared secrets from the environment, checked before a service starts.

A secret that is missing, short or a string published somewhere (our old defaults, the usual
placeholders) lets anyone who read the README in; services refuse to start with one, in one line
naming the variable. Demo mode (`DESK_DEMO_MODE=1`, which `make run` sets after generating random
secrets into var/secrets.env) only turns a weak value into a warning: a missing one is still refused,
since services that share a secret cannot each invent their own.

The check judges a service's settings object (desk_config.base.SecretCheckedSettings, or
desk_config.rasa_side's base in Rasa's environment): the entry point builds it first, so the values judged
are exactly the ones the service then runs with, and the demo switch is one of its fields.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from desk_config.shared import DEMO_MODE_VAR

MIN_LENGTH = 32
# Values that appeared in this repository, its docs or the usual templates: public, hence no secret.
KNOWN_DEFAULTS = frozenset({
    "changethis", "change-me", "changeme", "secret", "password", "test",
    "dev-policy-api-key", "dev-app-jwt-secret-change-me-in-production",
})

log = logging.getLogger("service_auth")


class CheckedSettings(Protocol):
    """What the check needs of a service's settings; both settings bases provide it."""

    @property
    def demo_mode(self) -> bool: ...

    @classmethod
    def required_secrets(cls) -> tuple[str, ...]: ...

    def secret_values(self) -> dict[str, str]: ...


class SecretError(Exception):
    """A secret a service needs is unusable; the message names the variable and what to do."""


def problem(value: str) -> str | None:
    """Why this value is no secret, or None."""
    if not value:
        return "is not set"
    if value.strip().lower() in KNOWN_DEFAULTS:
        return "is a published default"
    if len(value) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    return None


def check_secret(name: str, value: str | None, demo_mode: bool) -> str:
    """The value of the secret read from variable `name`, or SecretError saying why it is unusable."""
    value = value or ""
    reason = problem(value)
    if reason is None:
        return value
    if value and demo_mode:
        log.warning("%s %s; accepted only because %s=1 (demo mode)", name, reason, DEMO_MODE_VAR)
        return value
    raise SecretError(f"{name} {reason}: set it to a random value of at least {MIN_LENGTH} characters "
                      f"(python -c 'import secrets; print(secrets.token_urlsafe(32))'), "
                      f"or use `make run`, which generates demo secrets in var/secrets.env")


def check_secrets(settings: CheckedSettings, optional: Iterable[str] = ()) -> None:
    """For entry points: every required secret of the settings, and those `optional` ones (env names of secret
    fields) that are set, since a feature switched on with a weak key is worse than one switched off; else exit
    with one line (status 1) naming the first bad one."""
    values = settings.secret_values()
    names = [*settings.required_secrets(), *(name for name in optional if values[name])]
    try:
        for name in names:
            check_secret(name, values[name], settings.demo_mode)
    except SecretError as exc:
        raise SystemExit(f"refusing to start: {exc}") from None
