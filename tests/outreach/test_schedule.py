"""Reminder steps with a controllable clock: each step once, a missed step not sent late, quiet hours,
opt-out, paid premiums, and bad data that must not stop the pass. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from desk_db.tables.policy import Premium
from desk_db.tables.reminders import OptOut, Reminder
from outreach.steps import tightest_step
from reminder_records.optout import handle_inbound_sms, record_opt_out
from tests.outreach.conftest import BASE, Db, local

DUE = BASE + timedelta(days=20)
FAR = BASE + timedelta(days=400)


def test_tightest_step_reached() -> None:
    steps = (15, 7, 1)
    assert [tightest_step(DUE, DUE - timedelta(days=d), steps) for d in (16, 15, 8, 7, 2, 1, 0, -1)] == \
        [None, 15, 15, 7, 7, 1, 1, None]


def test_premium_reminded_once_at_each_step(db: Db) -> None:
    db.add_customer("C1")
    (premium_id,) = db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    # Several passes a day, every day from 20 days before the due date to the day after it.
    for days_before in range(20, -2, -1):
        for hour in (9, 13, 18):
            db.run(local(DUE - timedelta(days=days_before), hour))
    reminders = db.reminders()
    assert [(r.kind, r.ref, r.step) for r in reminders] == [("premium", str(premium_id), s) for s in (15, 7, 1)]
    # The first pass of the step's day sent it (09:00 local = 01:00 UTC).
    assert [r.sent_at.date() for r in reminders] == [DUE - timedelta(days=d) for d in (15, 7, 1)]
    texts = [m.text for m in db.outbox()]
    assert len(texts) == 3 and all("1,200.00" in t and str(DUE) in t and "HL30000001" in t for t in texts)
    assert all(m.phone == "13800138000" for m in db.outbox())


def test_renewal_reminded_at_30_7_1_days_in_the_customers_language(db: Db) -> None:
    db.add_customer("C2", phone="13900139000", language="en")
    end = BASE + timedelta(days=40)
    db.add_policy("AU30000002", "C2", end, [])
    for days_before in range(35, -1, -1):
        db.run(local(end - timedelta(days=days_before), 10))
    assert [(r.kind, r.step, r.language) for r in db.reminders()] == [("renewal", s, "en") for s in (30, 7, 1)]
    assert all(m.text.startswith("[Anxin Insurance] Your Anxin Medical Insurance (AU30000002) ends on")
               for m in db.outbox())
    assert len(db.outbox()) == 3


def test_a_step_missed_while_down_is_not_sent_late(db: Db) -> None:
    db.add_customer("C1")
    db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    db.run(local(DUE - timedelta(days=5)))  # the scheduler was down on day -15
    assert [r.step for r in db.reminders()] == [7]
    db.run(local(DUE - timedelta(days=4)))
    assert [r.step for r in db.reminders()] == [7] and len(db.outbox()) == 1


def test_no_sms_in_quiet_hours_sent_on_the_first_pass_after_8(db: Db) -> None:
    db.add_customer("C1")
    db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    day = DUE - timedelta(days=15)
    report = db.run(local(day, 21, 0))
    assert [d["status"] for d in report["deliveries"] if d["channel"] == "sms"] == ["deferred"]
    for hour, minute in ((23, 30), (3, 0), (7, 59)):
        when = local(day + timedelta(days=1) if hour < 21 else day, hour, minute)
        db.run(when)
        assert db.outbox() == []
    assert db.reminders()[0].sent_at is None  # the app channel's hub is down too
    db.run(local(day + timedelta(days=1), 8, 0))
    assert len(db.outbox()) == 1
    assert db.reminders()[0].sent_at == local(day + timedelta(days=1), 8, 0)
    # The app channel is not held back by quiet hours: it was tried at 21:00 (hub down: still pending).
    app = db.deliveries("app")[0]
    assert app.status == "pending" and app.attempts == 5 and "hub unreachable" in app.last_error


def test_quiet_hours_are_configurable(db: Db) -> None:
    from datetime import time
    from zoneinfo import ZoneInfo

    db.settings = db.settings.model_copy(update={"timezone": ZoneInfo("Europe/London"),
                                                 "quiet_start": time(22, 0), "quiet_end": time(7, 0)})
    db.add_customer("C1")
    db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    # 21:30 in Shanghai is 13:30 in London: not quiet there.
    db.run(local(DUE - timedelta(days=15), 21, 30))
    assert len(db.outbox()) == 1


def test_opt_out_by_sms_reply_is_honoured_at_once_and_recorded(db: Db) -> None:
    db.add_customer("C1")
    db.add_customer("C2", phone="13700137000")
    db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    db.run(local(DUE - timedelta(days=15), 22))  # created at night: the SMS waits for the morning
    with db.sessions() as s:
        # Nothing sent yet: a "TD" is no reply to our SMS and unsubscribes nobody.
        assert handle_inbound_sms(s, "13800138000", " TD ", local(DUE - timedelta(days=15), 23)) is None
    db.run(local(DUE - timedelta(days=14), 9))
    assert len(db.outbox()) == 1
    replied = local(DUE - timedelta(days=14), 10)
    with db.sessions() as s:
        assert handle_inbound_sms(s, "13800138000", "今天天气好", replied) is None
        # Another customer's number (ours sent them nothing) and a thread reference to an SMS that number
        # never got: refused.
        assert handle_inbound_sms(s, "13700137000", "TD", replied) is None
        assert handle_inbound_sms(s, "13800138000", "TD", replied, in_reply_to="reminder-999-sms") is None
        assert handle_inbound_sms(s, "13800138000", " TD ", replied) is not None
        s.commit()
    db.run(local(DUE - timedelta(days=7)))
    # The next step goes to the app, not to SMS.
    assert [r.step for r in db.reminders()] == [15, 7] and len(db.outbox()) == 1
    assert [d.channel for d in db.deliveries() if d.reminder_id == db.reminders()[1].id] == ["app"]
    with db.sessions() as s:
        (record,) = s.query(OptOut).all()
        assert (record.customer_id, record.channels, record.source) == ("C1", "sms", "sms")
        assert record.detail == f"138****8000 re reminder {db.reminders()[0].id}"
        assert record.created_at == replied


def test_opt_out_in_chat_stops_every_reminder(db: Db) -> None:
    db.add_customer("C1")
    db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    db.run(local(DUE - timedelta(days=15)))
    with db.sessions() as s:
        record_opt_out(s, "C1", "all", "chat", "app-C1", local(DUE - timedelta(days=10)))
        s.commit()
    report = db.run(local(DUE - timedelta(days=7)))
    assert report["created"] == [] and report["opted_out"] == ["premium " + db.reminders()[0].ref]
    assert [r.step for r in db.reminders()] == [15] and len(db.outbox()) == 1


def test_no_reminder_after_the_premium_is_paid_and_paying_counts_as_acted_on(db: Db) -> None:
    db.add_customer("C1")
    (premium_id,) = db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    db.run(local(DUE - timedelta(days=15)))
    paid_at = local(DUE - timedelta(days=12))
    with db.sessions() as s:
        premium = s.get(Premium, premium_id)
        premium.status, premium.paid_at = "paid", paid_at
        s.commit()
    for days_before in (7, 1, 0):
        db.run(local(DUE - timedelta(days=days_before)))
    (reminder,) = db.reminders()
    assert reminder.step == 15 and len(db.outbox()) == 1
    assert reminder.acted_on_at == paid_at
    # The app delivery (hub down, still open) is dropped once the premium is paid.
    assert db.deliveries("app")[0].status == "skipped_resolved"


def test_bad_data_is_recorded_and_the_pass_continues(db: Db) -> None:
    db.add_customer("C1", phone="12345")  # not a mobile number
    db.add_customer("C2", phone="13900139000")
    db.add_customer("C3", phone="13700137000")  # no policies at all
    db.add_policy("HL30000001", "C1", FAR, [(DUE, "due")])
    db.add_policy("HL30000002", "C2", FAR, [(DUE, "due")])
    db.add_policy("LF30000003", "C2", FAR, [])  # active, no premium schedule
    report = db.run(local(DUE - timedelta(days=15)))
    assert report["customers_without_policies"] == ["C3"]
    assert report["policies_without_schedule"] == ["LF30000003"]
    sms = {d.reminder_id: d for d in db.deliveries("sms")}
    by_customer = {r.customer_id: r for r in db.reminders()}
    assert sms[by_customer["C1"].id].status == "failed_invalid_phone"
    assert sms[by_customer["C2"].id].status == "sent"
    assert [m.phone for m in db.outbox()] == ["13900139000"]
    # Recorded once, not retried on every pass.
    db.run(local(DUE - timedelta(days=14)))
    again = {d.reminder_id: d for d in db.deliveries("sms")}[by_customer["C1"].id]
    assert (again.status, again.attempts) == ("failed_invalid_phone", 0) and db.count(Reminder) == 2
