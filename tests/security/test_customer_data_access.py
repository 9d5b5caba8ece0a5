"""Attacks on a customer's export and erasure (`GET /v1/customers/{id}/export`, `POST /v1/customers/{id}/erase`
on the hub): an agent, an anonymous caller or one of our services' keys cannot read or wipe a customer's
data, and a cross-site page cannot make a signed-in supervisor's browser erase one. Each is refused with
a clear error, the customer's data is still there, and the supervisor's own request still works."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devstack import services
from devstack.hub_clients import Agent, HubRun, app_chat_hello
from devstack.tokens import app_token
from tests.handoff.conftest import start_hub  # noqa: F401  (fixture: a real hub per test)

CUSTOMER = "C0002"


@pytest.fixture
def hub(stack, start_hub) -> HubRun:  # noqa: F811
    """A hub that finds conversations in this run's Rasa event broker."""
    return start_hub(RASA_EVENTS_URL=stack.events_url)


def _customer_talked(hub: HubRun) -> None:  # noqa: F811
    """C0002 opens her app chat and says something: the hub and Rasa now hold her conversation."""
    app_chat_hello(hub, app_token(CUSTOMER))


def _supervisor_export(hub: HubRun) -> dict[str, Any]:  # noqa: F811
    supervisor = Agent(hub, "supervisor", available=False)
    try:
        response = supervisor.http.get(f"/v1/customers/{CUSTOMER}/export")
        assert response.status_code == 200, response.text
        return response.json()
    finally:
        supervisor.close()


def _refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_agent_cannot_export_or_erase_a_customer(hub):  # noqa: F811
    _customer_talked(hub)
    agent = Agent(hub, "agent1", available=False)
    try:
        _refused(agent.http.get(f"/v1/customers/{CUSTOMER}/export"), 403, "supervisors_only")
        _refused(agent.http.post(f"/v1/customers/{CUSTOMER}/erase", headers={"Origin": hub.url}), 403,
                 "supervisors_only")
    finally:
        agent.close()
    assert _supervisor_export(hub)["counts"]["hub_live"]["messages"] >= 2  # her chat is untouched


def test_anonymous_caller_or_service_key_cannot_export_or_erase(hub):  # noqa: F811
    _customer_talked(hub)
    for headers in ({}, services.HUB_KEY):  # the channel API's key is a service's, not a supervisor's
        _refused(httpx.get(f"{hub.url}/v1/customers/{CUSTOMER}/export", headers=headers), 401, "not_signed_in")
        _refused(httpx.post(f"{hub.url}/v1/customers/{CUSTOMER}/erase", headers={"Origin": hub.url, **headers}),
                 401, "not_signed_in")
    assert _supervisor_export(hub)["counts"]["hub_live"]["messages"] >= 2


def test_cross_site_erase_with_a_supervisors_session_is_refused(hub):  # noqa: F811
    _customer_talked(hub)
    supervisor = Agent(hub, "supervisor", available=False)
    try:
        # What a page on another site, or a script that sends no Origin, makes her browser send.
        for origin in ({"Origin": "https://evil.example"}, {"Origin": f"http://evil.example:{hub.port}"}, {}):
            _refused(supervisor.http.post(f"/v1/customers/{CUSTOMER}/erase", headers=origin), 403,
                     "origin_refused")
        assert supervisor.http.get(f"/v1/customers/{CUSTOMER}/export").json()["counts"]["hub_live"]["messages"] >= 2
        # From the hub's own page: erased.
        erased = supervisor.http.post(f"/v1/customers/{CUSTOMER}/erase", headers={"Origin": hub.url})
        assert erased.status_code == 200, erased.text
        assert erased.json()["counts"]["hub_live"]["keys"] >= 2
        assert supervisor.http.get(f"/v1/customers/{CUSTOMER}/export").json()["counts"]["hub_live"] == \
            {"conversations": 0, "messages": 0}
    finally:
        supervisor.close()
