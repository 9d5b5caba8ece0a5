"""Attacks on the per-agent figures (GET /api/figures/agents), against a real hub process: a
supervisor's session or the hub's API key reads them; agents, strangers and wrong keys do not."""

from __future__ import annotations

import httpx

from devstack import services
from tests.security.standalone_hub import console_session, error_code, hub  # noqa: F401  (a fixture)


def test_only_supervisors_and_the_hubs_key_read_per_agent_figures(hub):  # noqa: F811
    boss, agent = console_session(hub, "supervisor"), console_session(hub, "agent1")
    try:
        assert boss.get("/api/figures/agents?days=7").status_code == 200
        for days in ("0", "93", "-1", "x", "7;drop"):
            assert boss.get(f"/api/figures/agents?days={days}").status_code == 422
        response = agent.get("/api/figures/agents")
        assert response.status_code == 403 and error_code(response) == "supervisors_only"
    finally:
        boss.close()
        agent.close()
    with httpx.Client(base_url=hub.url, timeout=15) as stranger:
        assert stranger.get("/api/figures/agents").status_code == 401
        assert stranger.get("/api/figures/agents", headers={"X-API-Key": "wrong"}).status_code == 401
        assert stranger.get("/api/figures/agents", headers=services.HUB_KEY).status_code == 200
