"""One small simulation against the real stack (policy API, action server, Rasa with the SQL event
broker, hub, Redis) for the module: 30 scripted customers with a fixed seed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.sim_clients import Outcome
from bench.sim_stack import SimStack, sim_stack
from bench.simulate import simulate
from devstack.browser import browser  # noqa: F401  (a fixture: Chromium for the figures page's test)

CUSTOMERS = 30
SEED = 11


@dataclass
class Simulation:
    stack: SimStack
    outcomes: list[Outcome]
    figures: dict[str, Any]


@pytest.fixture(scope="package")
def simulation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulation]:
    workdir: Path = tmp_path_factory.mktemp("simulation")
    with sim_stack(workdir) as stack:
        outcomes, figures = asyncio.run(simulate(stack, CUSTOMERS, SEED, concurrency=6))
        yield Simulation(stack, outcomes, figures)
