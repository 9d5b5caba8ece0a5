"""The first console supervisor, made once with the hub's own account rules (hub_records.accounts): an existing user
of that name is left exactly as it is (its password may have been changed since, in the console)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub_records import accounts
from hub_records.passwords import hash_password
from service_auth.env_secrets import KNOWN_DEFAULTS

# The first supervisor sees and can take everything: both languages, every topic.
CAPACITY = 5


class AdminError(Exception):
    """The supervisor cannot be made as configured; the message says which variable to fix."""


def check_admin(username: str, password: str, display_name: str) -> accounts.Profile:
    """Refuse a half-given, invalid or guessable admin before any step runs (the password is never shown)."""
    if not username or not password:
        raise AdminError("DESK_ADMIN_USER and DESK_ADMIN_PASSWORD must both be set (or both left unset)")
    try:
        who = accounts.profile(username, display_name, "supervisor", list(accounts.LANGUAGES),
                               list(accounts.SKILLS), CAPACITY)
        accounts.check_password(password)
    except accounts.AccountError as exc:
        raise AdminError(f"DESK_ADMIN_USER / DESK_ADMIN_PASSWORD: {exc}") from exc
    if password.strip().lower() in KNOWN_DEFAULTS or username.casefold() in password.casefold():
        raise AdminError("DESK_ADMIN_PASSWORD is a published default or contains the user name")
    return who


def ensure_supervisor(engine: Engine, who: accounts.Profile, password: str) -> bool:
    """Create the supervisor unless a user of that name exists; True if it was created."""
    with Session(engine) as session:
        if accounts.add(session, who, hash_password(password)) is None:
            return False
        try:
            session.commit()
        except IntegrityError:  # another init job made it a moment ago
            return False
    return True
