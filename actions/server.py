"""`python -m actions.server [--host H] [--port P]`: rasa-sdk's action server, for Rasa only.

rasa-sdk's own entry point runs any tracker it is sent: `verified: true, customer_id: C0001` was
enough to read her policies. Here every route but /health requires ACTION_SERVER_SECRET in the
X-Desk-Action-Secret header (Rasa sends it: bot/endpoints.yml), there is no CORS, and the server
binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import TYPE_CHECKING

from actions.settings import get_settings
from observability import logs
from observability.context import bind
from service_auth.env_secrets import check_secrets
from service_auth.signing import ACTION_SECRET_HEADER, presented_key, same_secret

if TYPE_CHECKING:
    from sanic import Sanic
    from sanic.response import HTTPResponse

OPEN_PATHS = frozenset({"/health"})


def create_app(secret: str) -> Sanic:
    # Imported here, not at the top: a bad secret is refused before rasa-sdk loads the actions.
    from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from sanic import response
    from sanic.request import Request

    app = create_sdk_app("actions", cors_origins=None)
    action_seconds = Histogram("actions_run_seconds", "Time to run one custom action, by action and outcome.",
                               ["action", "status"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))

    @app.middleware("request")
    async def require_shared_secret(request: Request) -> HTTPResponse | None:
        # Prometheus sends a bearer token (its `authorization` scrape setting), Rasa our header.
        offered = request.headers.get(ACTION_SECRET_HEADER)
        if request.path == "/metrics":
            offered = presented_key(request.headers.get("authorization"), offered)
        if request.path not in OPEN_PATHS and not same_secret(offered, secret):
            return response.json({"error": "unauthorized",
                                  "message": f"the action server needs the {ACTION_SECRET_HEADER} header"}, status=401)
        if request.path == "/webhook":
            try:
                body = request.json if isinstance(request.json, dict) else {}
            except Exception:  # rasa-sdk answers a malformed body itself; only the log ids are lost
                body = {}
            bind(conversation_id=str(body.get("sender_id") or "") or None,
                 request_id=request.headers.get("x-request-id"))
            request.ctx.action = str(body.get("next_action") or "unknown")[:64]
            request.ctx.started = time.perf_counter()
        return None

    @app.middleware("response")
    async def time_action(request: Request, reply: HTTPResponse) -> None:
        started = getattr(request.ctx, "started", None)
        if started is not None:
            action_seconds.labels(request.ctx.action, str(reply.status)).observe(time.perf_counter() - started)

    @app.get("/metrics")
    async def metrics(request: Request) -> HTTPResponse:
        return response.raw(generate_latest(), content_type=CONTENT_TYPE_LATEST)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    # App tokens are the policy API's to check (it exchanges them for customer tokens), so the action server
    # holds no APP_JWT_SECRET.
    settings = get_settings()  # the same object every action then reads
    check_secrets(settings)
    from rasa_sdk.plugin import plugin_manager
    from rasa_sdk.utils import number_of_sanic_workers, update_sanic_log_level

    update_sanic_log_level()
    app = create_app(settings.action_server_secret)
    logs.configure("actions")  # after Sanic set up its loggers: theirs go through ours
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa-sdk's own run() does
    logging.getLogger("actions.server").info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=number_of_sanic_workers())


if __name__ == "__main__":
    main()
