"""Attack on the hub (item 5): a handoff posted with a `customer_id` of the caller's choosing
used to show agents a "verified" customer nobody verified, and let them open her policies. The hub
now names only the customer the conversation proved (a checked app token, or the bot's own
verification read from Rasa with the hub's credentials); the claim is kept apart, labelled."""

from __future__ import annotations

import json
import time

from devstack.hub_clients import Agent, Customer
from devstack.tokens import app_token
from tests.handoff.conftest import hub, start_hub  # noqa: F401  (fixtures: a real hub per test)


def test_handoff_with_forged_customer_id_is_not_shown_verified(stack, hub):  # noqa: F811
    agent = Agent(hub, "agent1")
    stranger = Customer(hub)
    try:
        assert hub.handoff(stranger.cid, customer_id="C0001").status_code == 201
        offer = agent.offer()
        assert offer["customer_id"] is None
        assert agent.accept(offer["request_id"]).status_code == 200
        request = agent.conversation(stranger.cid)["request"]
        assert request["customer_id"] is None and request["claimed_customer_id"] == "C0001"
        opened = agent.http.get("/api/console/customers/C0001", params={"conversation_id": stranger.cid})
        assert opened.status_code == 403 and opened.json()["error"]["code"] == "not_your_customer"
        assert agent.http.post(f"/api/console/conversations/{stranger.cid}/close").status_code == 200
    finally:
        stranger.close()
        agent.close()


def test_customer_verified_by_the_bot_is_shown_verified(stack, hub):  # noqa: F811
    """The legitimate path: she verifies with the bot (phone + last 4), asks for a person; the action
    posts the handoff and the hub reads who she is from Rasa, not from the request."""
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        customer.verified_to_agent(agent)
        data = agent.http.get("/api/console/customers/C0001", params={"conversation_id": customer.cid})
        assert data.status_code == 200 and data.json()["profile"]["phone_masked"] == "138****8000"
    finally:
        customer.close()
        agent.close()


def test_customer_signed_in_by_the_app_is_shown_verified(hub):  # noqa: F811
    """A checked app token is the hub's own proof: the handoff names its customer, whatever is claimed."""
    agent = Agent(hub, "agent1")
    customer = Customer(hub, token=app_token("C0002"))
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        assert hub.handoff(customer.cid, customer_id="C0001").status_code == 201
        assert agent.offer()["customer_id"] == "C0002"
    finally:
        customer.close()
        agent.close()


def test_app_token_arriving_after_the_handoff_names_its_customer(hub):  # noqa: F811
    """The page's socket may send the app token after the customer asked for a person: the open request
    names the token's customer from then on (the agent's view and the records), never the claimed one."""
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    supervisor = Agent(hub, "supervisor", available=False)
    try:
        assert hub.handoff(customer.cid, customer_id="C0001").status_code == 201
        offer = agent.offer()
        assert offer["customer_id"] is None
        customer.send_raw(json.dumps({"type": "auth", "token": app_token("C0002")}))
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        assert agent.accept(offer["request_id"]).status_code == 200
        request = agent.conversation(customer.cid)["request"]
        assert request["customer_id"] == "C0002" and request["claimed_customer_id"] == "C0001"

        deadline = time.monotonic() + 10  # the records are written off the request path
        while offer["request_id"] not in recorded_for(supervisor, "C0002") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert offer["request_id"] in recorded_for(supervisor, "C0002")
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
    finally:
        customer.close()
        agent.close()
        supervisor.close()


def test_the_agent_who_has_the_conversation_is_told_whom_the_token_names(hub):  # noqa: F811
    """Taken before the token arrived, the conversation named nobody: its agent is told on the console's socket
    (the token's customer, never the claimed one), and no other agent is."""
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        assert hub.handoff(customer.cid, customer_id="C0001").status_code == 201
        offer = agent.offer()
        assert agent.accept(offer["request_id"]).status_code == 200
        assert agent.conversation(customer.cid)["request"]["customer_id"] is None
        customer.send_raw(json.dumps({"type": "auth", "token": app_token("C0002")}))
        told = agent.frames.wait_for(lambda f: f.get("type") == "customer_identified", 10, "customer_identified")
        assert (told["conversation_id"], told["request_id"], told["customer_id"]) == \
            (customer.cid, offer["request_id"], "C0002")
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
    finally:
        customer.close()
        agent.close()


def recorded_for(supervisor: Agent, customer_id: str) -> set[str]:
    found = supervisor.http.get("/api/console/history", params={"customer_id": customer_id})
    return {row["request_id"] for row in found.json()}
