"""An agent whose console is gone stops being offered customers: the last console socket closed and none back
within HANDOFF_CONSOLE_GRACE_S sets an available agent away (handoff/availability.py); a reload within the
grace keeps them available. A real hub on Redis, real WebSockets; no bot needed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from devstack.hub_clients import Agent, HubRun
from tests.security.standalone_hub import hub_without_bot

GRACE_S = 2.0


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("presence"), HANDOFF_CONSOLE_GRACE_S=str(GRACE_S)) as run:
        yield run


def state_of(agent: Agent) -> str:
    response = agent.http.get("/api/console/me")
    assert response.status_code == 200, response.text
    return response.json()["state"]


def test_a_closed_console_sets_the_agent_away_after_the_grace(hub: HubRun) -> None:
    agent = Agent(hub, "agent1")
    assert state_of(agent) == "available"
    agent.frames.close()  # the tab closed; the sign-in itself is still valid
    time.sleep(GRACE_S / 2)
    assert state_of(agent) == "available"  # within the grace: maybe a reload
    deadline = time.monotonic() + GRACE_S + 10
    while state_of(agent) != "away" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert state_of(agent) == "away"
    agent.http.close()


def test_a_reload_within_the_grace_keeps_the_agent_available(hub: HubRun) -> None:
    first = Agent(hub, "agent2")
    first.frames.close()
    second = Agent(hub, "agent2", available=False)  # the reloaded page: a new socket, same person
    time.sleep(GRACE_S + 2)
    assert state_of(second) == "available"
    second.close()
    first.http.close()
