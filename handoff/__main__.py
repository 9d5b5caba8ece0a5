"""`python -m handoff` serves the hub with uvicorn on HANDOFF_HOST:HANDOFF_PORT.

HANDOFF_WORKERS (default 1) starts that many hub processes on the one port: the live state, the
timers and the event bus are in Redis, so any worker can serve any customer or agent.
"""

from __future__ import annotations

import uvicorn

from handoff.settings import Settings
from observability import logs
from observability.prometheus_config import share_worker_metrics
from service_auth.agent_audio_tickets import AGENT_AUDIO_SECRET
from service_auth.env_secrets import check_secrets
from service_auth.epolicy_links import EPOLICY_LINK_SECRET


def main() -> None:
    settings = Settings()
    # Optional: e-policy downloads are off without the first, agents take calls by typing only without the second.
    check_secrets(settings, optional=(EPOLICY_LINK_SECRET, AGENT_AUDIO_SECRET))
    workers = max(1, settings.workers)
    logs.configure("handoff")
    if workers > 1:  # the workers' request counters, summed at each scrape of /metrics (observability.metrics)
        share_worker_metrics(prefix="hub-metrics-")
    # ws_max_size: frames above 1 MB are cut by the WebSocket layer (close 1009); the app refuses
    # anything above 16 KB itself with a clear error frame and keeps the connection.
    uvicorn.run("handoff.app:create_app", factory=True, workers=workers, host=settings.host, port=settings.port,
                # No access log: request lines carry URLs, which must never reach a log with a secret in them.
                log_level="warning", log_config=None, access_log=False, ws_max_size=1024 * 1024, ws_ping_interval=20, ws_ping_timeout=20,
                # Chat frames are small: compressing each one costs more CPU than it saves bandwidth.
                ws_per_message_deflate=False)


if __name__ == "__main__":
    main()
