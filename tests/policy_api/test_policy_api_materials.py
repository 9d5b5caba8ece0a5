"""Claim materials at the policy API (real server, SQLite and PostgreSQL): storage of the clean copy under a
random name, listing with statuses and what the claim type still needs, the size and count limits.
The attacks (bombs, scripts, other customers' claims) are in tests/security/test_claim_uploads.py."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from policy_api_testkit import error_code

from devstack.materials import MaterialsApi, materials_api, upload
from tests import material_samples as samples


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MaterialsApi]:
    with materials_api(request.param, tmp_path_factory.mktemp(f"materials_{request.param}")) as api:
        yield api


@pytest.fixture
def api(server: MaterialsApi) -> MaterialsApi:
    server.reset()
    return server


def test_a_photo_is_stored_re_encoded_under_a_random_name(api: MaterialsApi) -> None:
    original = samples.jpeg(gps=True)
    with api.client() as client:
        # A diagnosis: an invoice would be read and judged (test_invoice_review_flow.py), this one is only kept.
        response = upload(client, "CL20250001", original, kind="diagnosis", filename="诊断书.jpg")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "received" and body["status_label_zh"] == "已收到"
    assert body["media_type"] == "image/jpeg" and (body["width"], body["height"]) == (640, 480)
    files = api.stored_files()
    assert len(files) == 1 and api.rows("CL20250001") == 1
    stored = files[0].read_bytes()
    # Not the customer's bytes: no EXIF (no GPS position), nothing after the image, a name that says nothing.
    assert stored != original and b"<script>" not in stored and b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert "诊断" not in files[0].name and "CL2025" not in files[0].name and len(files[0].name) == 32
    assert body["sha256"] == hashlib.sha256(stored).hexdigest()
    assert files[0].stat().st_mode & 0o077 == 0  # readable by the service's user only


def test_the_owner_opens_her_file(api: MaterialsApi) -> None:
    with api.client() as client:
        material = upload(client, "CL20250001", samples.png(), kind="diagnosis", filename="x.png",
                          content_type="image/png").json()
        response = client.get(f"/v1/claims/CL20250001/materials/{material['material_id']}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content)).size == (320, 240)


def test_the_list_says_what_the_claim_type_still_needs(api: MaterialsApi) -> None:
    with api.client() as client:
        before = client.get("/v1/claims/CL20250001/materials").json()
        assert [m["kind"] for m in before["missing"]] == ["id_card", "diagnosis", "invoice"]
        assert before["missing"][2]["document_zh"] == "医疗费用发票原件及费用明细清单"
        assert before["max_files"] == 20
        upload(client, "CL20250001", samples.jpeg(), kind="diagnosis")
        upload(client, "CL20250001", samples.png(), kind="id_card", content_type="image/png")
        after = client.get("/v1/claims/CL20250001/materials").json()
    assert [m["kind"] for m in after["missing"]] == ["invoice"]
    assert [(m["kind"], m["status"]) for m in after["materials"]] == [("diagnosis", "received"), ("id_card", "received")]
    assert after["insurance_type"] == "health"


def test_a_fast_track_auto_claim_needs_no_police_report(api: MaterialsApi) -> None:
    with api.client("C0002") as client:
        body = client.get("/v1/claims/CL20250002/materials").json()
    assert [m["kind"] for m in body["missing"]] == ["id_card", "damage_photo", "invoice"]


def test_a_pdf_is_rewritten_with_its_pages_only(api: MaterialsApi) -> None:
    with api.client() as client:
        response = upload(client, "CL20250001", samples.pdf(pages=2), kind="diagnosis", filename="d.pdf",
                          content_type="application/pdf")
    assert response.status_code == 201, response.text
    assert response.json()["pages"] == 2 and response.json()["media_type"] == "application/pdf"
    assert api.stored_files()[0].read_bytes().startswith(b"%PDF-")


def test_heic_becomes_jpeg(api: MaterialsApi) -> None:
    photo = samples.heic()
    if photo is None:
        pytest.skip("this pillow-heif cannot encode HEIC to make a sample")
    with api.client() as client:
        response = upload(client, "CL20250001", photo, kind="damage_photo", filename="IMG_0001.HEIC",
                          content_type="image/heic")
    assert response.status_code == 201, response.text
    assert response.json()["media_type"] == "image/jpeg"
    assert api.stored_files()[0].read_bytes().startswith(b"\xff\xd8\xff")


def test_the_same_file_twice_is_stored_once(api: MaterialsApi) -> None:
    photo = samples.jpeg()
    with api.client() as client:
        first = upload(client, "CL20250001", photo)
        second = upload(client, "CL20250001", photo)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["material_id"] == second.json()["material_id"]
    assert len(api.stored_files()) == 1 and api.rows("CL20250001") == 1


def test_twenty_files_per_claim(api: MaterialsApi) -> None:
    with api.client() as client:
        for shade in range(20):
            assert upload(client, "CL20250001", samples.png(16, 16, shade), kind="other",
                          content_type="image/png").status_code == 201
        refused = upload(client, "CL20250001", samples.png(16, 16, 99), kind="other", content_type="image/png")
    assert refused.status_code == 409 and error_code(refused) == "too_many_materials"
    assert "20" in refused.json()["error"]["message"]
    assert api.rows("CL20250001") == 20 and len(api.stored_files()) == 20


def test_files_over_ten_megabytes_are_refused(api: MaterialsApi) -> None:
    big = samples.jpeg() + b"\x00" * (10 * 1024 * 1024)
    with api.client() as client:
        response = upload(client, "CL20250001", big)
        far_too_big = upload(client, "CL20250001", big + b"\x00" * (2 * 1024 * 1024))
    assert response.status_code == 413 and error_code(response) == "material_too_large"
    assert "10 MB" in response.json()["error"]["message"]
    assert far_too_big.status_code == 413  # cut off by the body limit before any parsing
    assert api.rows() == 0 and api.stored_files() == []


def test_an_unknown_kind_is_refused(api: MaterialsApi) -> None:
    with api.client() as client:
        response = upload(client, "CL20250001", samples.jpeg(), kind="selfie")
    assert response.status_code == 422 and error_code(response) == "invalid_material_kind"
    assert api.rows() == 0 and api.stored_files() == []


def test_other_routes_keep_the_small_body_limit(api: MaterialsApi) -> None:
    with api.client() as client:
        response = client.post("/v1/claims", content=b"{" + b" " * (100 * 1024) + b"}",
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_invoices_are_read_and_reviewed_by_default() -> None:
    """The app's review hook is the OCR + claim review (tests/policy_api/test_invoice_review_flow.py drives it)."""
    from policy_api.invoice_review import InvoiceReview
    from policy_api.main import create_app
    from policy_api.settings import Settings

    app = create_app(Settings(database_url=f"sqlite:///{Path('/nonexistent/db')}"))
    assert isinstance(app.state.material_review, InvoiceReview)


def test_links_and_metadata_are_not_kept_in_a_pdf() -> None:
    """In-process: a PDF with a link and an author is rewritten with its page only."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link

    from policy_api.material_checks import Limits, check

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_annotation(0, Link(rect=(0, 0, 50, 50), url="https://phishing.example"))
    writer.add_metadata({"/Author": "王芳 13800138000"})
    buffer = io.BytesIO()
    writer.write(buffer)
    clean = check(buffer.getvalue(), Limits(10 << 20, 50_000_000, 30))
    assert b"phishing" not in clean.content and b"/Annots" not in clean.content
    assert b"13800138000" not in clean.content
    assert len(PdfReader(io.BytesIO(clean.content)).pages) == 1


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    from policy_api.material_checks import Limits, MaterialRefused, check

    with pytest.raises(MaterialRefused) as refused:
        check(samples.png_declaring(10_000, 10_000), Limits(10 << 20, 50_000_000, 30))
    assert refused.value.code == "material_too_many_pixels" and "百万像素" in refused.value.zh
