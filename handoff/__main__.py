"""`python -m handoff` serves the hub with uvicorn on HANDOFF_HOST:HANDOFF_PORT."""

from __future__ import annotations

import logging

import uvicorn

from handoff.app import create_app
from handoff.settings import Settings


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # ws_max_size: frames above 1 MB are cut by the WebSocket layer (close 1009); the app refuses
    # anything above 16 KB itself with a clear error frame and keeps the connection.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning",
                ws_max_size=1024 * 1024, ws_ping_interval=20, ws_ping_timeout=20)


if __name__ == "__main__":
    main()
