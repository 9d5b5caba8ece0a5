"""The wait a queued customer is told: from the agents available now, their open slots, and how
fast agents have recently accepted offers and finished conversations.

Why not the accept times of past requests (created -> accepted): a request that waited an hour
while nobody was signed in, then got taken, says nothing about the next customer when an agent is
free now ("预计等待约 831 秒" at position 1 with an agent free). What predicts the wait is:

- at a position an open slot covers: the time an agent takes to accept an offer once it is shown
  (the offer -> accept reaction, recent ones only);
- beyond: that, plus the time for enough slots to free up, at the rate the available agents turn
  conversations over (their slots / (the recent handling time + the reaction)).

Nobody available: there is no honest number (None); the customer is told no agent is free.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from handoff.store.state import AgentLoad

DEFAULT_REACTION_S = 8.0  # before any accept was seen: most agents take an offer within the 10 s shown


@dataclass(frozen=True)
class Capacity:
    """The available agents as of now.

    Attributes:
        agents: agents (not supervisors) whose state is available.
        slots: their conversations at once, all told (the sum of their capacities).
        open_slots: slots not taken by a conversation. Offers do not take one here: an offer is
            for a request that is itself in the queue, so it is counted by the queue's positions.
    """

    agents: int
    slots: int
    open_slots: int


def capacity_of(loads: list[AgentLoad], language: str | None = None) -> Capacity:
    """The available agents who would get a request in `language`: as routing offers it, those who
    speak it if any available agent does, else every available agent."""
    available = [a for a in loads if a.role == "agent" and a.state == "available"]
    if language:
        available = [a for a in available if language in a.languages] or available
    return Capacity(agents=len(available), slots=sum(a.capacity for a in available),
                    open_slots=sum(max(0, a.capacity - a.conversations) for a in available))


def estimate_wait_s(position: int, capacity: Capacity, reaction_s: list[float], handle_s: list[float],
                    default_handle_s: float, default_reaction_s: float = DEFAULT_REACTION_S) -> float | None:
    """Seconds until an agent accepts the request at `position` (1 = next), or None if no agent is
    available. Pure: the samples are the recent offer -> accept and accept -> close times."""
    if capacity.agents == 0 or capacity.slots == 0:
        return None
    reaction = statistics.median(reaction_s) if reaction_s else default_reaction_s
    ahead = max(1, position) - capacity.open_slots
    if ahead <= 0:
        return reaction
    handle = statistics.median(handle_s) if handle_s else default_handle_s
    # A slot turns over every handle + reaction seconds (the next request is accepted only after its
    # offer), so one frees every (handle + reaction) / slots seconds; this request needs `ahead` of them.
    return reaction + ahead * (handle + reaction) / capacity.slots

