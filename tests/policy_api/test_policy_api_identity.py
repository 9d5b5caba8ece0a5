import time

import httpx
import pytest
from policy_api_testkit import error_code

MISMATCH = {"error": {"code": "identity_mismatch", "message": "The identity details do not match our records."}}


@pytest.mark.parametrize(
    "payload",
    [
        {"phone": "13800138000", "id_last4": "1234"},
        {"policy_number": "HL20240001", "id_last4": "1234"},
        {"policy_number": "AU20240002", "id_last4": "1234"},
        {"phone": "138 0013 8000", "id_last4": " 1234 "},
        {"phone": "138-0013-8000", "id_last4": "1234"},
        {"phone": "+86 138 0013 8000", "id_last4": "1234"},
        {"phone": "+8613800138000", "id_last4": "1234"},
        {"phone": "１３８００１３８０００", "id_last4": "１２３４"},  # full-width digits
        {"policy_number": "hl-2024-0001", "id_last4": "1234"},
        {"policy_number": " hl 2024 0001 ", "id_last4": "1234"},
        {"policy_number": "ＨＬ２０２４０００１", "id_last4": "1234"},
        {"policy_number": "HL20240001", "phone": "13800138000", "id_last4": "1234"},
    ],
)
def test_verify_c0001(client: httpx.Client, payload: dict) -> None:
    r = client.post("/v1/identity/verify", json={**payload, "conversation_id": "c-test"})
    assert r.status_code == 200, r.text
    body = r.json()
    token, expires = body.pop("customer_token"), body.pop("token_expires_at")
    assert body == {
        "customer_id": "C0001", "name": "王芳", "preferred_language": "zh", "phone_masked": "138****8000",
    }
    assert 29 * 60 <= expires - time.time() <= 30 * 60 + 5  # 30 idle minutes
    # The token is her key to her data, and only hers.
    mine = client.get("/v1/customers/C0001/policies", headers={"X-Customer-Token": token})
    assert mine.status_code == 200 and mine.headers["X-Customer-Token"]
    assert client.get("/v1/customers/C0002", headers={"X-Customer-Token": token}).status_code == 403


def test_verify_c0002_by_policy(client: httpx.Client) -> None:
    r = client.post("/v1/identity/verify", json={"policy_number": "LF20230007", "id_last4": "5678"})
    assert r.status_code == 200
    assert {k: v for k, v in r.json().items() if k not in ("customer_token", "token_expires_at")} == {
        "customer_id": "C0002", "name": "John Smith", "preferred_language": "en", "phone_masked": "139****9000",
    }


@pytest.mark.parametrize("last4", ["123x", "123X", "１２３ｘ"])
def test_id_last4_x_is_case_insensitive(client: httpx.Client, extra_data, last4: str) -> None:
    r = client.post("/v1/identity/verify", json={"phone": "13700137000", "id_last4": last4})
    assert r.status_code == 200, r.text
    assert r.json()["customer_id"] == "C0099"
    assert r.json()["phone_masked"] == "137****7000"


@pytest.mark.parametrize(
    "payload",
    [
        {"phone": "13800138000", "id_last4": "4321"},  # wrong last4
        {"phone": "13800138000", "id_last4": "5678"},  # someone else's last4
        {"phone": "13600136000", "id_last4": "1234"},  # unknown phone
        {"phone": "12345", "id_last4": "1234"},  # not a phone number at all
        {"policy_number": "HL20249999", "id_last4": "1234"},  # unknown policy
        {"policy_number": "LF20230007", "id_last4": "1234"},  # John's policy, Wang's digits
        {"policy_number": "HL20240001", "phone": "13900139000", "id_last4": "1234"},  # two different people
    ],
)
def test_mismatch_is_one_uniform_401(client: httpx.Client, payload: dict) -> None:
    r = client.post("/v1/identity/verify", json=payload)
    assert r.status_code == 401
    assert r.json() == MISMATCH


@pytest.mark.parametrize("payload", [{"id_last4": "1234"}, {"phone": "  ", "policy_number": "", "id_last4": "1234"}])
def test_neither_phone_nor_policy_is_422(client: httpx.Client, payload: dict) -> None:
    r = client.post("/v1/identity/verify", json=payload)
    assert r.status_code == 422
    assert error_code(r) == "invalid_request"
