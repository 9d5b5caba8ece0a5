"""Callbacks with the real stack (Rasa, the action server, the policy API, a hub process, Redis): a customer who
verified with the bot and chooses 稍后回电 is promised a call on her number on record, which the policy API gives
the hub with her own token; an agent claims it, sees that number, and closes it; the figures count it."""

from __future__ import annotations

import httpx

from devstack import services
from devstack.hub_clients import Agent, Customer


def test_a_verified_customer_is_called_back_on_her_number_on_record(stack, start_hub):
    hub = start_hub(reservation_s=30, escalate_s=2)
    customer = Customer(hub)
    try:
        customer.verify_with_bot()  # 王芳, C0001, 13800138000 on record
        customer.send("转人工")
        customer.event(lambda e: e.get("kind") == "escalated", 60, "escalation")  # nobody is on duty
        customer.send_raw('{"type": "choice", "choice": "callback"}')
        promised = customer.event(lambda e: e.get("kind") == "callback_promised_verified", 30, "promise")
        assert "138****8000" in promised["text"] and "30 分钟" in promised["text"]
        assert not any(e.get("kind") == "callback_ask_number" for e in customer.events())
    finally:
        customer.close()

    agent = Agent(hub, "agent1", available=False)
    try:
        listed = agent.http.get("/api/console/callbacks")
        assert "13800138000" not in listed.text
        made = next(c for c in listed.json()["callbacks"] if c["conversation_id"] == customer.cid)
        assert (made["phone_source"], made["customer_id"], made["phone_masked"]) == ("verified", "C0001", "138****8000")
        assert made["language"] == "zh" and made["reason"] == "request" and made["overdue"] is False
        claimed = agent.http.post(f"/api/console/callbacks/{made['callback_id']}/claim")
        assert claimed.status_code == 200 and claimed.json()["phone"] == "13800138000"
        closed = agent.http.post(f"/api/console/callbacks/{made['callback_id']}/close",
                                 json={"outcome": "done", "note": "已回电，客户问住院理赔"})
        assert closed.status_code == 200 and closed.json()["in_time"] is True
    finally:
        agent.close()
    figures = httpx.get(f"{hub.url}/api/figures", params={"days": 1}, headers=services.HUB_KEY, timeout=30).json()
    total = figures["total"]
    assert (total["callbacks"], total["callbacks_decided"], total["callbacks_within_deadline"]) == (1, 1, 1)
