"""Console sign-in: bcrypt password hashes in the database, session tokens in Redis with expiry.

Sign-in is throttled per user name and per client address (service_auth.lockout, in the hub's Redis
under HANDOFF_REDIS_PREFIX): too many failures answer 429 with Retry-After, even for the right
password. An unknown user name costs the same bcrypt check as a wrong password and gets the same
answer, so neither the reply nor its timing tells which names exist.
"""

from __future__ import annotations

import math
import secrets

from fastapi import Request, WebSocket

from handoff.errors import HubError
from handoff.service import Hub, User
from handoff.settings import Settings
from handoff.store.connection import sign_in_lockout
from hub_records.passwords import check_password, hash_password
from service_auth.lockout import Identifier, Lockout, LockoutPolicy, LockoutUnavailable

COOKIE = "hub_session"

# Checked against when the user name is unknown: same cost as a real user's hash, matches nothing.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(24))


class SignInThrottle:
    def __init__(self, settings: Settings) -> None:
        # Keyed under a secret of the hub's: Redis holds no readable user names or addresses.
        secret = f"console-sign-in:{settings.policy_api_key}"

        def lockout(kind: str, max_failures: int) -> Lockout:
            policy = LockoutPolicy(max_failures, settings.login_window_s, settings.login_lock_s)
            return sign_in_lockout(settings, kind, policy, secret)

        self._by_name = lockout("name", settings.login_max_failures)
        self._by_address = lockout("address", settings.login_max_failures_per_address)

    def check(self, username: str, address: str, password: str, password_hash: str | None) -> None:
        """Raise HubError unless the password is right and neither the name nor the address is locked.
        Blocking (Redis and bcrypt): run it in a thread."""
        name: list[Identifier] = [("name", username.strip().casefold())]
        where: list[Identifier] = [("address", address)]
        try:
            wait = max(self._by_name.locked_for(name), self._by_address.locked_for(where))
            if wait:
                minutes = max(1, math.ceil(wait / 60))
                raise HubError(429, "sign_in_locked",
                               f"登录失败次数过多，请 {minutes} 分钟后再试。"
                               f"Too many failed sign-ins: try again in {minutes} minute(s).",
                               headers={"Retry-After": str(wait)})
            ok = check_password(password, password_hash or _DUMMY_HASH) and password_hash is not None
            if not ok:
                self._by_name.failed(name)
                self._by_address.failed(where)
                raise HubError(401, "bad_credentials", "Wrong username or password.")
            self._by_name.succeeded(name)
        except LockoutUnavailable as exc:
            raise HubError(503, "hub_unavailable", "The hub's live store is unavailable; try again shortly.") from exc


def sign_in_throttle(request: Request) -> SignInThrottle:
    throttle = getattr(request.app.state, "sign_in_throttle", None)
    if throttle is None:
        throttle = request.app.state.sign_in_throttle = SignInThrottle(request.app.state.hub.settings)
    return throttle


async def user_for_token(hub: Hub, token: str | None) -> User | None:
    username = await hub.state.session_user(token)
    if not username:
        return None
    info = await hub.state.agent(username)
    if not info:
        record = await hub.records.user(username)
        if record is None:
            return None
        await hub.state.register_agent(record)
        info = {"display_name": record.display_name, "role": record.role,
                "disabled": "1" if record.disabled_at else "0"}
    if info.get("disabled") == "1":  # a session that raced the disabling is worth nothing either
        return None
    return User(username, info.get("display_name", username), info.get("role", "agent"))


async def current_user(request: Request) -> User:
    user = await user_for_token(request.app.state.hub, request.cookies.get(COOKIE))
    if user is None:
        raise HubError(401, "not_signed_in", "Not signed in, or the session expired. Please sign in again.")
    return user


async def supervisor(request: Request) -> User:
    user = await current_user(request)
    if not user.is_supervisor:
        raise HubError(403, "supervisors_only", "Only supervisors can do this.")
    return user


async def websocket_user(websocket: WebSocket) -> User | None:
    return await user_for_token(websocket.app.state.hub, websocket.cookies.get(COOKIE))
