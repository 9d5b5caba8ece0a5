"""小额秒赔 through the real upload route: a photo of a medical invoice is read by the OCR and the claim moves by
what was read. A real policy API process (SQLite), real OCR, invoices drawn for each test with known fields."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.materials import (
    MaterialsApi,
    claim_status,
    invoice_photo,
    materials_api,
    open_claim,
    upload,
    wait_for_status,
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MaterialsApi]:
    # Payouts settle in a second here; the default target (1 h) is what a real gateway gets.
    env = {"CLAIM_PAYOUT_SETTLE_S": "1", "CLAIM_PAYOUT_POLL_S": "1"}
    with materials_api("sqlite", tmp_path_factory.mktemp("invoice_review"), env) as server:
        yield server


def test_a_matching_invoice_is_approved_and_paid(api: MaterialsApi) -> None:
    with api.client("C0001") as client:
        claim = open_claim(client, "1234.50")
        assert claim["fast_track"] is True
        response = upload(client, claim["claim_number"], invoice_photo("1234.50", "0031415926"))
        assert response.status_code == 201, response.text
        material = response.json()
        assert material["status"] == "accepted", material
        assert material["findings"]["amount"] == "1234.50"
        paid = wait_for_status(client, claim["claim_number"], "paid")
    stages = [entry["status"] for entry in paid["timeline"]]
    assert stages == ["reported", "reviewing", "paying", "paid"], paid["timeline"]


def test_a_mismatched_amount_goes_to_an_adjuster(api: MaterialsApi) -> None:
    with api.client("C0001") as client:
        claim = open_claim(client, "2000")
        material = upload(client, claim["claim_number"], invoice_photo("1234.50", "0027182818", seed=8)).json()
        assert material["status"] == "reviewing", material
        assert "理赔专员" in material["problem"] and "adjuster" in material["problem"]
        assert claim_status(client, claim["claim_number"])["status"] == "reviewing"


def test_an_invoice_paid_once_is_not_paid_again(api: MaterialsApi) -> None:
    with api.client("C0001") as client:
        first = open_claim(client, "880")
        assert upload(client, first["claim_number"], invoice_photo("880.00", "0016180339", seed=9)).json()["status"] \
            == "accepted"
        # Another photo of the same invoice on a second claim that would otherwise pass every check.
        second = open_claim(client, "880")
        material = upload(client, second["claim_number"], invoice_photo("880.00", "0016180339", seed=10)).json()
        assert material["status"] == "reviewing", material
        assert claim_status(client, second["claim_number"])["status"] == "reviewing"


def test_a_blurred_photo_is_asked_again(api: MaterialsApi) -> None:
    blurred = invoice_photo("300", "0014142135", seed=11, blur=6, quality=60)
    with api.client("C0001") as client:
        claim = open_claim(client, "300")
        material = upload(client, claim["claim_number"], blurred).json()
    assert material["status"] == "retake", material
    assert "请重新拍摄" in material["problem"]
