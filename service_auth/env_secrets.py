"""Shared secrets from the environment, checked before a service starts.

A secret that is missing, short or a string published somewhere (our old defaults, the usual
placeholders) lets anyone who read the README in; services refuse to start with one, in one line
naming the variable. Demo mode (`DESK_DEMO_MODE=1`, which `make run` sets after generating random
secrets into var/secrets.env) only turns a weak value into a warning: a missing one is still refused,
since services that share a secret cannot each invent their own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

MIN_LENGTH = 32
DEMO_MODE_VAR = "DESK_DEMO_MODE"
# Values that appeared in this repository, its docs or the usual templates: public, hence no secret.
KNOWN_DEFAULTS = frozenset({
    "changethis", "change-me", "changeme", "secret", "password", "test",
    "dev-policy-api-key", "dev-app-jwt-secret-change-me-in-production",
})

log = logging.getLogger("service_auth")

# The check reads the process environment itself, not a settings object: it runs first, before anything is
# built, and judges exactly the values the service's settings will then read.


class SecretError(Exception):
    """A secret a service needs is unusable; the message names the variable and what to do."""


def demo_mode(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get(DEMO_MODE_VAR, "") == "1"


def problem(value: str) -> str | None:
    """Why this value is no secret, or None."""
    if not value:
        return "is not set"
    if value.strip().lower() in KNOWN_DEFAULTS:
        return "is a published default"
    if len(value) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    return None


def load_secret(name: str, environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(name, "")
    reason = problem(value)
    if reason is None:
        return value
    if value and demo_mode(environ):
        log.warning("%s %s; accepted only because %s=1 (demo mode)", name, reason, DEMO_MODE_VAR)
        return value
    raise SecretError(f"{name} {reason}: set it to a random value of at least {MIN_LENGTH} characters "
                      f"(python -c 'import secrets; print(secrets.token_urlsafe(32))'), "
                      f"or use `make run`, which generates demo secrets in var/secrets.env")


def require_secrets(*names: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """For entry points: every named secret, or exit with one line (status 1) naming the first bad one."""
    try:
        return {name: load_secret(name, environ) for name in names}
    except SecretError as exc:
        raise SystemExit(f"refusing to start: {exc}") from None


def require_set_secrets(*names: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """For entry points: the optional secrets that are set must be good ones too (a feature switched on
    with a weak key is worse than one switched off)."""
    return require_secrets(*(name for name in names if environ.get(name)), environ=environ)
