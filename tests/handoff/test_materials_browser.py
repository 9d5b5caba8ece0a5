"""Claim documents from the chat page in Debian's Chromium: a customer the app signed in (the page sent its token,
so the hub knows who she is) attaches a JPEG with the paper clip, sees its thumbnail with its status and what
her claim still needs; an agent with her conversation sees the file beside it. Real hub, policy API, Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from devstack.browser import SHOTS, available_agent
from devstack.hub_clients import HubRun
from devstack.materials import MaterialsApi, materials_api
from devstack.tokens import app_token
from tests import material_samples as samples
from tests.security.standalone_hub import hub_without_bot


@pytest.fixture(scope="module")
def uploads_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MaterialsApi, HubRun]]:
    tmp = tmp_path_factory.mktemp("materials_browser")
    with materials_api("sqlite", tmp) as api, hub_without_bot(tmp, POLICY_API_URL=api.base_url) as hub:
        yield api, hub


def test_customer_attaches_a_photo_and_the_agent_sees_it(uploads_stack, browser, tmp_path: Path) -> None:
    api, hub = uploads_stack
    api.reset()
    photo = tmp_path / "invoice.jpg"
    photo.write_bytes(samples.jpeg(800, 600))

    customer = browser.new_context(viewport={"width": 720, "height": 900}).new_page()
    customer.goto(f"{hub.url}/chat#token={app_token('C0001')}")
    expect(customer.locator("#conn")).to_have_text("", timeout=15_000)  # connected
    file_input = customer.locator("#material-file")
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    assert file_input.get_attribute("capture") is not None
    customer.click("#attach")
    expect(customer.locator("#materials")).to_be_visible(timeout=15_000)
    expect(customer.locator("#material-claim")).to_contain_text("CL20250001")
    expect(customer.locator("#missing")).to_contain_text("被保险人身份证正反面")
    # An ID card photo is kept for the adjuster (an invoice would be read: tests/handoff/test_claim_push_browser.py).
    customer.select_option("#material-kind", "id_card")
    file_input.set_input_files(str(photo))
    thumb = customer.locator("#thumbs .thumb").first
    expect(thumb.locator(".thumb-status")).to_have_text("已收到", timeout=20_000)
    expect(thumb.locator("img")).to_be_visible()
    expect(customer.locator("#missing")).not_to_contain_text("被保险人身份证正反面")
    expect(customer.locator("#missing")).to_contain_text("诊断证明")
    customer.screenshot(path=str(SHOTS / "20_customer_claim_documents.png"))
    assert api.rows("CL20250001") == 1 and len(api.stored_files()) == 1

    # A file that is not what its name says: refused on the page with a clear reason, nothing stored.
    fake = tmp_path / "receipt.jpg"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    file_input.set_input_files(str(fake))
    refused = customer.locator("#thumbs .thumb.refused")
    expect(refused).to_contain_text("JPEG", timeout=20_000)
    assert api.rows("CL20250001") == 1 and len(api.stored_files()) == 1

    # The agent who takes her conversation sees the file beside it.
    cid = customer.evaluate("window.hubChat.cid()")
    assert hub.handoff(cid).status_code == 201
    agent = available_agent(browser, hub.url, "agent1", hub.passwords["agent1"])
    offer = agent.locator(".offer").first
    expect(offer).to_be_visible(timeout=20_000)
    offer.locator(".accept").click()
    expect(agent.locator("#claim-materials .material-thumb img")).to_be_visible(timeout=20_000)
    expect(agent.locator("#claim-materials")).to_contain_text("CL20250001")
    agent.screenshot(path=str(SHOTS / "21_agent_claim_documents.png"))
