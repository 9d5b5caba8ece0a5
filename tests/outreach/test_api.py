"""The policy API's reminder endpoints on a real server: reminder details, opt-out from chat and from
an SMS reply, renewal payment links that renew the policy once paid, and re-seeding with reminders."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from common.clock import utcnow
from desk_db.tables.policy import Premium
from desk_db.tables.reminders import OptOut, Reminder, ReminderDelivery
from devstack import services
from outreach.app_channel import HubAppChannel
from outreach.deliver import Channels
from outreach.runner import run_pass
from outreach.settings import Settings
from outreach.sms import OutboxSmsGateway
from tests.outreach.conftest import NO_HUB, Db, open_db


@pytest.fixture(params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[httpx.Client, Db]]:
    database = (services.postgres_database("outreach_api") if request.param == "postgres"
                else contextlib.nullcontext(f"sqlite:///{tmp_path / 'policy.db'}"))
    with database as url:
        services.seed(url)
        with services.policy_api(url) as base_url, open_db(url) as db, \
                httpx.Client(base_url=base_url, headers={"X-API-Key": services.API_KEY}, timeout=20,
                             auth=services.NamedCustomerAuth()) as client:
            yield client, db


def _pass(db: Db) -> dict:
    settings = Settings(database_url=db.url)
    channels = Channels(sms=OutboxSmsGateway(db.sessions), app=HubAppChannel(NO_HUB, timeout_s=2))
    return run_pass(db.sessions, settings, utcnow(), channels)


def _sms_sent(db: Db, customer_id: str, policy_number: str) -> int:
    """A premium reminder SMS we sent this customer a minute ago; returns the reminder's id."""
    now = utcnow()
    with db.sessions() as s:
        premium = s.query(Premium).filter_by(policy_number=policy_number).first()
        reminder = Reminder(customer_id=customer_id, kind="premium", ref=str(premium.id), step=7, policy_number=policy_number,
                            due_date=date.today(), amount=3600, language="zh", created_at=now, sent_at=now)
        reminder.deliveries.append(ReminderDelivery(channel="sms", status="sent", created_at=now, sent_at=now,
                                                    updated_at=now))
        s.add(reminder)
        s.commit()
        return reminder.id


def test_reminder_details_for_the_assistant(api) -> None:
    client, db = api
    _pass(db)
    by_kind = {r.kind: r for r in db.reminders()}
    body = client.get(f"/v1/reminders/{by_kind['premium'].id}").json()
    assert body["customer_id"] == "C0001" and body["policy_number"] == "HL20240001" and body["step"] == 15
    assert body["product_name_en"] == "Anxin Medical Insurance" and body["amount"] == 1200
    renewal = client.get(f"/v1/reminders/{by_kind['renewal'].id}").json()
    assert renewal["policy_number"] == "AU20240002" and renewal["step"] == 30
    assert client.get("/v1/reminders/999999").json()["error"]["code"] == "reminder_not_found"
    assert client.get("/v1/reminders/1", headers={"X-API-Key": "wrong"}).status_code == 401
    # The demo data can be reset while reminders exist (their rows go with it).
    services.seed(db.url)
    assert db.reminders() == []


def test_opt_out_from_chat_and_from_an_sms_reply(api) -> None:
    client, db = api
    r = client.post("/v1/customers/C0001/opt-out", json={"channels": "all", "source": "chat", "detail": "app-C0001"})
    assert r.status_code == 201 and r.json()["channels"] == "all"
    assert client.post("/v1/customers/C9999/opt-out", json={}).json()["error"]["code"] == "customer_not_found"
    assert client.post("/v1/customers/C0001/opt-out", json={"channels": "email"}).status_code == 422
    # A "STOP" from John's number before we sent him any SMS answers nothing of ours: no opt-out.
    assert client.post("/v1/sms/inbound", json={"phone": "13900139000", "text": "STOP"}).json() == {"opted_out": False}
    reminder_id = _sms_sent(db, "C0002", "LF20230007")
    assert client.post("/v1/sms/inbound", json={"phone": "13900139000", "text": "你好"}).json() == {"opted_out": False}
    assert client.post("/v1/sms/inbound", json={"phone": "13111111111", "text": "TD"}).json() == {"opted_out": False}
    stop = {"phone": "13900139000", "text": "STOP", "in_reply_to": f"reminder-{reminder_id}-sms"}
    assert client.post("/v1/sms/inbound", json=stop).json() == {"opted_out": True}
    with db.sessions() as s:
        records = [(o.customer_id, o.channels, o.source, o.detail) for o in s.query(OptOut).order_by(OptOut.id)]
    assert records == [("C0001", "all", "chat", "app-C0001"),
                       ("C0002", "sms", "sms", f"139****9000 re reminder {reminder_id}")]
    report = _pass(db)
    assert all(c["customer_id"] != "C0001" for c in report["created"])
    assert report["opted_out"] and db.outbox() == []


def test_renewal_payment_renews_the_policy_once_paid(api) -> None:
    client, db = api
    before = client.get("/v1/policies/AU20240002").json()["end_date"]
    r = client.post("/v1/policies/AU20240002/renewal-payments", json={"customer_id": "C0001"})
    assert r.status_code == 201, r.text
    link = r.json()
    old_end = date.fromisoformat(before)
    assert link["current_end_date"] == before and link["amount"] == 4800
    assert link["new_end_date"] == old_end.replace(year=old_end.year + 1).isoformat()
    # Asking twice gives a new link for the same renewal, not a second one.
    again = client.post("/v1/policies/AU20240002/renewal-payments", json={"customer_id": "C0001"}).json()
    assert again["new_end_date"] == link["new_end_date"] and again["payment_id"] != link["payment_id"]
    assert client.post("/v1/policies/AU20240002/renewal-payments",
                       json={"customer_id": "C0002"}).json()["error"]["code"] == "policy_not_owned"
    assert client.post("/v1/policies/HL20240001/renewal-payments",
                       json={"customer_id": "C0001"}).json()["error"]["code"] == "not_in_renewal_window"

    assert client.post(f"/pay/{link['payment_id']}/confirm").status_code == 200
    assert client.get("/v1/policies/AU20240002").json()["end_date"] == link["new_end_date"]
    assert client.get("/v1/customers/C0001/renewals").json()["policies"] == []
    # The other link for the same period cannot be paid twice.
    assert client.post(f"/pay/{again['payment_id']}/confirm").json()["error"]["code"] == "premium_already_paid"
