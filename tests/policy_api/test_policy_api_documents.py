import httpx
import pytest
from policy_api_testkit import error_code


def _verify(client: httpx.Client, policy_number: str, code: str) -> httpx.Response:
    return client.post("/v1/documents/verify", json={"policy_number": policy_number, "verification_code": code})


@pytest.mark.parametrize("code", ["HX7K2M9Q", "hx7k2m9q", "HX7K-2M9Q", " hx7k 2m9q "])
def test_genuine(client: httpx.Client, code: str) -> None:
    r = _verify(client, "HL20240001", code)
    assert r.status_code == 200
    body = r.json()
    assert body["genuine"] is True
    assert body["policy_number"] == "HL20240001"
    assert (body["product_name_zh"], body["product_name_en"]) == ("安心医疗险", "Anxin Medical Insurance")
    assert body["insured_name_masked"] == "王*"
    assert body["start_date"] and body["end_date"] and body["issued_at"]
    assert "王芳" not in r.text


def test_latin_name_is_masked(client: httpx.Client) -> None:
    body = _verify(client, "LF20230007", "LT6W2C8M").json()
    assert body["genuine"] is True
    assert body["insured_name_masked"] == "J*** S****"


@pytest.mark.parametrize(
    ("policy_number", "code"),
    [
        ("HL20240001", "HX7K2M9X"),  # forged code
        ("HL20240001", "AQ3P8N4R"),  # another policy's genuine code
        ("HL20249999", "HX7K2M9Q"),  # unknown policy
    ],
)
def test_not_genuine_reveals_nothing(client: httpx.Client, policy_number: str, code: str) -> None:
    r = _verify(client, policy_number, code)
    assert r.status_code == 200
    assert r.json() == {"genuine": False}


@pytest.mark.parametrize(
    ("policy_number", "code", "expected"),
    [
        ("HL2024", "HX7K2M9Q", "invalid_policy_number"),
        ("HL20240001", "!!", "invalid_verification_code"),
        ("HL20240001", "", "invalid_verification_code"),
    ],
)
def test_malformed(client: httpx.Client, policy_number: str, code: str, expected: str) -> None:
    r = _verify(client, policy_number, code)
    assert r.status_code == 422
    assert error_code(r) == expected
