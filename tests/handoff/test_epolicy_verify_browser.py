"""The 验真 page in Chromium, as the e-policy's QR code opens it: the form filled from the URL's fragment, the
downloaded PDF chosen and fingerprinted in the browser (never uploaded); the genuine file passes, an altered
one fails. Real policy API and hub (tests/security/test_epolicy_download.py's `desk`)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from playwright.sync_api import Browser

from devstack.browser import SHOTS, browser  # noqa: F401  (fixture)
from tests.security.test_epolicy_download import Desk, desk, downloaded  # noqa: F401  (fixture)


def test_the_qr_code_opens_a_filled_form_and_the_file_is_checked(browser: Browser, desk: Desk,  # noqa: F811
                                                                 tmp_path: Path) -> None:
    pdf, code = downloaded(desk)
    genuine = tmp_path / "epolicy-HL20240001.pdf"
    genuine.write_bytes(pdf)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata({"/Title": "edited"})
    altered = tmp_path / "edited.pdf"
    with altered.open("wb") as out:
        writer.write(out)

    page = browser.new_page()
    page.goto(f"{desk.hub}/verify#p=HL20240001&c={code}")  # what the printed QR code holds
    assert page.input_value("#policy-number") == "HL20240001" and page.input_value("#code") == code
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.post_data or ""))
    page.set_input_files("#file", str(genuine))
    page.click("#verify-submit")
    page.wait_for_selector('#result[data-genuine="true"]')
    shown = page.inner_text("#result")
    assert "文件与签发时一致" in shown and "1,000,000" in shown and "王芳" not in shown  # the name is masked
    page.screenshot(path=str(SHOTS / "epolicy_verify_genuine.png"), full_page=True)

    page.set_input_files("#file", str(altered))
    page.click("#verify-submit")
    page.wait_for_selector('#result[data-genuine="false"]')
    assert "验证未通过" in page.inner_text("#result")
    page.screenshot(path=str(SHOTS / "epolicy_verify_altered.png"), full_page=True)
    # Only the fingerprint left the browser, never the file.
    assert requests and all("%PDF" not in body for body in requests)
    assert any('"file_sha256"' in body for body in requests)
