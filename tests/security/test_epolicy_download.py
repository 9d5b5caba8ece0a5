"""E-policy download and 验真 through real processes: the policy API (seeded SQLite) and the hub (real Redis),
spoken to over HTTP as the bot and a customer's browser do.

The link is the policy API's signed grant; the hub checks it, claims it once in Redis and fetches the PDF
(the policy API checks the link again and prints one copy per link). What is attacked here: someone else's
policy, altered and forged links, expired and reused links, the print route without the link, an altered
PDF or code at 验真, and guessing codes on the public 验真 page."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pypdf
import pypdfium2
import pytest
import zxingcpp

from devstack import services
from policy_api.epolicy_pdf import EpolicyFacts, render
from policy_api.seed import seed
from service_auth.epolicy_links import LinkSigner
from tests.security.standalone_hub import hub_without_bot

SECRET = secrets.token_urlsafe(32)
TTL_S = 120  # not the default: the link's lifetime is the configured one
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
CODE = re.compile(r"Verification code\s+([A-Z0-9]{8})")


@dataclass(frozen=True)
class Desk:
    api: str
    hub: str
    hub_db: str


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    workdir = tmp_path_factory.mktemp("epolicy")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    seed(database_url)
    api_port = services.free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    with hub_without_bot(workdir, POLICY_API_URL=api_url, EPOLICY_LINK_SECRET=SECRET) as hub, \
            services.policy_api(database_url, port=api_port, extra_env={
                "EPOLICY_LINK_SECRET": SECRET, "EPOLICY_LINK_TTL_S": str(TTL_S), "HUB_PUBLIC_URL": hub.url}):
        yield Desk(api_url, hub.url, str(workdir / "hub.db"))


def ask_link(desk: Desk, policy_number: str, customer_id: str) -> httpx.Response:
    """What the bot's action does for a verified customer."""
    return httpx.post(f"{desk.api}/v1/policies/{policy_number}/epolicy-link", json={},
                      headers=services.customer_headers(customer_id), timeout=15)


def link_of(desk: Desk, policy_number: str = "HL20240001", customer_id: str = "C0001") -> str:
    response = ask_link(desk, policy_number, customer_id)
    assert response.status_code == 200, response.text
    return response.json()["url"]


def download(url: str) -> httpx.Response:
    return httpx.get(url, timeout=60)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def verify(desk: Desk, number: str, code: str, pdf: bytes | None = None, **extra: str) -> httpx.Response:
    """The 验真 page's request (verify.js): the file's SHA-256 is computed where the file is."""
    body = {"policy_number": number, "verification_code": code, **extra}
    if pdf is not None:
        body["file_sha256"] = hashlib.sha256(pdf).hexdigest()
    return httpx.post(f"{desk.hub}/verify/epolicy", json=body, timeout=15)


def downloaded(desk: Desk) -> tuple[bytes, str]:
    response = download(link_of(desk))
    assert response.status_code == 200, response.text
    code = CODE.search(pdf_text(response.content))
    assert code, pdf_text(response.content)
    return response.content, code.group(1)


def test_verified_customer_downloads_her_epolicy_once_through_the_hub(desk: Desk) -> None:
    issued = ask_link(desk, "HL20240001", "C0001").json()
    url = issued["url"]
    assert url.startswith(f"{desk.hub}/epolicy/")  # the hub is the front door, never the policy API
    left = datetime.fromisoformat(issued["expires_at"].replace("Z", "+00:00")).timestamp() - time.time()
    assert issued["ttl_s"] == TTL_S and TTL_S - 60 < left <= TTL_S  # the configured lifetime, not the default

    response = download(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="epolicy-HL20240001.pdf"'
    assert "no-store" in response.headers["cache-control"]
    text = pdf_text(response.content)
    for printed in ("HL20240001", "安心医疗险", "Anxin Medical Insurance", "王芳", "¥1,000,000.00", "¥1,200.00",
                    "年缴", "至 / to"):
        assert printed in text, (printed, text)
    code = CODE.search(text).group(1)
    # The QR code, read off the rendered page as a phone would: the 验真 page, with this copy's code.
    page = pypdfium2.PdfDocument(response.content)[0].render(scale=3).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(page)] == [f"{desk.hub}/verify#p=HL20240001&c={code}"]

    again = download(url)
    assert again.status_code == 410 and "已使用" in again.text and "used already" in again.text
    with sqlite3.connect(desk.hub_db) as db:
        rows = db.execute("SELECT username, role, customer_id, action, subject FROM hub_audit "
                          "WHERE action = 'epolicy_download'").fetchall()
    assert ("customer", "customer", "C0001", "epolicy_download", "HL20240001") in rows


def test_a_link_opened_twice_at_once_serves_one_pdf(desk: Desk) -> None:
    url = link_of(desk, "AU20240002")
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(r.status_code for r in pool.map(download, [url] * 4))
    assert statuses == [200, 410, 410, 410]


def test_no_link_for_someone_elses_policy(desk: Desk) -> None:
    response = ask_link(desk, "LF20230007", "C0001")  # John Smith's policy, asked with 王芳's token
    assert response.status_code == 403 and response.json()["error"]["code"] == "policy_not_owned"
    assert "url" not in response.text


def test_link_needs_the_service_key_and_the_customers_token(desk: Desk) -> None:
    url = f"{desk.api}/v1/policies/HL20240001/epolicy-link"
    assert httpx.post(url, json={}, headers={"X-API-Key": services.API_KEY}).status_code == 401
    token = services.customer_token("C0001")
    assert httpx.post(url, json={}, headers={"X-Customer-Token": token}).status_code == 401


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_altered_and_forged_links_are_refused(desk: Desk) -> None:
    token = _token(link_of(desk))
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    other = _b64({**claims, "pol": "LF20230007", "sub": "C0002"})  # someone else's policy, same signature
    forged = LinkSigner("not-the-secret-" + "x" * 32).issue("C0002", "LF20230007", "attacker")[0]
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    customer_token = services.customer_token("C0001")  # another kind of token of ours is no link
    for bad in (f"{header}.{other}.{signature}", forged, unsigned, customer_token, token[:-3] + "abc",
                "x" * 2000, "..."):
        response = download(f"{desk.hub}/epolicy/{bad}")
        assert response.status_code == 404, (bad, response.status_code)
        assert response.headers["content-type"].startswith("text/html") and "%PDF" not in response.text
    assert download(f"{desk.hub}/epolicy/{token}").status_code == 200  # the genuine one still works once


def test_an_expired_link_is_refused_at_the_hub_and_at_the_policy_api(desk: Desk) -> None:
    stale, _ = LinkSigner(SECRET, ttl_s=TTL_S).issue("C0001", "HL20240001", "tests", now=time.time() - TTL_S - 5)
    response = download(f"{desk.hub}/epolicy/{stale}")
    assert response.status_code == 410 and "已过期" in response.text
    direct = httpx.post(f"{desk.api}/v1/documents/epolicy", json={"link": stale},
                        headers={"X-API-Key": services.API_KEY})
    assert direct.status_code == 410 and direct.json()["error"]["code"] == "epolicy_link_expired"


def test_the_print_route_prints_nothing_without_a_link_and_once_per_link(desk: Desk) -> None:
    route = f"{desk.api}/v1/documents/epolicy"
    key = {"X-API-Key": services.API_KEY}
    token = _token(link_of(desk))
    assert httpx.post(route, json={"link": token}).status_code == 401  # the link alone: no service key
    assert httpx.post(route, json={"link": "forged"}, headers=key).status_code == 403  # the key alone
    # A genuine grant for a policy that is not the named customer's (as if the policy had changed hands).
    moved, _ = LinkSigner(SECRET).issue("C0001", "LF20230007", "tests")
    assert httpx.post(route, json={"link": moved}, headers=key).json()["error"]["code"] == "policy_not_owned"
    first = httpx.post(route, json={"link": token}, headers=key, timeout=60)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    replay = httpx.post(route, json={"link": token}, headers=key, timeout=60)  # past the hub's Redis claim
    assert replay.status_code == 410 and replay.json()["error"]["code"] == "epolicy_link_used"


def test_the_downloaded_copy_verifies_and_an_altered_one_fails(desk: Desk) -> None:
    pdf, code = downloaded(desk)
    genuine = verify(desk, "HL20240001", code).json()
    assert genuine["genuine"] is True and genuine["insured_name_masked"] != "王芳"
    assert genuine["sum_insured"] == 1_000_000 and "file_checked" in genuine
    checked = verify(desk, "HL20240001", code, pdf).json()
    assert checked["genuine"] is True and checked["file_checked"] is True

    # The code altered (on paper or in the file): not ours.
    other_code = ("A" if code[0] != "A" else "B") + code[1:]
    assert verify(desk, "HL20240001", other_code).json() == {"genuine": False}
    # The file re-made with a higher sum insured and the genuine code: its bytes are not the copy we printed.
    facts = EpolicyFacts("HL20240001", "安心医疗险", "Anxin Medical Insurance", "王芳", *_period(pdf),
                         Decimal(5_000_000), Decimal(1_200), "annual", code, datetime.now(UTC))
    forged = render(facts, desk.hub, FONT)
    assert "¥5,000,000.00" in pdf_text(forged)
    assert verify(desk, "HL20240001", code, forged).json() == {"genuine": False}
    # ... and without the file the page shows the true figures to compare with: not the forged 5,000,000.
    assert verify(desk, "HL20240001", code).json()["sum_insured"] == 1_000_000
    # Any other change to the file (here: its metadata through pypdf) fails as well.
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata({"/Title": "altered"})
    altered = io.BytesIO()
    writer.write(altered)
    assert verify(desk, "HL20240001", code, altered.getvalue()).json() == {"genuine": False}
    # A genuine file shown with another policy's number: not genuine either.
    assert verify(desk, "AU20240002", code, pdf).json() == {"genuine": False}


def test_the_issued_epolicy_code_still_verifies_but_not_with_a_file(desk: Desk) -> None:
    # The demo's issued e-policy (seeded code): verifiable by its code; no file of it was printed here.
    assert verify(desk, "HL20240001", "HX7K2M9Q").json()["genuine"] is True
    assert verify(desk, "HL20240001", "HX7K2M9Q", b"%PDF-1.4 anything").json() == {"genuine": False}


def test_the_verify_page_is_served_and_bad_input_is_refused(desk: Desk) -> None:
    page = httpx.get(f"{desk.hub}/verify")
    assert page.status_code == 200 and "verify.js" in page.text
    assert verify(desk, "HL20240001", "HX7K2M9Q", file_sha256="not-a-digest").status_code == 422
    assert verify(desk, "HL20240001", "x" * 65).status_code == 422
    assert verify(desk, "<script>", "HX7K2M9Q").status_code == 422


def test_guessing_codes_on_the_verify_page_is_stopped(desk: Desk) -> None:
    # Last in the module: it spends this address's allowance of wrong answers (30 in 15 minutes), some of
    # which the tests above used already.
    answers = [verify(desk, "AU20230009", f"ZZZZZZ{i:02d}".replace("0", "Q").replace("1", "W")).status_code
               for i in range(32)]
    first_refusal = answers.index(429)
    assert 20 <= first_refusal <= 30 and set(answers[:first_refusal]) == {200}
    assert set(answers[first_refusal:]) == {429}
    assert verify(desk, "AU20230009", "AZ5J7D3K").status_code == 429  # even the right one, until the window ends


def _period(pdf: bytes) -> tuple[date, date]:
    start, end = re.search(r"(\d{4}-\d\d-\d\d) 至 / to (\d{4}-\d\d-\d\d)", pdf_text(pdf)).groups()
    return date.fromisoformat(start), date.fromisoformat(end)


def test_without_the_link_secret_downloads_are_off(tmp_path) -> None:  # noqa: ANN001
    database_url = f"sqlite:///{tmp_path / 'policy.db'}"
    seed(database_url)
    stale, _ = LinkSigner(SECRET).issue("C0001", "HL20240001", "tests")
    with hub_without_bot(tmp_path) as hub, services.policy_api(database_url) as api:
        response = download(f"{hub.url}/epolicy/{stale}")
        assert response.status_code == 404 and "暂不提供下载" in response.text
        off = httpx.post(f"{api}/v1/policies/HL20240001/epolicy-link", json={},
                         headers=services.customer_headers("C0001"), timeout=15)
        assert off.status_code == 503 and off.json()["error"]["code"] == "epolicy_unavailable"
        printed = httpx.post(f"{api}/v1/documents/epolicy", json={"link": stale},
                             headers={"X-API-Key": services.API_KEY}, timeout=15)
        assert printed.status_code == 503
