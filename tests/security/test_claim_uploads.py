"""Attacks on the claim-material uploads ("Bad input"), at the policy API and through the hub: a
declared 100-megapixel image, a zip bomb named .jpg, PDFs with scripts, automatic actions or attachments,
types disguised by their names, a wrong claim number, someone else's claim or file, no proof of who is
uploading. Each gets a clear zh/en error and leaves no row and no file. Real processes: the policy API
(SQLite) with its own materials directory, a hub on Redis without a bot."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from devstack.hub_clients import Agent, Customer
from devstack.materials import MaterialsApi, materials_api, upload
from devstack.tokens import app_token
from tests import material_samples as samples
from tests.security.standalone_hub import hub_without_bot

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MaterialsApi, object]]:
    tmp = tmp_path_factory.mktemp("uploads")
    with materials_api("sqlite", tmp) as api, hub_without_bot(tmp, POLICY_API_URL=api.base_url) as hub:
        yield api, hub


@pytest.fixture
def api(stack: tuple[MaterialsApi, object]) -> MaterialsApi:
    stack[0].reset()
    return stack[0]


@pytest.fixture
def hub(stack: tuple[MaterialsApi, object], api: MaterialsApi) -> object:
    return stack[1]


def assert_refused(response: httpx.Response, status: int, code: str, api: MaterialsApi) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert CJK.search(error["message"]) and re.search(r"[A-Za-z]{4,}", error["message"]), error  # zh and en
    assert api.rows() == 0, "a refused file left a row"
    assert api.stored_files() == [], "a refused file left a file"


ATTACKS = [
    ("100-megapixel image", lambda: samples.png_declaring(10_000, 10_000), "big.png", "image/png", 422,
     "material_too_many_pixels"),
    ("zip bomb named .jpg", lambda: samples.zip_bomb(200), "invoice.jpg", "image/jpeg", 415,
     "material_type_unsupported"),
    ("PDF with JavaScript", samples.pdf_with_javascript, "bill.pdf", "application/pdf", 422,
     "material_active_content"),
    ("PDF OpenAction, escaped names", samples.pdf_open_action_escaped, "bill.pdf", "application/pdf", 422,
     "material_active_content"),
    ("PDF with an embedded file", samples.pdf_with_attachment, "bill.pdf", "application/pdf", 422,
     "material_active_content"),
    ("empty file", lambda: b"", "x.jpg", "image/jpeg", 422, "material_empty"),
    ("truncated JPEG", lambda: samples.jpeg()[:600], "x.jpg", "image/jpeg", 422, "material_unreadable"),
    *[(f"disguised {name}", lambda data=data: data, name, ctype, 415, "material_type_unsupported")
      for name, ctype, data in samples.DISGUISED],
]


@pytest.mark.parametrize(("name", "make", "filename", "ctype", "status", "code"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_bad_files_at_the_policy_api(api: MaterialsApi, name, make, filename, ctype, status, code) -> None:
    with api.client() as client:
        assert_refused(upload(client, "CL20250001", make(), filename=filename, content_type=ctype), status, code, api)


def test_wrong_claim_numbers(api: MaterialsApi) -> None:
    with api.client() as client:
        missing = upload(client, "CL20999999", samples.jpeg())
        malformed = upload(client, "..%2F..%2Fetc", samples.jpeg())
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "claim_not_found"
    assert malformed.status_code in (404, 422)
    assert api.rows() == 0 and api.stored_files() == []


def test_someone_elses_claim_and_file(api: MaterialsApi) -> None:
    with api.client("C0002") as stranger:
        refused = upload(stranger, "CL20250001", samples.jpeg())  # C0001's claim
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "claim_not_owned"
        assert api.rows() == 0 and api.stored_files() == []
        assert stranger.get("/v1/claims/CL20250001/materials").status_code == 403
    with api.client("C0001") as owner:
        material = upload(owner, "CL20250001", samples.jpeg()).json()
    with api.client("C0002") as stranger:
        own_claim_other_file = stranger.get(f"/v1/claims/CL20250002/materials/{material['material_id']}/file")
        other_claim = stranger.get(f"/v1/claims/CL20250001/materials/{material['material_id']}/file")
    assert own_claim_other_file.status_code == 404  # a file id does not open across claims
    assert other_claim.status_code == 403


def test_no_customer_token_or_no_api_key(api: MaterialsApi) -> None:
    with api.client(None) as service_only:
        assert upload(service_only, "CL20250001", samples.jpeg()).status_code == 401
    assert httpx.post(f"{api.base_url}/v1/claims/CL20250001/materials", data={"kind": "invoice"},
                      files={"file": ("a.jpg", samples.jpeg(), "image/jpeg")}).status_code == 401
    # The staff routes need the API key and say who is looking.
    assert httpx.get(f"{api.base_url}/v1/staff/claims/CL20250001/materials").status_code == 401
    with api.client(None) as service_only:
        assert service_only.get("/v1/staff/claims/CL20250001/materials").status_code == 422
    assert api.rows() == 0


def _hub_upload(hub, claim: str, data: bytes, cookies: dict | None = None, headers: dict | None = None,
                kind: str = "invoice") -> httpx.Response:
    return httpx.post(f"{hub.url}/api/chat/materials", data={"claim_number": claim, "kind": kind},
                      files={"file": ("photo.jpg", data, "image/jpeg")}, cookies=cookies, headers=headers, timeout=30)


def test_hub_refuses_without_a_chat_session(api: MaterialsApi, hub) -> None:
    assert_refused(_hub_upload(hub, "CL20250001", samples.jpeg()), 401, "chat_session_required", api)


def test_hub_refuses_an_unverified_chat(api: MaterialsApi, hub) -> None:
    _cid, cookie = hub.chat_session()
    assert_refused(_hub_upload(hub, "CL20250001", samples.jpeg(), cookies={"hub_chat": cookie}), 403,
                   "verification_required", api)


def test_hub_refuses_a_forged_app_token(api: MaterialsApi, hub) -> None:
    forged = app_token("C0001", secret="not-the-insurers-secret-0123456789")
    response = _hub_upload(hub, "CL20250001", samples.jpeg(), headers={"X-App-Token": forged})
    assert response.status_code == 401 and api.rows() == 0 and api.stored_files() == []


def test_hub_passes_on_the_policy_apis_refusals(api: MaterialsApi, hub) -> None:
    """A verified customer (C0002) trying C0001's claim, a wrong claim number, and bombs: nothing stored."""
    headers = {"X-App-Token": app_token("C0002")}
    assert_refused(_hub_upload(hub, "CL20250001", samples.jpeg(), headers=headers), 403, "claim_not_owned", api)
    assert _hub_upload(hub, "CL20999999", samples.jpeg(), headers=headers).status_code == 404
    assert_refused(_hub_upload(hub, "CL20250002", samples.png_declaring(10_000, 10_000), headers=headers), 422,
                   "material_too_many_pixels", api)
    assert_refused(_hub_upload(hub, "CL20250002", samples.pdf_with_javascript(), headers=headers), 422,
                   "material_active_content", api)
    assert_refused(_hub_upload(hub, "CL20250002", samples.zip_bomb(200), headers=headers), 415,
                   "material_type_unsupported", api)
    too_big = _hub_upload(hub, "CL20250002", b"\xff\xd8\xff" + b"\x00" * (11 * 1024 * 1024), headers=headers)
    assert too_big.status_code == 413 and api.rows() == 0 and api.stored_files() == []


def test_hub_refuses_cross_site_uploads(api: MaterialsApi, hub) -> None:
    """Another site's page cannot make a customer's browser upload with her chat cookie."""
    _cid, cookie = hub.chat_session()
    response = _hub_upload(hub, "CL20250001", samples.jpeg(), cookies={"hub_chat": cookie},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "origin_refused"
    assert api.rows() == 0


def test_a_chat_verified_by_its_app_token_uploads_and_opens_its_file(api: MaterialsApi, hub) -> None:
    """The legitimate path through the hub, on a web chat whose page sent the app's token."""
    customer = Customer(hub, token=app_token("C0001"))
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        cookies = {"hub_chat": customer.cookie}
        stored = _hub_upload(hub, "CL20250001", samples.jpeg(), cookies=cookies)
        assert stored.status_code == 201, stored.text
        material = stored.json()
        listing = httpx.get(f"{hub.url}/api/chat/materials/CL20250001", cookies=cookies, timeout=10).json()
        assert [m["material_id"] for m in listing["materials"]] == [material["material_id"]]
        opened = httpx.get(f"{hub.url}/api/chat/materials/CL20250001/{material['material_id']}/file",
                           cookies=cookies, timeout=10)
        assert opened.status_code == 200 and opened.content.startswith(b"\xff\xd8\xff")
        # Another browser (no cookie) and a path that tries to leave the route get nothing.
        assert httpx.get(f"{hub.url}/api/chat/materials/CL20250001/{material['material_id']}/file",
                         timeout=10).status_code == 401
        assert httpx.get(f"{hub.url}/api/chat/materials/CL20250001/..%2F..%2Fhealth/file", cookies=cookies,
                         timeout=10).status_code in (404, 422)
    finally:
        customer.close()


def test_console_shows_files_only_of_the_conversations_customer(api: MaterialsApi, hub) -> None:
    with api.client("C0001") as owner:
        upload(owner, "CL20250001", samples.jpeg())
    with api.client("C0002") as other:
        material = upload(other, "CL20250002", samples.png(), content_type="image/png").json()
    agent = Agent(hub, "agent1")
    customer = Customer(hub, token=app_token("C0002"))
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        # Before she is this agent's conversation: nothing.
        assert agent.http.get(f"/api/console/conversations/{customer.cid}/materials/CL20250002").status_code in (403, 404)
        assert hub.handoff(customer.cid).status_code == 201
        assert agent.accept(agent.offer()["request_id"]).status_code == 200
        listing = agent.http.get(f"/api/console/conversations/{customer.cid}/materials/CL20250002")
        assert listing.status_code == 200 and listing.json()["materials"][0]["material_id"] == material["material_id"]
        opened = agent.http.get(f"/api/console/conversations/{customer.cid}/materials/CL20250002/"
                                f"{material['material_id']}/file")
        assert opened.status_code == 200 and opened.content.startswith(b"\x89PNG")
        # Another customer's claim, from this conversation: refused.
        other = agent.http.get(f"/api/console/conversations/{customer.cid}/materials/CL20250001")
        assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_customer"
        supervisor = Agent(hub, "supervisor", available=False)
        try:
            audit = supervisor.http.get("/api/console/audit").json()
        finally:
            supervisor.close()
        actions = [(e["action"], e["customer_id"], e["username"]) for e in audit]
        assert ("view_claim_materials", "C0002", "agent1") in actions
        assert ("open_claim_material", "C0002", "agent1") in actions
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
    finally:
        customer.close()
        agent.close()
