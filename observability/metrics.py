"""Prometheus `/metrics` for our FastAPI services (prometheus-fastapi-instrumentator: requests, latency,
sizes per route) plus each service's own figures read at scrape time, behind the service's own key: the
hub and the voice gateway face the outside, and queue lengths are nobody else's business."""

from __future__ import annotations

from typing import Awaitable, Callable, Iterable

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator

from observability.prometheus_config import workers_share_metrics
from service_auth.signing import presented_key, same_secret

# Probes and the scrape itself are not traffic worth a histogram.
UNCOUNTED = ["/health", "/metrics"]

Figures = Callable[[Request], Awaitable[Iterable[Metric]]]


def gauge(name: str, documentation: str, value: float, **labels: str) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=sorted(labels))
    family.add_metric([labels[key] for key in sorted(labels)], value)
    return family


def scraper_check(secret: str) -> Callable[[Request], None]:
    """Prometheus sends `Authorization: Bearer <secret>` (its `authorization` scrape setting); our own
    tools may send the service's usual `X-API-Key`."""

    def check(request: Request) -> None:
        if not same_secret(presented_key(request.headers.get("authorization"), request.headers.get("x-api-key")),
                           secret):
            raise HTTPException(401, "metrics need the service's key (Authorization: Bearer <key>)")

    return check


class _Once(Collector):
    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)

    def collect(self) -> Iterable[Metric]:
        return self.metrics


def _process_metrics() -> bytes:
    # Several uvicorn workers on one port (the hub) share counters through prometheus_client's own folder.
    if workers_share_metrics():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def instrument(app: FastAPI, secret: str, figures: Figures | None = None) -> None:
    """Request metrics for every route, and `GET /metrics` with them and the service's own `figures`."""
    Instrumentator(excluded_handlers=UNCOUNTED).instrument(app)

    @app.get("/metrics", include_in_schema=False, dependencies=[Depends(scraper_check(secret))])
    async def metrics(request: Request) -> Response:
        body = _process_metrics()
        if figures is not None:
            own = CollectorRegistry()
            own.register(_Once(await figures(request)))
            body += generate_latest(own)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
