import re
from datetime import date, datetime, timedelta

import httpx
import pytest
from policy_api_testkit import error_code

STAGES = {
    "reported": ("已报案", "Reported"),
    "reviewing": ("材料审核中", "Under review"),
    "paying": ("赔付中", "Payment in progress"),
    "paid": ("到账", "Paid out"),
}


def _guidance(client: httpx.Client, kind: str, **params) -> dict:
    r = client.get(f"/v1/claims/guidance/{kind}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    ("kind", "params", "eligible"),
    [
        ("health", {"amount": "5000"}, True),
        ("health", {"amount": "5000.00"}, True),
        ("health", {"amount": "5000.01"}, False),
        ("health", {"amount": "3200"}, True),
        ("auto", {"amount": "10000", "single_party": "true"}, True),
        ("auto", {"amount": "10000.01", "single_party": "true"}, False),
        ("auto", {"amount": "3000", "single_party": "false"}, False),
        ("auto", {"amount": "3000"}, None),  # single_party unknown
        ("auto", {"amount": "20000"}, False),  # too large either way
        ("health", {}, None),  # amount unknown
    ],
)
def test_fast_track_boundaries(client: httpx.Client, kind: str, params: dict, eligible: bool | None) -> None:
    fast = _guidance(client, kind, **params)["fast_track"]
    assert fast["eligible"] is eligible
    assert fast["limit"] == {"health": 5000, "auto": 10000}[kind]
    assert fast["reason_zh"] and fast["reason_en"]


def test_auto_unknown_single_party_reason(client: httpx.Client) -> None:
    fast = _guidance(client, "auto", amount=3000)["fast_track"]
    assert "single-party" in fast["reason_en"]
    assert "单方事故" in fast["reason_zh"]


@pytest.mark.parametrize("kind", ["life", "accident"])
def test_no_fast_track_for_life_and_accident(client: httpx.Client, kind: str) -> None:
    g = _guidance(client, kind, amount=100)
    assert g["fast_track"]["limit"] is None
    assert g["fast_track"]["eligible"] is False


@pytest.mark.parametrize("kind", ["health", "auto", "life", "accident"])
def test_guidance_content_is_bilingual(client: httpx.Client, kind: str) -> None:
    g = _guidance(client, kind)
    assert g["insurance_type"] == kind
    assert len(g["documents_zh"]) == len(g["documents_en"]) >= 4
    assert len(g["steps_zh"]) == len(g["steps_en"]) >= 3
    assert all(re.search(r"[\u4e00-\u9fff]", d) for d in g["documents_zh"])


def test_guidance_mentions_type_specific_documents(client: httpx.Client) -> None:
    assert any("invoice" in d.lower() for d in _guidance(client, "health")["documents_en"])
    assert any("driving licence" in d.lower() for d in _guidance(client, "auto")["documents_en"])
    assert any("death certificate" in d.lower() for d in _guidance(client, "life")["documents_en"])


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_guidance_rejects_non_positive_amount(client: httpx.Client, amount: str) -> None:
    r = client.get("/v1/claims/guidance/health", params={"amount": amount})
    assert r.status_code == 422
    assert error_code(r) == "invalid_amount"


def test_unknown_insurance_type(client: httpx.Client) -> None:
    r = client.get("/v1/claims/guidance/pet")
    assert r.status_code == 404
    assert error_code(r) == "unknown_insurance_type"


def _claim(**overrides) -> dict:
    body = {
        "customer_id": "C0001",
        "policy_number": "HL20240001",
        "incident_date": (date.today() - timedelta(days=2)).isoformat(),
        "amount": 800,
        "description": "发烧门诊 / Outpatient visit for fever",
    }
    return {**body, **overrides}


def test_open_claim(client: httpx.Client) -> None:
    r = client.post("/v1/claims", json=_claim())
    assert r.status_code == 201, r.text
    claim = r.json()
    assert re.fullmatch(rf"CL{date.today().year}\d{{4}}", claim["claim_number"])
    assert claim["claim_number"] not in {"CL20250001", "CL20250002"}
    assert claim["status"] == "reported"
    assert (claim["status_label_zh"], claim["status_label_en"]) == STAGES["reported"]
    assert claim["fast_track"] is True
    assert claim["amount"] == 800
    assert claim["insurance_type"] == "health"
    assert [e["status"] for e in claim["timeline"]] == ["reported"]
    assert [s["status"] for s in claim["next_steps"]] == ["reviewing", "paying", "paid"]

    fetched = client.get(f"/v1/claims/{claim['claim_number']}", params={"customer_id": "C0001"})
    assert fetched.status_code == 200
    assert fetched.json() == claim

    listed = client.get("/v1/customers/C0001/claims").json()["claims"]
    assert [c["claim_number"] for c in listed] == [claim["claim_number"], "CL20250001"]

    second = client.post("/v1/claims", json=_claim(amount=6000)).json()
    assert int(second["claim_number"][2:]) == int(claim["claim_number"][2:]) + 1
    assert second["fast_track"] is False  # health above 5,000


def test_auto_claim_fast_track_needs_single_party(client: httpx.Client) -> None:
    base = {"customer_id": "C0001", "policy_number": "AU20240002", "amount": 9000, "description": "追尾 / Rear-ended"}
    assert client.post("/v1/claims", json={**_claim(**base), "single_party": True}).json()["fast_track"] is True
    assert client.post("/v1/claims", json={**_claim(**base), "single_party": False}).json()["fast_track"] is False
    assert client.post("/v1/claims", json=_claim(**base)).json()["fast_track"] is False


TOMORROW = object()  # resolved inside the test


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"incident_date": TOMORROW}, 422, "invalid_incident_date"),
        ({"incident_date": "2000-01-01"}, 422, "invalid_incident_date"),  # before the policy started
        ({"incident_date": "not-a-date"}, 422, "invalid_request"),
        ({"amount": 1_000_000.01}, 422, "invalid_amount"),
        ({"amount": 0}, 422, "invalid_amount"),
        ({"amount": -5}, 422, "invalid_amount"),
        ({"amount": 100.001}, 422, "invalid_amount"),
        ({"amount": "1e40"}, 422, "invalid_amount"),
        ({"description": "   "}, 422, "invalid_description"),
        ({"description": "x" * 501}, 422, "invalid_description"),
        ({"policy_number": "LF20230007"}, 403, "policy_not_owned"),
        ({"policy_number": "HL29990001"}, 404, "policy_not_found"),
        ({"policy_number": "HL-2024"}, 422, "invalid_policy_number"),
    ],
)
def test_claim_rejections(client: httpx.Client, overrides: dict, status: int, code: str) -> None:
    # Tomorrow as of when the test runs, not when it was collected (a run that crosses midnight).
    overrides = {k: (date.today() + timedelta(days=1)).isoformat() if v is TOMORROW else v for k, v in overrides.items()}
    r = client.post("/v1/claims", json=_claim(**overrides))
    assert r.status_code == status, r.text
    assert error_code(r) == code


def test_description_of_500_chars_is_accepted(client: httpx.Client) -> None:
    assert client.post("/v1/claims", json=_claim(description="x" * 500)).status_code == 201


def test_claim_on_inactive_policy(client: httpx.Client, extra_data) -> None:
    r = client.post("/v1/claims", json=_claim(
        customer_id="C0099", policy_number="AC20200099",
        incident_date=(date.today() - timedelta(days=500)).isoformat(),
    ))
    assert r.status_code == 409
    assert error_code(r) == "policy_inactive"


def test_claim_status_reviewing(client: httpx.Client) -> None:
    r = client.get("/v1/claims/CL20250001", params={"customer_id": "C0001"})
    assert r.status_code == 200
    c = r.json()
    assert (c["policy_number"], c["insurance_type"], c["amount"]) == ("HL20240001", "health", 3200)
    assert (c["status"], c["status_label_zh"], c["status_label_en"]) == ("reviewing", "材料审核中", "Under review")
    assert c["fast_track"] is True
    assert c["reject_reason_zh"] is None and c["reject_reason_en"] is None
    assert [(e["status"], e["label_zh"], e["label_en"]) for e in c["timeline"]] == [
        ("reported", *STAGES["reported"]), ("reviewing", *STAGES["reviewing"]),
    ]
    reported, reviewing = (datetime.fromisoformat(e["at"]) for e in c["timeline"])
    assert reported < reviewing
    assert (datetime.now(reported.tzinfo) - reported).days == 5
    assert [(s["status"], s["label_zh"], s["label_en"]) for s in c["next_steps"]] == [
        ("paying", *STAGES["paying"]), ("paid", *STAGES["paid"]),
    ]


def test_claim_status_paid(client: httpx.Client) -> None:
    c = client.get("/v1/claims/CL20250002", params={"customer_id": "C0002"}).json()
    assert (c["status"], c["status_label_zh"], c["amount"]) == ("paid", "到账", 8000)
    assert [e["status"] for e in c["timeline"]] == ["reported", "reviewing", "paying", "paid"]
    times = [datetime.fromisoformat(e["at"]) for e in c["timeline"]]
    assert times == sorted(times)
    assert c["next_steps"] == []


def test_claim_lookup_errors(client: httpx.Client) -> None:
    r = client.get("/v1/claims/CL20250002", params={"customer_id": "C0001"})
    assert (r.status_code, error_code(r)) == (403, "claim_not_owned")
    r = client.get("/v1/claims/CL29990001")
    assert (r.status_code, error_code(r)) == (404, "claim_not_found")
    r = client.get("/v1/claims/XX123")
    assert (r.status_code, error_code(r)) == (422, "invalid_claim_number")
    assert client.get("/v1/claims/cl20250001").json()["claim_number"] == "CL20250001"


def test_claims_list(client: httpx.Client) -> None:
    [c] = client.get("/v1/customers/C0002/claims").json()["claims"]
    assert (c["claim_number"], c["status"], c["status_label_en"]) == ("CL20250002", "paid", "Paid out")
    assert error_code(client.get("/v1/customers/C9999/claims")) == "customer_not_found"
