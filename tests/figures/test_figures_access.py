"""Who may read the figures: supervisors and services with the hub's API key; nobody else."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx


@contextlib.contextmanager
def _login(url: str, username: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60) as client:
        response = client.post("/api/console/login", json={"username": username, "password": password})
        assert response.status_code == 200
        yield client


def test_supervisor_and_api_key_read_the_figures(simulation):
    stack = simulation.stack
    with _login(stack.hub_url, "supervisor", stack.passwords["supervisor"]) as supervisor:
        response = supervisor.get("/api/figures", params={"days": 7})
        assert response.status_code == 200 and response.json()["days"] == 7
        assert response.json()["total"]["conversations"] == simulation.figures["total"]["conversations"]
    by_key = httpx.get(f"{stack.hub_url}/api/figures", headers={"X-API-Key": stack.api_key}, timeout=60)
    assert by_key.status_code == 200 and by_key.json()["days"] == 7


def test_agents_forged_sessions_and_wrong_keys_are_refused(simulation):
    stack = simulation.stack
    with _login(stack.hub_url, "agent1", stack.passwords["agent1"]) as agent:
        response = agent.get("/api/figures")
        assert response.status_code == 403 and response.json()["error"]["code"] == "supervisors_only"
    forged = httpx.get(f"{stack.hub_url}/api/figures", cookies={"hub_session": "forged-session-token"}, timeout=30)
    assert forged.status_code == 401
    assert httpx.get(f"{stack.hub_url}/api/figures", timeout=30).status_code == 401
    wrong_key = httpx.get(f"{stack.hub_url}/api/figures", headers={"X-API-Key": "not-the-key"}, timeout=30)
    assert wrong_key.status_code == 401
    assert "conversations" not in forged.text + wrong_key.text


def test_bad_days_get_a_clear_error(simulation):
    stack = simulation.stack
    for days in ("0", "400", "a week"):
        response = httpx.get(f"{stack.hub_url}/api/figures", params={"days": days},
                             headers={"X-API-Key": stack.api_key}, timeout=30)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request", days
