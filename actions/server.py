"""`python -m actions.server [--host H] [--port P]`: rasa-sdk's action server, for Rasa only.

rasa-sdk's own entry point runs any tracker it is sent: `verified: true, customer_id: C0001` was
enough to read her policies. Here every route but /health requires ACTION_SERVER_SECRET in the
X-Desk-Action-Secret header (Rasa sends it: bot/endpoints.yml), there is no CORS, and the server
binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from service_auth.env_secrets import require_secrets
from service_auth.signing import ACTION_SECRET_HEADER, same_secret

if TYPE_CHECKING:
    from sanic import Sanic
    from sanic.response import HTTPResponse

OPEN_PATHS = frozenset({"/health"})


def create_app(secret: str) -> Sanic:
    # Imported here, not at the top: a bad secret is refused before rasa-sdk loads the actions.
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from sanic import response
    from sanic.request import Request

    app = create_sdk_app("actions", cors_origins=None)

    @app.middleware("request")
    async def require_shared_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or same_secret(request.headers.get(ACTION_SECRET_HEADER), secret):
            return None
        return response.json({"error": "unauthorized",
                              "message": f"the action server needs the {ACTION_SECRET_HEADER} header"}, status=401)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    # The actions read POLICY_API_KEY (actions/settings.py): checked here too. App tokens are the policy
    # API's to check (it exchanges them for customer tokens), so the action server holds no APP_JWT_SECRET.
    secret = require_secrets("ACTION_SERVER_SECRET", "POLICY_API_KEY")["ACTION_SERVER_SECRET"]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from rasa_sdk.plugin import plugin_manager
    from rasa_sdk.utils import number_of_sanic_workers, update_sanic_log_level

    update_sanic_log_level()
    app = create_app(secret)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa-sdk's own run() does
    logging.getLogger("actions.server").info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=number_of_sanic_workers())


if __name__ == "__main__":
    main()
