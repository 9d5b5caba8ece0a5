"""An agent's console follows a conversation from the moment it is assigned to them, in the order Redis
published the events: the customer's message published right after the assignment reaches the agent even when
the console socket has not yet sent the assignment on. (Before, the console started following only once its
socket got to send `assigned`; under load, bench/handoff.py's agents lost the customer's next message so: it came
after the agent's transcript read and was dropped by the console's subscription.)

The two events are published in one Redis transaction, so that the hub's event listener reads them together and
hands both on before the socket's sending task runs: the moment a loaded hub reaches by chance. A real hub
process on Redis, a real console socket; no bot needed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import redis

from devstack.hub_clients import Agent, HubRun, new_cid
from tests.security.standalone_hub import REDIS_URL, hub_without_bot


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubRun]:
    with hub_without_bot(tmp_path_factory.mktemp("follow")) as run:
        yield run


def publish_together(run: HubRun, *events: tuple[str, dict]) -> None:
    """PUBLISH each (channel, event) on the hub's channels (handoff/store/keys.py) in one MULTI/EXEC."""
    client = redis.Redis.from_url(REDIS_URL)
    with client.pipeline(transaction=True) as pipe:
        for channel, event in events:
            pipe.publish(f"{run.prefix}:ev:{channel}", json.dumps(event))
        pipe.execute()
    client.close()


def test_the_message_right_after_the_assignment_reaches_the_agent(hub: HubRun) -> None:
    agent = Agent(hub, "agent1")
    try:
        for n in range(5):  # each round a new conversation; one would do, five make a lucky pass unlikely
            cid = new_cid("follow")
            text = f"right after the accept {n}"
            publish_together(hub, ("user:agent1", {"type": "assigned", "conversation_id": cid, "request_id": f"r-{n}"}),
                             (f"conv:{cid}", {"seq": 3, "at": time.time(), "sender": "customer", "text": text}))
            agent.frames.wait_for(lambda f, cid=cid: f.get("type") == "assigned" and f["conversation_id"] == cid,
                                  10, "assigned")
            event = agent.event(lambda f, text=text: f.get("text") == text, 5, f"the customer's message {n}")
            assert event["conversation_id"] == cid
    finally:
        agent.close()


def test_no_more_events_once_the_conversation_is_closed(hub: HubRun) -> None:
    agent = Agent(hub, "agent2")
    try:
        cid = new_cid("follow")
        publish_together(hub, ("user:agent2", {"type": "assigned", "conversation_id": cid, "request_id": "r-c"}),
                         (f"conv:{cid}", {"seq": 1, "at": time.time(), "sender": "customer", "text": "while mine"}),
                         ("user:agent2", {"type": "conversation_closed", "conversation_id": cid, "outcome": "resolved"}),
                         (f"conv:{cid}", {"seq": 2, "at": time.time(), "sender": "customer", "text": "after closing"}))
        agent.event(lambda f: f.get("text") == "while mine", 5, "the message while the conversation was the agent's")
        agent.frames.wait_for(lambda f: f.get("type") == "conversation_closed", 5, "conversation_closed")
        agent.frames.drain(1.5)
        assert not [f for f in agent.frames.seen if f.get("text") == "after closing"]
    finally:
        agent.close()
