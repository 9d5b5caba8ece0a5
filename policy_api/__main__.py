"""`python -m policy_api` — serve the API with uvicorn on POLICY_API_HOST:POLICY_API_PORT."""

import uvicorn

from observability import logs
from observability.prometheus_config import share_worker_metrics
from policy_api.settings import get_settings
from service_auth.env_secrets import check_secrets
from service_auth.epolicy_links import EPOLICY_LINK_SECRET


def main() -> None:
    settings = get_settings()
    check_secrets(settings, optional=(EPOLICY_LINK_SECRET,))  # optional: e-policy downloads are off without it
    logs.configure("policy_api")
    if settings.workers > 1:  # the workers' request counters, summed at each scrape of /metrics (observability.metrics)
        share_worker_metrics(prefix="policy-api-metrics-")
    uvicorn.run("policy_api.main:app", host=settings.host, port=settings.port, workers=settings.workers,
                log_level="info", log_config=None)


if __name__ == "__main__":
    main()
