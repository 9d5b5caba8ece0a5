"""Reminders in the app chat, end to end: the scheduler delivers through a real hub into the real
Rasa assistant; the customer, opening the chat afterwards, sees them, and replying leads to payment
and to renewal; "退订" in the chat stops further reminders."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import httpx

from desk_db.tables.reminders import OptOut
from devstack import services
from devstack.hub_clients import Customer
from devstack.tokens import app_token
from tests.outreach.conftest import open_db

CID = "app-C0001"


def run_once(stack, hub_url: str) -> dict:
    # 08:00 in Shanghai on the day the demo data was seeded: outside quiet hours, before any payment below.
    now = datetime.combine(date.today(), time(8, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    result = subprocess.run([services.APP_PYTHON, "-m", "outreach.run_once", "--now", now.isoformat(),
                             "--database-url", stack.database_url], cwd=services.ROOT, capture_output=True, text=True,
                            env={**os.environ, "OUTREACH_HUB_URL": hub_url, "HANDOFF_API_KEY": services.HUB_API_KEY},
                            timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def bot_text(customer: Customer, *needles: str, timeout: float = 90) -> dict:
    return customer.event(lambda e: e.get("sender") == "bot" and all(n in (e.get("text") or "") for n in needles),
                          timeout, f"bot reply with {needles}")


def payment_link(customer: Customer, policy_number: str) -> dict:
    event = customer.event(lambda e: e.get("sender") == "bot" and (e.get("custom") or {}).get("policy_number")
                           == policy_number, 90, f"payment link for {policy_number}")
    return event["custom"]


def test_reminder_reply_leads_to_payment_and_renewal(stack, hub) -> None:
    stack.reseed()
    report = run_once(stack, hub.url)
    assert sorted((c["kind"], c["step"]) for c in report["created"] if c["customer_id"] == "C0001") == \
        [("premium", 15), ("renewal", 30)]
    app = [d for d in report["deliveries"] if d["channel"] == "app"]
    assert [d["status"] for d in app] == ["sent", "sent"]

    # The customer was offline: opening the chat replays both reminders, with their buttons.
    customer = Customer(hub, cid=CID, token=app_token("C0001"))
    try:
        premium = bot_text(customer, "温馨提醒", "HL20240001", "1,200")
        renewal = bot_text(customer, "温馨提醒", "AU20240002", "4,800")
        assert [b["title"] for b in premium["buttons"]] == ["立即缴费", "退订"]
        assert [b["title"] for b in renewal["buttons"]] == ["续保", "退订"]

        # A retry of a delivery (same idempotency key) shows nothing twice.
        again = httpx.post(f"{hub.url}/api/conversations/{CID}/external", timeout=60, headers=services.HUB_KEY,
                           json={"intent": "EXTERNAL_premium_reminder", "idempotency_key": f"reminder-{app[0]['reminder_id']}-app",
                                 "entities": {"reminder_id": str(app[0]["reminder_id"])}})
        assert again.status_code == 200 and again.json()["duplicate"] is True

        # "立即缴费": she opened the chat signed in to the app (her token), so no identity questions:
        # straight to the payment link for the reminded premium.
        customer.send(premium["buttons"][0]["payload"])
        pay = payment_link(customer, "HL20240001")
        assert pay["type"] == "payment_link"
        assert not [e for e in customer.events() if "后4位" in (e.get("text") or "")]
        assert httpx.post(f"{stack.api_url}/pay/{pay['payment_id']}/confirm", timeout=20).status_code == 200

        # "续保": a renewal payment link; paying it renews the policy for a year.
        end_before = stack.api("GET", "/v1/policies/AU20240002").json()["end_date"]
        customer.send(renewal["buttons"][0]["payload"])
        link = payment_link(customer, "AU20240002")
        assert link["purpose"] == "renewal"
        assert httpx.post(f"{stack.api_url}/pay/{link['payment_id']}/confirm", timeout=20).status_code == 200
        end_after = date.fromisoformat(stack.api("GET", "/v1/policies/AU20240002").json()["end_date"])
        old = date.fromisoformat(end_before)
        assert end_after == old.replace(year=old.year + 1)

        # Both count as acted on; nothing is sent again.
        report = run_once(stack, hub.url)
        assert report["acted_on"] == 2 and report["created"] == []
        with open_db(stack.database_url) as db:
            assert all(r.acted_on_at is not None for r in db.reminders() if r.customer_id == "C0001")

        # "退订" in the chat: recorded, and honoured by the next pass.
        customer.send("退订")
        bot_text(customer, "已为您退订")
        with open_db(stack.database_url) as db, db.sessions() as s:
            (record,) = s.query(OptOut).filter_by(customer_id="C0001").all()
            assert (record.source, record.channels, record.detail) == ("chat", "all", CID)
    finally:
        customer.close()
    stack.reseed()


def test_hub_refuses_bad_events_and_a_down_assistant_leaves_the_delivery_pending(stack, start_hub) -> None:
    hub = start_hub(RASA_URL="http://127.0.0.1:9")
    url = f"{hub.url}/api/conversations/{CID}/external"
    body = {"intent": "EXTERNAL_premium_reminder", "entities": {"reminder_id": "1"}, "idempotency_key": "k-1"}
    assert httpx.post(url, json=body, timeout=10).status_code == 401
    key = services.HUB_KEY
    assert httpx.post(url, json={**body, "intent": "greet"}, headers=key, timeout=10).status_code == 422
    bad_cid = httpx.post(f"{hub.url}/api/conversations/x/external", json=body, headers=key, timeout=10)
    assert bad_cid.json()["error"]["code"] == "invalid_conversation_id"
    down = httpx.post(url, json=body, headers=key, timeout=30)
    assert down.status_code == 503 and down.json()["error"]["code"] == "bot_unavailable"

    stack.reseed()
    now = datetime.combine(date.today(), time(8, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    result = subprocess.run([services.APP_PYTHON, "-m", "outreach.run_once", "--now", now.isoformat(),
                             "--database-url", stack.database_url], cwd=services.ROOT, capture_output=True, text=True,
                            env={**os.environ, "OUTREACH_HUB_URL": hub.url, "HANDOFF_API_KEY": services.HUB_API_KEY},
                            timeout=180)
    report = json.loads(result.stdout)
    assert {d["status"] for d in report["deliveries"] if d["channel"] == "app"} == {"pending"}
    assert {d["status"] for d in report["deliveries"] if d["channel"] == "sms"} == {"sent"}
    with open_db(stack.database_url) as db:
        assert all(d.attempts == 1 and "503" in (d.last_error or "") for d in db.deliveries("app"))
    stack.reseed()


def test_english_reminder_arrives_live_and_stop_opts_out(stack, hub) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from desk_db.tables.policy import Premium

    stack.reseed()
    with open_db(stack.database_url) as db, db.sessions() as s:
        s.add(Premium(policy_number="LF20230007", due_date=date.today() + timedelta(days=3),
                      amount=Decimal("3600"), status="due"))
        s.commit()
    customer = Customer(hub, cid="app-C0002", token=app_token("C0002"))  # online when the reminder comes
    try:
        customer.status(lambda s: True)
        report = run_once(stack, hub.url)
        assert [(c["kind"], c["step"]) for c in report["created"] if c["customer_id"] == "C0002"] == [("premium", 7)]
        live = bot_text(customer, "Reminder:", "LF20230007", "CNY 3,600", "in 3 days")
        assert [b["title"] for b in live["buttons"]] == ["Pay now", "Unsubscribe"]
        customer.send("stop")
        bot_text(customer, "you won't get premium or renewal reminders")
        with open_db(stack.database_url) as db:
            with db.sessions() as s:
                (record,) = s.query(OptOut).filter_by(customer_id="C0002").all()
                assert (record.source, record.channels) == ("chat", "all")
            with db.sessions() as s:  # the next due premium, a week later: nothing is created for C0002
                s.add(Premium(policy_number="LF20230007", due_date=date.today() + timedelta(days=12),
                              amount=Decimal("3600"), status="due"))
                s.commit()
        report = run_once(stack, hub.url)
        assert report["created"] == [] and len(report["opted_out"]) == 1
    finally:
        customer.close()
    stack.reseed()
