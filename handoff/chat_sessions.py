"""Chat conversations are minted by the hub, never named by the client.

The chat page (and a socket.io widget) gets a random conversation id and a resume secret in an
HttpOnly, SameSite=Strict cookie; replaying and continuing a conversation need that cookie. A link
(`/chat?c=...`) therefore cannot plant an id on a victim or take over one: whoever has only the id
has nothing. The secret is an HMAC of the id under a random key the hub keeps in Redis (made once
per Redis, shared by every hub worker: handoff/store/marks.py), so no per-conversation secret needs storing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

COOKIE = "hub_chat"
WEB_PREFIX = "web-"
SOCKETIO_PREFIX = "sio-"


def _secret(key: bytes, cid: str) -> str:
    digest = hmac.new(key, b"chat-resume:" + cid.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def mint(key: bytes, prefix: str = WEB_PREFIX) -> tuple[str, str]:
    """A new conversation id (128 random bits) and its cookie value."""
    cid = prefix + secrets.token_hex(16)
    return cid, f"{cid}.{_secret(key, cid)}"


def cookie_conversation(key: bytes, cookie: str | None) -> str | None:
    """The conversation this cookie resumes, or None for a missing, malformed or forged one."""
    if not cookie or len(cookie) > 200:
        return None
    cid, _, given = cookie.rpartition(".")
    if not cid.startswith((WEB_PREFIX, SOCKETIO_PREFIX)) or not given:
        return None
    return cid if hmac.compare_digest(given.encode(), _secret(key, cid).encode()) else None


def set_cookie_header(value: str, max_age_s: int, secure: bool) -> str:
    """HttpOnly: page scripts (and anything injected into them) never see the secret; SameSite=Strict:
    no other site's page can make the browser present it."""
    return (f"{COOKIE}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Strict"
            + ("; Secure" if secure else ""))
