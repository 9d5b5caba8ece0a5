"""Which agent the hub offers a request to first (handoff/routing.py), as pure decisions: the topics a request
needs, then among the free agents who speak the customer's language, topic match, then least busy, then longest
since their last assignment."""

from __future__ import annotations

from handoff.routing import rank, topics_for
from handoff.store.state import AgentLoad


def agent(name: str, topics: list[str], busy: int = 0, last_assigned: float = 0.0) -> AgentLoad:
    return AgentLoad(name, name, "agent", "available", 5, ["zh"], topics, last_assigned, busy, 0)


def test_the_reason_and_the_conversation_name_the_topics():
    assert topics_for({"reason": "complaint"}) == {"complaints"}
    assert topics_for({"reason": "identity_lockout"}) == {"identity"}
    assert topics_for({"reason": "request", "summary": "customer: 我的理赔怎么还没到账"}) == {"general", "claims"}
    assert topics_for({"reason": "request", "summary": "customer: What about my CLAIM?"}) == {"general", "claims"}


def test_a_transfer_that_names_a_skill_needs_only_that_skill():
    assert topics_for({"reason": "complaint", "skill": "claims", "summary": "理赔"}) == {"claims"}


def test_topic_first_then_least_busy_then_longest_idle():
    agents = [agent("general-idle", ["general"], busy=0, last_assigned=100.0),
              agent("claims-busy", ["claims"], busy=2, last_assigned=100.0),
              agent("claims-free-recent", ["claims"], busy=0, last_assigned=500.0),
              agent("claims-free-idle", ["claims"], busy=0, last_assigned=200.0)]
    order = [a.username for a in sorted(agents, key=lambda a: rank(a, {"claims"}))]
    assert order == ["claims-free-idle", "claims-free-recent", "claims-busy", "general-idle"]
