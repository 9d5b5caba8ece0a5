"""The hub's own figures on /metrics (besides requests): customers waiting and for how long, agents by
state and their free seats, read from Redis at each scrape so that every worker reports the same."""

from __future__ import annotations

import time
from typing import Iterable

from fastapi import Request
from prometheus_client.core import Metric

from observability.metrics import gauge


async def hub_figures(request: Request) -> Iterable[Metric]:
    hub = request.app.state.hub
    waiting = await hub.state.queue_since()
    loads = await hub.state.agent_loads()
    now = time.time()
    figures = [
        gauge("hub_queue_length", "Customers waiting for an agent.", len(waiting)),
        gauge("hub_longest_wait_seconds", "How long the first customer in the queue has waited.",
              max((now - created for _, created in waiting), default=0.0)),
        gauge("hub_free_seats", "Conversations available agents can still take.",
              sum(max(0, a.capacity - a.conversations) for a in loads if a.state == "available")),
    ]
    for state in ("available", "away", "offline"):
        figures.append(gauge("hub_agents", "Agents (and supervisors) by state.",
                             sum(1 for a in loads if a.state == state), state=state))
    return figures
