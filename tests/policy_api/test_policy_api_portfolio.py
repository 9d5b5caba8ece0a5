"""保单整理 and the personal greeting's highlights, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
from policy_api_testkit import ApiServer, error_code
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.engine import make_engine
from desk_db.tables.policy import ClaimEvent, Customer, Policy, Premium


def _write(server: ApiServer, *rows: object) -> None:
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            for row in rows:
                session.merge(row)
                session.flush()
            session.commit()
    finally:
        engine.dispose()


def test_summary_sums_cover_per_insured_and_shows_gaps(client: httpx.Client) -> None:
    summary = client.get("/v1/customers/C0001/summary").json()
    today = date.today()
    assert (summary["policy_count"], summary["active_count"]) == (2, 2)
    assert summary["annual_premium_total"] == 6000  # 1,200 health + 4,800 auto
    assert (summary["next_due_policy_number"], summary["next_due_amount"]) == ("HL20240001", 1200)
    assert summary["next_due_date"] == (today + timedelta(days=10)).isoformat()
    [insured] = summary["insured"]
    assert insured["insured_name"] == "王芳"
    assert insured["sum_insured_by_type"] == {"auto": 300000, "health": 1000000}
    gaps = {(g["code"], g["policy_number"]) for g in summary["gaps"]}
    # The auto policy ends in 25 days; she holds no accident cover; health cover is there.
    assert gaps == {("policy_expiring", "AU20240002"), ("no_accident_cover", None)}
    assert next(g["days"] for g in summary["gaps"] if g["code"] == "policy_expiring") == 25


def test_summary_of_a_customer_without_policies(client: httpx.Client, demo_data: ApiServer) -> None:
    _write(demo_data, Customer(customer_id="C0077", name="赵敏", phone="13600136000",
                               id_number="110101199201011111", preferred_language="zh"))
    summary = client.get("/v1/customers/C0077/summary").json()
    assert (summary["policy_count"], summary["annual_premium_total"], summary["insured"]) == (0, 0, [])
    assert summary["next_due_date"] is None
    assert {g["code"] for g in summary["gaps"]} == {"no_health_cover", "no_accident_cover"}
    assert client.get("/v1/customers/C0077/highlights").json()["items"] == []


def test_overdue_and_lapsed_policies_are_gaps(client: httpx.Client, demo_data: ApiServer) -> None:
    today = date.today()
    _write(demo_data,
           Policy(policy_number="AC20250077", customer_id="C0002", insurance_type="accident",
                  product_name_zh="安心意外险", product_name_en="Anxin Accident Insurance", status="active",
                  start_date=today - timedelta(days=40), end_date=today + timedelta(days=325),
                  insured_name="Lucy Smith", sum_insured=Decimal(200_000), annual_premium=Decimal(180),
                  payment_frequency="annual"),
           Premium(policy_number="AC20250077", due_date=today - timedelta(days=5), amount=Decimal(180), status="due"),
           Policy(policy_number="HL20190077", customer_id="C0002", insurance_type="health",
                  product_name_zh="安心医疗险", product_name_en="Anxin Medical Insurance", status="lapsed",
                  start_date=today - timedelta(days=900), end_date=today + timedelta(days=195),
                  insured_name="John Smith", sum_insured=Decimal(500_000), annual_premium=Decimal(900),
                  payment_frequency="annual"))
    summary = client.get("/v1/customers/C0002/summary").json()
    gaps = {(g["code"], g["policy_number"], g["days"]) for g in summary["gaps"]}
    assert ("premium_overdue", "AC20250077", 5) in gaps
    assert ("policy_lapsed", "HL20190077", None) in gaps
    assert ("no_health_cover", None, None) in gaps  # a lapsed policy covers nothing
    # Two insured people; the lapsed policy adds nothing to John's active cover.
    by_name = {c["insured_name"]: c for c in summary["insured"]}
    assert set(by_name) == {"John Smith", "Lucy Smith"}
    assert "health" not in by_name["John Smith"]["sum_insured_by_type"]
    assert by_name["Lucy Smith"]["sum_insured_by_type"] == {"accident": 200000}
    overdue = [i for i in client.get("/v1/customers/C0002/highlights").json()["items"] if i["kind"] == "premium_due"]
    assert [(i["policy_number"], i["days"]) for i in overdue] == [("AC20250077", -5)]


def test_highlights_show_what_matters_now(client: httpx.Client, demo_data: ApiServer) -> None:
    items = client.get("/v1/customers/C0001/highlights").json()["items"]
    assert [i["kind"] for i in items] == ["premium_due", "claim_update", "policy_expiring"]
    premium, claim, expiring = items
    assert (premium["policy_number"], premium["amount"], premium["days"]) == ("HL20240001", 1200, 10)
    assert (claim["claim_number"], claim["claim_status"]) == ("CL20250001", "reviewing")  # moved 3 days ago
    assert (expiring["policy_number"], expiring["days"]) == ("AU20240002", 25)
    # John's claim was paid weeks ago and nothing of his is due: a plain welcome.
    assert client.get("/v1/customers/C0002/highlights").json()["items"] == []
    # The claim moves today: now it is news.
    engine = make_engine(demo_data.database_url)
    try:
        with Session(engine) as session:
            last = session.scalars(select(ClaimEvent).where(ClaimEvent.claim_number == "CL20250002")).all()[-1]
            last.at = datetime.now(UTC) - timedelta(hours=1)
            session.commit()
    finally:
        engine.dispose()
    items = client.get("/v1/customers/C0002/highlights").json()["items"]
    assert [(i["kind"], i["claim_number"], i["claim_status"]) for i in items] == [("claim_update", "CL20250002", "paid")]


def test_unknown_customer_has_no_summary(client: httpx.Client) -> None:
    assert error_code(client.get("/v1/customers/C9999/summary")) == "customer_not_found"
    assert error_code(client.get("/v1/customers/C9999/highlights")) == "customer_not_found"
