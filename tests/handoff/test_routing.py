"""Routing with real Redis and a real hub process: reservations that run out, escalation when nobody
accepts, concurrent accepts, and a hub restart in the middle of a queue."""

from __future__ import annotations

import threading
import time

import httpx
from sqlalchemy import create_engine, text

from devstack import services
from devstack.hub_clients import Agent, Customer, new_cid


def test_reservation_times_out_and_is_offered_to_the_next_agent(start_hub):
    hub = start_hub(reservation_s=2, escalate_s=60)
    agent1, agent2 = Agent(hub, "agent1"), Agent(hub, "agent2")
    try:
        cid = new_cid()
        rid = hub.handoff(cid).json()["request_id"]
        # Both are free and speak zh; the first offer goes to exactly one of them.
        first = agent1 if _has_offer(agent1, rid, 5) else agent2
        second = agent2 if first is agent1 else agent1
        offered_at = time.monotonic()
        withdrawn = first.frames.wait_for(lambda f: f.get("type") == "offer_withdrawn" and f["request_id"] == rid, 6)
        assert withdrawn["why"] == "timeout"
        second.offer(request_id=rid, timeout=3)
        waited = time.monotonic() - offered_at
        assert 1.5 < waited < 6.0, waited  # 2 s reservation; generous on a busy 2-core host
        late = first.accept(rid)
        assert late.status_code == 409 and late.json()["error"]["code"] == "not_offered"
        assert second.accept(rid).status_code == 200
        assert hub.status(cid)["owner"] == "agent"
    finally:
        agent1.close()
        agent2.close()


def _has_offer(agent: Agent, rid: str, timeout: float) -> bool:
    try:
        agent.offer(timeout=timeout, request_id=rid)
        return True
    except AssertionError:
        return False


def test_nobody_accepts_escalates_at_deadline_and_customer_can_ask_for_callback(start_hub):
    hub = start_hub(reservation_s=2, escalate_s=4, postgres=True)  # the record on PostgreSQL
    supervisor = Agent(hub, "supervisor", available=False)
    customer = Customer(hub)
    try:
        started = time.monotonic()
        answer = hub.handoff(customer.cid, language="en", reason="complaint")
        assert answer.status_code == 201 and answer.json()["position"] == 1
        notice = customer.event(lambda e: e.get("kind") == "escalated", timeout=10)
        elapsed = time.monotonic() - started
        assert 3.8 < elapsed < 7.0, elapsed  # 4 s escalation; generous on a busy 2-core host
        assert "busy" in notice["text"] and [b["payload"] for b in notice["buttons"]] == [
            "choice:callback", "choice:message", "choice:wait"]
        alert = supervisor.frames.wait_for(lambda f: f.get("type") == "alert", 5, "alert")
        assert alert["conversation_id"] == customer.cid and alert["kind"] == "escalated"
        overview = supervisor.http.get("/api/console/supervisor/overview").json()
        assert overview["queue"][0]["escalated"] is True
        assert hub.status(customer.cid)["escalated"] is True

        customer.send_raw('{"type": "choice", "choice": "callback"}')
        assert customer.status(lambda s: s["owner"] == "bot")
        # Nobody verified this customer: the hub asks for a number to call (tests/handoff/test_callbacks.py).
        customer.event(lambda e: e.get("kind") == "callback_ask_number")
        customer.send_raw('{"type": "callback_number", "number": "13912345678"}')
        customer.event(lambda e: e.get("kind") == "callback_promised_unverified")
        assert supervisor.http.get("/api/console/supervisor/overview").json()["queue"] == []
        engine = create_engine(hub.database_url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT escalated, customer_choice FROM hub_handoffs")).one()
        engine.dispose()
        assert row.escalated and row.customer_choice == "callback"
    finally:
        customer.close()
        supervisor.close()


def test_two_agents_accepting_the_same_request_exactly_one_wins(start_hub):
    # After escalation a request is offered to every free agent at once: a real race.
    hub = start_hub(reservation_s=30, escalate_s=1)
    agent1, agent2 = Agent(hub, "agent1"), Agent(hub, "agent2")
    try:
        for _ in range(4):
            cid = new_cid()
            rid = hub.handoff(cid).json()["request_id"]
            agent1.offer(request_id=rid, timeout=6)
            agent2.offer(request_id=rid, timeout=6)
            barrier = threading.Barrier(2)
            results: dict[str, httpx.Response] = {}

            def accept(agent: Agent, rid: str, barrier: threading.Barrier, results: dict) -> None:
                barrier.wait()
                results[agent.username] = agent.accept(rid)

            threads = [threading.Thread(target=accept, args=(a, rid, barrier, results)) for a in (agent1, agent2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            codes = sorted(r.status_code for r in results.values())
            assert codes == [200, 409], {k: r.text for k, r in results.items()}
            winner = next(name for name, r in results.items() if r.status_code == 200)
            loser = next(r for r in results.values() if r.status_code == 409)
            assert loser.json()["error"]["code"] == "already_taken"
            assert hub.status(cid)["owner"] == "agent"
            winner_agent = agent1 if winner == "agent1" else agent2
            assert winner_agent.http.post(f"/api/console/conversations/{cid}/close").status_code == 200
    finally:
        agent1.close()
        agent2.close()


def test_hub_restart_mid_queue_loses_no_request_timer_or_message(start_hub):
    hub = start_hub(reservation_s=3, escalate_s=3)
    cids = [new_cid() for _ in range(3)]
    rids = [hub.handoff(cid).json()["request_id"] for cid in cids]
    for n, cid in enumerate(cids):
        response = httpx.post(f"{hub.url}/api/conversations/{cid}/messages",
                              json={"text": f"还在吗{n}", "client_msg_id": f"m{n}"}, headers=services.HUB_KEY,
                              timeout=10)
        assert response.status_code == 202 and response.json()["owner"] == "queued"
    before = [hub.status(cid) for cid in cids]
    assert [s["position"] for s in before] == [1, 2, 3]

    hub.restart(down_s=3.5)  # the escalation deadline passes while the hub is down

    after = [hub.status(cid) for cid in cids]
    assert [s["owner"] for s in after] == ["queued"] * 3 and [s["position"] for s in after] == [1, 2, 3]
    deadline = time.monotonic() + 5  # the durable escalation timer fires after the restart
    while not all(hub.status(cid)["escalated"] for cid in cids) and time.monotonic() < deadline:
        time.sleep(0.2)
    for cid in cids:
        events = httpx.get(f"{hub.url}/api/conversations/{cid}/events", params={"after": 0, "wait": 0},
                           headers=services.HUB_KEY, timeout=10).json()["events"]
        assert [e.get("kind") for e in events].count("escalated") == 1, events

    agent = Agent(hub, "agent1")  # capacity 3: all three are offered, oldest first
    try:
        offered = [agent.offer(timeout=5)["request_id"] for _ in range(3)]
        assert sorted(offered) == sorted(rids)
        for rid in offered:
            assert agent.accept(rid).status_code == 200
        for n, cid in enumerate(cids):
            texts = [e["text"] for e in agent.conversation(cid)["transcript"] if e["sender"] == "customer"]
            assert texts == [f"还在吗{n}"]
    finally:
        agent.close()


def test_supervisor_takes_over_a_live_conversation(start_hub):
    hub = start_hub(postgres=True)
    agent, supervisor = Agent(hub, "agent1"), Agent(hub, "supervisor", available=False)
    customer = Customer(hub)
    try:
        hub.handoff(customer.cid)
        assert agent.accept(agent.offer()["request_id"]).status_code == 200
        live = supervisor.http.get("/api/console/supervisor/overview").json()["live"]
        assert [(c["conversation_id"], c["agent"]) for c in live] == [(customer.cid, "agent1")]
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/takeover").status_code == 403

        assert supervisor.http.post(f"/api/console/conversations/{customer.cid}/takeover").status_code == 200
        taken = agent.frames.wait_for(lambda f: f.get("type") == "conversation_taken", 5, "conversation_taken")
        assert taken["conversation_id"] == customer.cid
        refused = agent.reply(customer.cid, "我还在")
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_conversation"
        assert supervisor.reply(customer.cid, "我是主管，由我来处理。").status_code == 200
        assert customer.event(lambda e: e.get("sender") == "agent")["agent_name"] == "周主管"
        assert customer.status(lambda s: s.get("agent_name") == "周主管")
        assert agent.http.get("/api/console/me").json()["load"] == 0
    finally:
        customer.close()
        agent.close()
        supervisor.close()


def test_console_sessions_expire(start_hub):
    hub = start_hub(HANDOFF_SESSION_TTL_S=2)
    client = httpx.Client(base_url=hub.url)
    assert client.post("/api/console/login", json={"username": "agent2",
                                                   "password": hub.passwords["agent2"]}).status_code == 200
    assert client.get("/api/console/me").status_code == 200
    time.sleep(2.5)
    expired = client.get("/api/console/me")
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "not_signed_in"
