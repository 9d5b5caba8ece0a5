"""`python -m bot.server [rasa run options]`: Rasa with its HTTP API behind a JWT, and no CORS.

The secrets (bot/settings.py) are checked before Rasa is imported (a bad one is refused in a second,
not after the model loads), and the JWT secret is handed to Rasa's own `--jwt-secret` inside this
process rather than on the command line, where any local user could read it in the process list.
RASA_CHANNEL_SECRET is read by bot/channels.py, ACTION_SERVER_SECRET by bot/endpoints.yml.
The app's sign-in token is handed to the action server without being stored (bot/app_token.py).
"""

from __future__ import annotations

import sys
from typing import Any

from bot import app_token, heap
from bot.settings import get_settings
from service_auth.env_secrets import check_secrets


def _extend_rasa_app() -> None:
    """Rasa's own create_app is wrapped, the way bot/rasa_speedups.py patches, for two additions:
    - some forged tokens (`alg: none`, another algorithm) make sanic-jwt raise instead of saying "not
      valid", and Rasa then answers 500. They are refused either way; the answer is now the same 401 as
      for a missing token;
    - once the model has loaded, its objects leave the garbage collector's full passes (bot/heap.py)."""
    import jwt
    import rasa.server
    from sanic import response

    create_app = rasa.server.create_app

    def create_app_extended(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        app.register_listener(heap.freeze_after_start, "after_server_start")

        @app.exception(jwt.exceptions.PyJWTError)
        async def bad_token(request: Any, exception: Exception) -> Any:
            error = rasa.server.ErrorResponse(401, "NotAuthenticated", "User is not authenticated.")
            return response.json(error.error_info, status=401)

        return app

    rasa.server.create_app = create_app_extended


def main() -> None:
    settings = get_settings()
    check_secrets(settings)
    if any(arg == "--cors" or arg.startswith("--cors=") for arg in sys.argv[1:]):
        raise SystemExit("refusing to start: Rasa is internal, it gets no CORS (drop --cors)")
    # `--jwt-secret=` joined: a secret may begin with "-" (token_urlsafe's alphabet), which argparse would
    # otherwise read as the next option and refuse to start.
    sys.argv = ["rasa", "run", "--enable-api", *sys.argv[1:],
                f"--jwt-secret={settings.rasa_jwt_secret}", "--jwt-method", "HS256"]
    _extend_rasa_app()
    app_token.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
