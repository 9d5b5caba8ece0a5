"""`python -m policy_api` — serve the API with uvicorn on POLICY_API_HOST:POLICY_API_PORT."""

import os
import tempfile

import uvicorn

from observability import logs
from policy_api.settings import Settings, get_settings
from service_auth.env_secrets import require_secrets, require_set_secrets
from service_auth.epolicy_links import EPOLICY_LINK_SECRET


def main() -> None:
    require_secrets(*Settings.required_secrets())
    require_set_secrets(EPOLICY_LINK_SECRET)  # optional: e-policy downloads are off without it
    settings = get_settings()
    logs.configure("policy_api")
    if settings.workers > 1:  # the workers' request counters, summed at each scrape of /metrics (observability.metrics)
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="policy-api-metrics-"))
    uvicorn.run("policy_api.main:app", host=settings.host, port=settings.port, workers=settings.workers,
                log_level="info", log_config=None)


if __name__ == "__main__":
    main()
