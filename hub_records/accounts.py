"""Console accounts in the database (hub_users): what a valid one is, and creating, disabling, enabling
and resetting one. Used by the hub's admin command (python -m handoff.users) and supervisors' routes, and by
the init job for the first supervisor (desk_init/admin.py).

Passwords live only as bcrypt hashes. One the hub makes (a new agent, a reset) is handed back once for
the supervisor to pass on, and never stored or logged in the clear.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.tables.hub import HubUser, utcnow

USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,31}")
LANGUAGES = ("zh", "en")
# The topics handoff/routing.py matches requests on (written out here: a library imports no service;
# tests/unit/handoff/test_accounts.py checks the two lists agree).
SKILLS = ("general", "claims", "complaints", "clauses", "identity")
# adjuster: reviews claims in the console; is never offered conversations (routing takes agents).
ROLES = ("agent", "supervisor", "adjuster")
MANAGED_ROLES = ("agent", "adjuster")
MIN_PASSWORD = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further
MAX_CAPACITY = 20


class AccountError(ValueError):
    """An account that cannot be made as asked; the message says why, in zh-CN and en."""


@dataclass(frozen=True)
class Profile:
    username: str
    display_name: str
    role: str  # agent | supervisor | adjuster
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    capacity: int


def profile(username: str, display_name: str, role: str, languages: list[str] | str, skills: list[str] | str,
            capacity: int) -> Profile:
    """A checked profile, or AccountError."""
    langs = tuple(dict.fromkeys(_split(languages)))
    topics = tuple(dict.fromkeys(_split(skills)))
    if not USERNAME.fullmatch(username or ""):
        raise AccountError("用户名为 3-32 位小写字母、数字或 . _ -。A username is 3-32 of a-z 0-9 . _ -")
    if not display_name.strip() or len(display_name) > 100:
        raise AccountError("姓名为 1-100 个字符。A name is 1-100 characters.")
    if role not in ROLES:
        raise AccountError("角色为 agent、supervisor 或 adjuster。The role is agent, supervisor or adjuster.")
    if not langs or any(lang not in LANGUAGES for lang in langs):
        raise AccountError(f"语言取自 {', '.join(LANGUAGES)}。Languages are from {', '.join(LANGUAGES)}.")
    if not topics or any(topic not in SKILLS for topic in topics):
        raise AccountError(f"技能取自 {', '.join(SKILLS)}。Skills are from {', '.join(SKILLS)}.")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise AccountError(f"接待上限为 1-{MAX_CAPACITY}。Capacity is 1-{MAX_CAPACITY}.")
    return Profile(username, display_name.strip(), role, langs, topics, capacity)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符。A password has at least {MIN_PASSWORD} characters.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise AccountError(f"密码最多 {MAX_PASSWORD_BYTES} 字节。A password has at most {MAX_PASSWORD_BYTES} bytes.")


def new_password() -> str:
    """For a supervisor to pass on: 16 URL-safe characters (96 random bits)."""
    return secrets.token_urlsafe(12)


def _split(value: list[str] | str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip().lower() for item in items if item.strip()]


def as_dict(user: HubUser) -> dict[str, object]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "languages": user.languages.split(","), "skills": user.topics.split(","), "capacity": user.capacity,
            "created_at": user.created_at.isoformat() if user.created_at else None,
            "disabled": user.disabled_at is not None,
            "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None}


# --- jobs for the records' writer (or a plain Session): each answers a HubUser, or None if it cannot --------
def add(session: Session, who: Profile, password_hash: str) -> HubUser | None:
    """The new user; None if the name is taken."""
    if session.get(HubUser, who.username) is not None:
        return None
    user = HubUser(username=who.username, display_name=who.display_name, role=who.role,
                   languages=",".join(who.languages), topics=",".join(who.skills), capacity=who.capacity,
                   password_hash=password_hash, created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def set_disabled(session: Session, username: str, disabled: bool) -> HubUser | None:
    user = _managed(session, username)
    if user is not None:
        user.disabled_at = utcnow() if disabled else None
    return user


def set_password_hash(session: Session, username: str, password_hash: str) -> HubUser | None:
    user = _managed(session, username)
    if user is not None:
        user.password_hash = password_hash
    return user


def _managed(session: Session, username: str) -> HubUser | None:
    """An account a supervisor may disable or reset in the console; supervisors are managed only by the CLI."""
    user = session.get(HubUser, username)
    return user if user is not None and user.role in MANAGED_ROLES else None


def listing(session: Session) -> list[dict[str, object]]:
    return [as_dict(u) for u in session.scalars(select(HubUser).order_by(HubUser.role, HubUser.username))]
