"""Scraping /metrics without the service's key: queue lengths, call counts and route traffic are the
insurer's operational data, and the hub and the voice gateway face the outside."""

from __future__ import annotations

from typing import Any, Callable

import httpx
import pytest

from devstack import services
from devstack.hub_clients import HubRun
from tests.conftest import Stack
from tests.operations.conftest import start_hub, voice, voice_testset  # noqa: F401  (real hub and gateway)


def _refused_then_served(url: str, key: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-key"}, {"X-API-Key": "wrong-key"}):
        refused = httpx.get(f"{url}/metrics", headers=headers, timeout=10)
        assert refused.status_code == 401, (headers, refused.text)
        assert "# TYPE" not in refused.text
    served = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert served.status_code == 200 and "# TYPE" in served.text


@pytest.mark.parametrize("service", ["policy_api", "actions"])
def test_metrics_without_the_key_on_internal_services(stack: Stack, service: str) -> None:
    url, key = {"policy_api": (stack.api_url, services.API_KEY),
                "actions": (stack.actions_url, services.ACTION_SERVER_SECRET)}[service]
    _refused_then_served(url, key)


def test_metrics_without_the_key_on_the_hub(start_hub: Callable[..., HubRun]) -> None:  # noqa: F811
    _refused_then_served(start_hub().url, services.HUB_API_KEY)


def test_metrics_without_the_key_on_the_voice_gateway(voice: Any) -> None:  # noqa: F811
    _refused_then_served(voice.url, voice.api_key)
    assert httpx.get(f"{voice.url}/stats", timeout=10).status_code == 401
