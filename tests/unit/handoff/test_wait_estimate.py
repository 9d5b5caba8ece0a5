"""The customer's wait estimate as a pure function (handoff/wait_estimate.py) and its words
(handoff/texts.py): from the agents available now, their open slots and recent times."""

from __future__ import annotations

import pytest

from handoff.store.state import AgentLoad
from handoff.texts import wait_words
from handoff.wait_estimate import Capacity, capacity_of, estimate_wait_s


def load(name: str, state: str = "available", capacity: int = 3, conversations: int = 0, offers: int = 0,
         role: str = "agent") -> AgentLoad:
    return AgentLoad(name, name, role, state, capacity, ["zh"], ["general"], 0.0, conversations, offers)


def test_capacity_counts_available_agents_only_and_offers_leave_slots_open():
    loads = [load("a", conversations=1, offers=2), load("b", state="away"), load("sup", role="supervisor"),
             load("c", capacity=2, conversations=2)]
    # a's offers are for requests in the queue themselves: they do not close a's slots to the queue.
    assert capacity_of(loads) == Capacity(agents=2, slots=5, open_slots=2)


def test_only_agents_who_would_get_the_request_count():
    """As routing offers it: to speakers of the customer's language if any available agent speaks it."""
    en = AgentLoad("a1", "a1", "agent", "available", 1, ["zh", "en"], ["general"], 0.0, 1, 0)  # full
    zh = AgentLoad("a2", "a2", "agent", "available", 3, ["zh"], ["general"], 0.0, 0, 0)
    assert capacity_of([en, zh], "en") == Capacity(agents=1, slots=1, open_slots=0)
    assert capacity_of([en, zh], "zh") == Capacity(agents=2, slots=4, open_slots=3)
    assert capacity_of([zh], "en") == Capacity(agents=1, slots=3, open_slots=3)  # nobody speaks it: anyone
    assert estimate_wait_s(1, capacity_of([en, zh], "en"), [5.0], [300.0], 240) == 5 + 305
    assert estimate_wait_s(1, capacity_of([en, zh], "zh"), [5.0], [300.0], 240) == 5


def test_position_one_with_a_free_agent_waits_only_for_the_accept():
    free = Capacity(agents=1, slots=3, open_slots=3)
    assert estimate_wait_s(1, free, reaction_s=[4.0, 6.0, 5.0], handle_s=[600.0], default_handle_s=240) == 5.0
    # No accepts seen yet: a default well under a minute, not an hour-old request's wait.
    assert estimate_wait_s(1, free, [], [], 240) < 60


def test_old_long_waits_do_not_enter_the_estimate():
    """The reactions are offer -> accept times: a request that waited 831 s with nobody signed in was
    accepted seconds after its offer, which is what the estimator sees."""
    free = Capacity(agents=1, slots=1, open_slots=1)
    assert estimate_wait_s(1, free, reaction_s=[3.0], handle_s=[], default_handle_s=240) == 3.0


def test_beyond_the_open_slots_the_queue_moves_at_the_agents_finishing_rate():
    busy = Capacity(agents=2, slots=4, open_slots=1)
    # Position 3: 2 more slots must free; 4 slots each turning over in 190 + 10 s free one every 50 s.
    assert estimate_wait_s(3, busy, [10.0], [190.0], 240) == pytest.approx(10 + 2 * 50)
    assert estimate_wait_s(1, busy, [10.0], [190.0], 240) == 10.0
    # No handling time seen yet: the configured average.
    assert estimate_wait_s(2, busy, [10.0], [], 240) == pytest.approx(10 + 250 / 4)


def test_nobody_available_gives_no_number():
    assert estimate_wait_s(1, Capacity(0, 0, 0), [5.0], [100.0], 240) is None


@pytest.mark.parametrize(("seconds", "zh", "en"), [
    (5, "不到 1 分钟", "less than a minute"), (59.4, "不到 1 分钟", "less than a minute"),
    (75, "约 1 分钟", "about a minute"), (180, "约 3 分钟", "about 3 minutes"),
    (None, "一段时间（目前没有空闲的人工客服）", "unknown (no agent is free right now)"),
])
def test_wait_words(seconds, zh, en):
    assert wait_words(seconds, "zh") == zh
    assert wait_words(seconds, "en") == en
