from datetime import date, timedelta

import httpx
import pytest
from policy_api_testkit import error_code


def test_customer_is_masked(client: httpx.Client) -> None:
    r = client.get("/v1/customers/C0001")
    assert r.status_code == 200
    assert r.json() == {
        "customer_id": "C0001",
        "name": "王芳",
        "phone_masked": "138****8000",
        "id_number_masked": "**************1234",
        "preferred_language": "zh",
    }


def test_unknown_customer(client: httpx.Client) -> None:
    r = client.get("/v1/customers/C9999")
    assert r.status_code == 404
    assert error_code(r) == "customer_not_found"
    assert error_code(client.get("/v1/customers/C9999/policies")) == "customer_not_found"


def test_policy_list(client: httpx.Client) -> None:
    r = client.get("/v1/customers/C0001/policies")
    assert r.status_code == 200
    policies = {p["policy_number"]: p for p in r.json()["policies"]}
    assert set(policies) == {"HL20240001", "AU20240002"}
    hl = policies["HL20240001"]
    assert hl["insurance_type"] == "health"
    assert (hl["product_name_zh"], hl["product_name_en"]) == ("安心医疗险", "Anxin Medical Insurance")
    assert hl["status"] == "active"
    assert set(hl) == {"policy_number", "insurance_type", "product_name_zh", "product_name_en", "status",
                       "start_date", "end_date"}
    assert policies["AU20240002"]["end_date"] == (date.today() + timedelta(days=25)).isoformat()
    john = client.get("/v1/customers/C0002/policies").json()["policies"]
    assert {p["policy_number"] for p in john} == {"LF20230007", "AU20230009"}


def test_policy_detail(client: httpx.Client) -> None:
    r = client.get("/v1/policies/HL20240001", params={"customer_id": "C0001"})
    assert r.status_code == 200
    body = r.json()
    assert body["policy_number"] == "HL20240001"
    assert body["insured_name"] == "王芳"
    assert body["sum_insured"] == 1_000_000
    assert body["annual_premium"] == 1200
    assert body["payment_frequency"] == "annual"
    nxt = body["next_premium"]
    assert nxt["amount"] == 1200
    assert nxt["days_until_due"] == 10
    assert nxt["due_date"] == (date.today() + timedelta(days=10)).isoformat()
    assert isinstance(nxt["premium_id"], int)
    assert date.fromisoformat(body["start_date"]) <= date.today() <= date.fromisoformat(body["end_date"])


def test_fully_paid_policy_has_no_next_premium(client: httpx.Client) -> None:
    body = client.get("/v1/policies/AU20240002").json()
    assert body["next_premium"] is None
    assert body["annual_premium"] == 4800


def test_policy_number_is_normalised_in_path(client: httpx.Client) -> None:
    r = client.get("/v1/policies/hl20240001")
    assert r.status_code == 200
    assert r.json()["policy_number"] == "HL20240001"


def test_someone_elses_policy_is_403(client: httpx.Client) -> None:
    r = client.get("/v1/policies/LF20230007", params={"customer_id": "C0001"})
    assert r.status_code == 403
    assert error_code(r) == "policy_not_owned"


@pytest.mark.parametrize("number", ["HL2024", "H120240001", "HL202400011", "12345678AB", "HL2024000X"])
def test_malformed_policy_number(client: httpx.Client, number: str) -> None:
    r = client.get(f"/v1/policies/{number}")
    assert r.status_code == 422
    assert error_code(r) == "invalid_policy_number"


def test_unknown_policy_number(client: httpx.Client) -> None:
    r = client.get("/v1/policies/HL29990001", params={"customer_id": "C0001"})
    assert r.status_code == 404
    assert error_code(r) == "policy_not_found"


def test_renewals_within_30_days(client: httpx.Client) -> None:
    r = client.get("/v1/customers/C0001/renewals", params={"within_days": 30})
    assert r.status_code == 200
    assert r.json() == {
        "policies": [
            {
                "policy_number": "AU20240002",
                "product_name_zh": "安心车险",
                "product_name_en": "Anxin Auto Insurance",
                "insurance_type": "auto",
                "end_date": (date.today() + timedelta(days=25)).isoformat(),
                "days_left": 25,
                "renewal_premium": 4800,
            }
        ]
    }
    # default window is 30 days too
    assert client.get("/v1/customers/C0001/renewals").json() == r.json()


def test_renewal_windows(client: httpx.Client) -> None:
    def numbers(customer: str, days: int) -> list[str]:
        r = client.get(f"/v1/customers/{customer}/renewals", params={"within_days": days})
        return [p["policy_number"] for p in r.json()["policies"]]

    assert numbers("C0001", 24) == []
    assert numbers("C0001", 25) == ["AU20240002"]
    assert numbers("C0002", 30) == []
    assert numbers("C0002", 210) == ["AU20230009"]
    r = client.get("/v1/customers/C0001/renewals", params={"within_days": -1})
    assert r.status_code == 422
    assert error_code(r) == "invalid_request"
