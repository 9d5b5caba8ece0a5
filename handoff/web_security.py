"""The hub's browser-facing guards, as one pure-ASGI middleware in front of every route.

- Security headers on every HTTP answer: a CSP without inline script or style (the pages load only
  their own /static files), `X-Frame-Options: DENY` and `frame-ancestors 'none'` (no clickjacking of
  the console), `Referrer-Policy: no-referrer`, `nosniff`, and HSTS when served over TLS.
- Cross-origin requests refused: a state-changing request (POST, PUT, PATCH, DELETE) and a WebSocket
  handshake coming from another site's page get 403 `origin_refused`, so a page elsewhere cannot use
  a signed-in agent's cookie (CSRF, cross-site WebSocket hijacking). The rule follows Go's
  `net/http.CrossOriginProtection`: an `Origin` must be the hub's own (the Host header with the
  request's scheme) or on HANDOFF_ALLOWED_ORIGINS; without one, `Sec-Fetch-Site` must say the
  request is the hub's own; a request with neither comes from no browser (our services, curl), which
  carries no victim's cookie. `/socket.io/` keeps accepting widgets embedded on other sites: its
  conversation cookie is SameSite=Strict, so another site's page never presents it.
- No token in a URL: any request with a `token` query parameter is refused (400 `token_in_url`)
  before a route sees it. URLs end up in logs, browser history and Referer headers; the app hands
  its token to the chat page in the URL fragment (never sent to a server) or in a request body.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from handoff.errors import error_body

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Widgets of the socket.io channel live on the insurer's own site, another origin by design.
CROSS_ORIGIN_SOCKETS = ("/socket.io/",)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"x-content-type-options": b"nosniff",
    b"cross-origin-opener-policy": b"same-origin",
}
HSTS = (b"strict-transport-security", b"max-age=31536000")
ORIGIN_REFUSED = ("origin_refused", "跨站请求已被拒绝：此操作只接受本站页面发出的请求。"
                                    "Cross-origin request refused: this action is accepted only from the hub's own pages.")
TOKEN_IN_URL = ("token_in_url", "令牌不能放在网址中，请在页面地址的 # 之后或请求正文中传递。"
                                "A token must not travel in a URL: pass it after the # of the page address, "
                                "or in the request body.")


def over_tls(scope: Scope) -> bool:
    """Whether the client reached us over TLS (uvicorn sets the scheme from a trusted proxy's headers)."""
    return scope.get("scheme") in ("https", "wss")


def own_origin(scope: Scope, headers: Headers) -> str | None:
    host = headers.get("host")
    if not host:
        return None
    return ("https://" if over_tls(scope) else "http://") + host.lower()


class WebSecurityMiddleware:
    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str] = (), connect_sources: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed_origins = frozenset(o.rstrip("/").lower() for o in allowed_origins if o)
        # The console's call audio goes straight to the voice gateway (VOICE_AUDIO_URL): the one other place
        # its pages may connect to.
        extra = " ".join(s for s in connect_sources if s and " " not in s and ";" not in s)
        self.headers = dict(HEADERS)
        if extra:
            self.headers[b"content-security-policy"] = CSP.replace("connect-src 'self'",
                                                                   f"connect-src 'self' {extra}").encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = None
        if any(name == "token" for name, _ in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                                       keep_blank_values=True)):
            refusal = (400, *TOKEN_IN_URL)
        elif not self._same_origin(scope, headers):
            refusal = (403, *ORIGIN_REFUSED)
        if scope["type"] == "websocket":
            if refusal:
                await _deny_websocket(scope, receive, send, *refusal)
            else:
                await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        if refusal:
            status, code, message = refusal
            await JSONResponse(error_body(code, message), status_code=status)(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _same_origin(self, scope: Scope, headers: Headers) -> bool:
        if scope["type"] == "http" and scope["method"] not in UNSAFE_METHODS:
            return True
        if scope["type"] == "websocket" and scope["path"].startswith(CROSS_ORIGIN_SOCKETS):
            return True
        origin = headers.get("origin")
        if origin is not None:
            origin = origin.rstrip("/").lower()
            return origin == own_origin(scope, headers) or origin in self.allowed_origins
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None:
            return fetch_site in ("same-origin", "none")
        return True  # no browser sent this: no victim's cookie rides along

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        extra = list(self.headers.items()) + ([HSTS] if over_tls(scope) else [])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                   *((k, v) for k, v in extra if k not in present)]}
            await send(message)

        return send_with_headers


async def _deny_websocket(scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str) -> None:
    """Refuse the upgrade with an HTTP answer the client can read, where the server supports one."""
    websocket = WebSocket(scope, receive, send)
    if "websocket.http.response" in scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse(error_body(code, message), status_code=status))
    else:
        await websocket.close(code=1008, reason=code)
