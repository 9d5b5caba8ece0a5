from datetime import date, timedelta

import httpx
from policy_api_testkit import ApiServer, error_code


def _due(client: httpx.Client, customer: str = "C0001") -> list[dict]:
    r = client.get(f"/v1/customers/{customer}/premiums/due")
    assert r.status_code == 200
    return r.json()["premiums"]


def test_premiums_due(client: httpx.Client) -> None:
    [hl] = _due(client)
    assert hl["policy_number"] == "HL20240001"
    assert hl["amount"] == 1200
    assert hl["days_until_due"] == 10
    assert hl["due_date"] == (date.today() + timedelta(days=10)).isoformat()
    assert hl["status"] == "due"
    assert (hl["product_name_zh"], hl["product_name_en"]) == ("安心医疗险", "Anxin Medical Insurance")


def test_premiums_due_c0002(client: httpx.Client) -> None:
    [lf] = _due(client, "C0002")
    assert lf["policy_number"] == "LF20230007"
    assert lf["days_until_due"] == 200
    assert lf["amount"] == 3600


def test_pay_premium_end_to_end(client: httpx.Client, anon: httpx.Client, api_server: ApiServer) -> None:
    [hl] = _due(client)
    r = client.post(f"/v1/premiums/{hl['premium_id']}/payments", json={"customer_id": "C0001"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "pending"
    assert created["amount"] == 1200
    assert created["payment_url"] == f"{api_server.base_url}/pay/{created['payment_id']}"
    assert len(created["payment_id"]) >= 16

    page = anon.get(created["payment_url"])  # the gateway page needs no API key
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "确认支付" in page.text and "Pay" in page.text
    assert "HL20240001" in page.text and "1,200.00" in page.text
    assert f'action="/pay/{created["payment_id"]}/confirm"' in page.text

    status = client.get(f"/v1/payments/{created['payment_id']}").json()
    assert (status["status"], status["paid_at"], status["policy_number"]) == ("pending", None, "HL20240001")

    confirm = anon.post(f"/pay/{created['payment_id']}/confirm", headers={"Accept": "application/json"})
    assert confirm.status_code == 200
    assert confirm.json() == {"payment_id": created["payment_id"], "status": "paid"}
    # idempotent
    again = anon.post(f"/pay/{created['payment_id']}/confirm", headers={"Accept": "application/json"})
    assert again.json() == {"payment_id": created["payment_id"], "status": "paid"}

    status = client.get(f"/v1/payments/{created['payment_id']}").json()
    assert status["status"] == "paid" and status["paid_at"]

    # the next premium moves on by a year
    [nxt] = _due(client)
    assert nxt["policy_number"] == "HL20240001"
    assert nxt["premium_id"] != hl["premium_id"]
    assert 360 <= nxt["days_until_due"] <= 380
    detail = client.get("/v1/policies/HL20240001").json()
    assert detail["next_premium"]["premium_id"] == nxt["premium_id"]

    # paying the settled premium again
    r = client.post(f"/v1/premiums/{hl['premium_id']}/payments", json={"customer_id": "C0001"})
    assert r.status_code == 409
    assert error_code(r) == "premium_already_paid"


def test_browser_confirm_gets_html(client: httpx.Client, anon: httpx.Client) -> None:
    [hl] = _due(client)
    pid = client.post(f"/v1/premiums/{hl['premium_id']}/payments", json={"customer_id": "C0001"}).json()["payment_id"]
    r = anon.post(f"/pay/{pid}/confirm", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "支付成功" in r.text and "Paid" in r.text
    assert "已支付" in anon.get(f"/pay/{pid}").text


def test_second_link_cannot_pay_twice(client: httpx.Client, anon: httpx.Client) -> None:
    [hl] = _due(client)
    first, second = (
        client.post(f"/v1/premiums/{hl['premium_id']}/payments", json={"customer_id": "C0001"}).json()["payment_id"]
        for _ in range(2)
    )
    assert first != second
    assert anon.post(f"/pay/{first}/confirm").status_code == 200
    r = anon.post(f"/pay/{second}/confirm")
    assert r.status_code == 409
    assert error_code(r) == "premium_already_paid"
    assert client.get(f"/v1/payments/{second}").json()["status"] == "pending"


def test_someone_elses_premium_is_403(client: httpx.Client) -> None:
    [hl] = _due(client)
    r = client.post(f"/v1/premiums/{hl['premium_id']}/payments", json={"customer_id": "C0002"})
    assert r.status_code == 403
    assert error_code(r) == "premium_not_owned"


def test_unknown_premium_and_payment(client: httpx.Client, anon: httpx.Client) -> None:
    r = client.post("/v1/premiums/99999999/payments", json={"customer_id": "C0001"})
    assert r.status_code == 404
    assert error_code(r) == "premium_not_found"
    assert error_code(client.get("/v1/payments/nope")) == "payment_not_found"
    r = anon.get("/pay/nope")
    assert r.status_code == 404
    assert error_code(r) == "payment_not_found"
    assert anon.post("/pay/nope/confirm").status_code == 404


def test_premium_id_must_be_an_integer(client: httpx.Client) -> None:
    r = client.post("/v1/premiums/abc/payments", json={"customer_id": "C0001"})
    assert r.status_code == 422
    assert error_code(r) == "invalid_request"
