"""Console sign-in: bcrypt password hashes in the database, session tokens in Redis with expiry."""

from __future__ import annotations

import bcrypt
from fastapi import Request, WebSocket

from handoff.errors import HubError
from handoff.service import Hub, User

COOKIE = "hub_session"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False


async def user_for_token(hub: Hub, token: str | None) -> User | None:
    username = await hub.state.session_user(token)
    if not username:
        return None
    info = await hub.redis.hgetall(hub.keys.agent(username))
    if not info:
        record = await hub.records.user(username)
        if record is None:
            return None
        await hub.state.register_agent(record)
        info = {"display_name": record.display_name, "role": record.role}
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
