"""The adjusters' routes and claim progress messages of a real policy API process (SQLite and PostgreSQL),
with the simulated payout gateway compressed to 1 s: the queue with findings, approve → 赔付中 → 到账 by the
background confirmation, reject with a listed reason, ask for materials; each action recorded with the adjuster;
amounts above the claim or the cover and decisions on a finished claim refused."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from policy_api_testkit import ApiServer, assert_no_pii, error_code
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.engine import make_engine
from desk_db.tables.policy import ClaimEvent
from devstack import services
from policy_api.seed import seed

FAST = {"CLAIM_PAYOUT_SETTLE_S": "1", "CLAIM_PAYOUT_POLL_S": "0.5"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    database = (services.postgres_database("adjuster_test") if request.param == "postgresql"
                else contextlib.nullcontext(f"sqlite:///{tmp_path_factory.mktemp('adjuster') / 'policy.db'}"))
    with database as url:
        seed(url)
        with services.policy_api(url, name=f"policy_api_adjuster_{request.param}", extra_env=FAST) as base_url:
            yield ApiServer(request.param, base_url, services.API_KEY, url)


@pytest.fixture
def adjuster(server: ApiServer) -> Iterator[httpx.Client]:
    seed(server.database_url)
    with httpx.Client(base_url=server.base_url, timeout=15, event_hooks={"response": [assert_no_pii]},
                      headers={"X-API-Key": server.api_key, "X-Adjuster": "zhao.min"}) as client:
        yield client


def customer_client(server: ApiServer, customer_id: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=15, headers=services.customer_headers(customer_id))


def file_claim(server: ApiServer, customer_id: str = "C0001", policy: str = "HL20240001", amount: int = 3000) -> str:
    with customer_client(server, customer_id) as client:
        response = client.post("/v1/claims", json={"policy_number": policy, "amount": amount, "description": "门诊",
                                                   "incident_date": (date.today() - timedelta(days=2)).isoformat()})
    assert response.status_code == 201, response.text
    return response.json()["claim_number"]


def events(server: ApiServer, number: str) -> list[ClaimEvent]:
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(ClaimEvent).where(ClaimEvent.claim_number == number)
                                        .order_by(ClaimEvent.id)))
    finally:
        engine.dispose()


def test_queue_shows_the_claims_waiting_with_their_findings(adjuster):
    response = adjuster.get("/v1/adjuster/claims")
    assert response.status_code == 200, response.text
    body = response.json()
    queued = {c["claim_number"]: c for c in body["claims"]}
    assert "CL20250002" not in queued  # paid long ago
    demo = queued["CL20250001"]
    assert demo["findings"]["invoice_number"] == "DEMO0001" and demo["problems"][0]["code"] == "amount_mismatch"
    assert demo["sum_insured"] == 1_000_000
    assert "not_covered" in body["reject_reasons"] and "invoice" in body["material_kinds"]


def test_approve_pays_out_and_the_customer_sees_each_step(server, adjuster):
    for amount in (3200.01, 0, -5, 1e9):
        refused = adjuster.post("/v1/adjuster/claims/CL20250001/approve", json={"amount": amount})
        assert refused.status_code == 422, refused.text
    assert error_code(adjuster.post("/v1/adjuster/claims/CL20250001/approve", json={"amount": 3200.01})) \
        == "claim_amount_refused"
    response = adjuster.post("/v1/adjuster/claims/CL20250001/approve", json={"amount": 3150, "note": "按发票核定"})
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["status"] == "paying" and detail["approved_amount"] == 3150
    assert detail["events"][-1]["actor"] == "adjuster:zhao.min" and "按发票核定" in detail["events"][-1]["note"]
    with customer_client(server, "C0001") as customer:
        deadline = time.monotonic() + 60
        while (claim := customer.get("/v1/claims/CL20250001").json())["status"] != "paid":
            assert time.monotonic() < deadline, claim
            time.sleep(0.5)
    assert [t["status"] for t in claim["timeline"]] == ["reported", "reviewing", "paying", "paid"]
    assert claim["approved_amount"] == 3150 and claim["next_steps"] == []
    stored = [(e.status, e.at) for e in events(server, "CL20250001") if e.kind == "status"]
    assert [(t["status"], t["at"][:19]) for t in claim["timeline"]] == [(s, at.isoformat()[:19]) for s, at in stored]
    paid = [e for e in events(server, "CL20250001") if e.status == "paid"][0]
    update = adjuster.get(f"/v1/claim-updates/{paid.id}").json()
    assert update["customer_id"] == "C0001" and update["language"] == "zh"
    assert "CL20250001" in update["text"] and "3,150.00" in update["text"] and "到账" in update["text"]
    again = adjuster.post("/v1/adjuster/claims/CL20250001/approve", json={"amount": 10})
    assert again.status_code == 409 and error_code(again) == "claim_not_decidable"


def test_reject_for_a_listed_reason_tells_the_customer_why(server, adjuster):
    number = file_claim(server, "C0002", "AU20230009", 20000)
    assert adjuster.post(f"/v1/adjuster/claims/{number}/reject",
                         json={"reason_code": "because", "text": "x"}).status_code == 422
    response = adjuster.post(f"/v1/adjuster/claims/{number}/reject",
                             json={"reason_code": "not_covered", "text": "改装件不在保障范围"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    rejected = [e for e in events(server, number) if e.status == "rejected"][0]
    assert rejected.actor == "adjuster:zhao.min"
    update = adjuster.get(f"/v1/claim-updates/{rejected.id}").json()
    assert update["language"] == "en" and "Not covered by the policy" in update["text"]
    assert update["claim"]["reject_reason_en"].startswith("Not covered")
    for path, body in (("approve", {"amount": 10}), ("reject", {"reason_code": "other"}),
                       ("request-materials", {"kinds": ["invoice"]})):
        refused = adjuster.post(f"/v1/adjuster/claims/{number}/{path}", json=body)
        assert refused.status_code == 409 and error_code(refused) == "claim_not_decidable"


def test_ask_for_materials_names_them(server, adjuster):
    number = file_claim(server)
    assert adjuster.post(f"/v1/adjuster/claims/{number}/request-materials", json={"kinds": []}).status_code == 422
    assert adjuster.post(f"/v1/adjuster/claims/{number}/request-materials",
                         json={"kinds": ["passport"]}).status_code == 422
    response = adjuster.post(f"/v1/adjuster/claims/{number}/request-materials",
                             json={"kinds": ["diagnosis", "itemised_bill"], "note": "缺明细"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "reviewing" and response.json()["review_queue"] == "materials"
    asked = [e for e in events(server, number) if e.kind == "materials_requested"][0]
    assert asked.actor == "adjuster:zhao.min"
    text = adjuster.get(f"/v1/claim-updates/{asked.id}").json()["text"]
    assert "诊断证明或病历" in text and "费用明细清单" in text
    reported = events(server, number)[0]  # answered in the conversation that filed it: no message of its own
    assert reported.status == "reported" and adjuster.get(f"/v1/claim-updates/{reported.id}").status_code == 404


def test_adjuster_routes_need_the_key_and_an_adjuster(server, adjuster):
    bare = httpx.post(f"{server.base_url}/v1/adjuster/claims/CL20250001/approve", json={"amount": 1}, timeout=10)
    assert bare.status_code == 401
    nameless = httpx.post(f"{server.base_url}/v1/adjuster/claims/CL20250001/approve", json={"amount": 1},
                          headers={"X-API-Key": server.api_key}, timeout=10)
    assert nameless.status_code == 422
    for name in ("Zhao Min", "../x", "a", "x" * 40):
        odd = adjuster.post("/v1/adjuster/claims/CL20250001/approve", json={"amount": 1}, headers={"X-Adjuster": name})
        assert odd.status_code == 422, name
    assert adjuster.get("/v1/adjuster/claims/CL99999999").status_code == 404
