"""Filing a claim is safe to retry: the assistant's retry after a timeout, or two requests racing with
one Idempotency-Key, file one claim, not two. On SQLite and PostgreSQL (the `client` fixture)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
from policy_api_testkit import error_code

from devstack import services


def _claim(**overrides: object) -> dict:
    return {"customer_id": "C0001", "policy_number": "HL20240001",
            "incident_date": (date.today() - timedelta(days=2)).isoformat(), "amount": 800,
            "description": "发烧门诊 / Outpatient visit for fever", **overrides}


def _claim_numbers(client: httpx.Client, customer_id: str = "C0001") -> list[str]:
    return [c["claim_number"] for c in client.get(f"/v1/customers/{customer_id}/claims").json()["claims"]]


def test_claim_posted_twice_with_one_key_is_filed_once(client: httpx.Client) -> None:
    before = _claim_numbers(client)
    key = {"Idempotency-Key": "claim-test-retry-0001"}
    first = client.post("/v1/claims", json=_claim(), headers=key)
    again = client.post("/v1/claims", json=_claim(), headers=key)
    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert _claim_numbers(client) == [first.json()["claim_number"], *before]

    # Another claim is another key: filed.
    other = client.post("/v1/claims", json=_claim(amount=900), headers={"Idempotency-Key": "claim-test-retry-0002"})
    assert other.status_code == 201 and other.json()["claim_number"] != first.json()["claim_number"]
    # Without a key every request files (callers that do not retry).
    assert client.post("/v1/claims", json=_claim()).status_code == 201
    assert len(_claim_numbers(client)) == len(before) + 3


def test_same_key_with_another_body_is_refused(client: httpx.Client) -> None:
    key = {"Idempotency-Key": "claim-test-reused-0001"}
    first = client.post("/v1/claims", json=_claim(), headers=key)
    assert first.status_code == 201
    before = _claim_numbers(client)
    changed = client.post("/v1/claims", json=_claim(amount=4000), headers=key)
    assert changed.status_code == 409 and error_code(changed) == "idempotency_key_reused"
    assert _claim_numbers(client) == before
    bad = client.post("/v1/claims", json=_claim(), headers={"Idempotency-Key": "short"})
    assert bad.status_code == 422


def test_keys_are_scoped_per_customer(client: httpx.Client) -> None:
    key = {"Idempotency-Key": "claim-test-scope-0001"}
    hers = client.post("/v1/claims", json=_claim(), headers=key)
    his = client.post("/v1/claims", headers=key, json=_claim(customer_id="C0002", policy_number="LF20230007",
                                                            description="住院 / Hospital stay"))
    assert (hers.status_code, his.status_code) == (201, 201), his.text
    assert his.json()["claim_number"] != hers.json()["claim_number"]
    assert his.json()["claim_number"] in _claim_numbers(client, "C0002")


def test_concurrent_requests_with_one_key_file_one_claim(client: httpx.Client) -> None:
    before = _claim_numbers(client)
    headers = {**client.headers, "X-Customer-Token": services.customer_token("C0001"),
               "Idempotency-Key": "claim-test-race-0001"}

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{client.base_url}/v1/claims", json=_claim(), headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["claim_number"] for r in responses}) == 1
    assert _claim_numbers(client) == [responses[0].json()["claim_number"], *before]
