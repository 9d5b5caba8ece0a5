"""小额秒赔 and its progress, end to end in Debian's Chromium: the customer, signed in by the app, sends
a photo of her medical invoice from the chat page; the real OCR reads it, the claim is approved and paid through the
simulated gateway (settling in seconds here), and each status (材料审核中 → 赔付中 → 到账) reaches her as a chat
message (outreach → hub external event → real Rasa → action) and in the SMS outbox. A claim over the fast-track
limit waits for an adjuster, who approves it in the console; then she gets the same pushes.

Real hub, Rasa, action server, policy API and outreach pass (`outreach.run_once`, as tests/outreach/test_app_chat.py
runs it); the SMS gateway is the outbox fake the README declares."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from desk_db.tables.reminders import SmsOutbox
from devstack.browser import SHOTS, approve_in_adjuster_console
from devstack.hub_clients import HubRun
from devstack.materials import MaterialsApi, claim_status, invoice_photo, open_claim, upload, wait_for_status
from devstack.tokens import app_token
from tests.conftest import STACK_API_ENV, Stack
from tests.outreach.conftest import open_db
from tests.outreach.test_app_chat import run_once

# The gateway settles a payout in 2 s here (the default target is an hour); checked every second.
PAYOUT_ENV = {"CLAIM_PAYOUT_SETTLE_S": "2", "CLAIM_PAYOUT_POLL_S": "1"}


@pytest.fixture(scope="module")
def claims_api(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MaterialsApi]:
    """The stack's policy API restarted with fast payouts and its own materials directory for this module."""
    materials = tmp_path_factory.mktemp("claim_push") / "materials"
    stack.reseed()
    with stack.api_settings({**STACK_API_ENV, **PAYOUT_ENV, "MATERIALS_DIR": str(materials)}):
        yield MaterialsApi(stack.api_url, stack.database_url, materials)
    stack.reseed()


def open_app_chat(browser: Browser, hub: HubRun) -> Page:
    page = browser.new_context(viewport={"width": 720, "height": 1000}).new_page()
    page.goto(f"{hub.url}/chat#c=app-C0001&token={app_token('C0001')}")
    expect(page.locator("#conn")).to_have_text("", timeout=30_000)  # connected
    return page


def bot_says(page: Page, *needles: str) -> None:
    message = page.locator(".msg.bot", has_text=needles[0])
    for needle in needles[1:]:
        message = message.filter(has_text=needle)
    expect(message.first).to_be_visible(timeout=120_000)


def sms_texts(stack: Stack, claim_number: str) -> list[str]:
    with open_db(stack.database_url) as db, db.sessions() as session:
        return [row.text for row in session.scalars(select(SmsOutbox).order_by(SmsOutbox.id))
                if claim_number in row.text]


def test_fast_track_invoice_from_the_chat_is_paid_and_each_status_is_pushed(stack, claims_api, start_hub, browser,
                                                                             tmp_path: Path) -> None:
    hub = start_hub()
    with claims_api.client("C0001") as client:
        claim = open_claim(client, "1234.50")  # opened for her through the API, as the bot does
    number = claim["claim_number"]
    assert claim["fast_track"] is True
    photo = tmp_path / "invoice.jpg"
    photo.write_bytes(invoice_photo("1234.50", "0052718281", seed=21))

    page = open_app_chat(browser, hub)
    page.click("#attach")
    expect(page.locator("#materials")).to_be_visible(timeout=15_000)
    page.select_option("#material-claim", number)
    page.select_option("#material-kind", "invoice")
    page.locator("#material-file").set_input_files(str(photo))
    # On a loaded host the OCR may outlast the hub's wait for the upload's answer: the page then lists the file
    # as 已收到 while the review goes on, and reads the statuses again while the panel is open.
    expect(page.locator("#thumbs .thumb")).to_have_count(1, timeout=120_000)
    with claims_api.client("C0001") as client:
        deadline = time.monotonic() + 120
        while claim_status(client, number)["status"] not in ("paying", "paid") and time.monotonic() < deadline:
            time.sleep(0.5)
    expect(page.locator("#thumbs .thumb.accepted .thumb-status")).to_contain_text("已通过", timeout=60_000)
    page.screenshot(path=str(SHOTS / "22_fast_claim_invoice_accepted.png"))

    # Reviewed and sent to the gateway already: the next outreach pass pushes both steps into her chat.
    run_once(stack, hub.url)
    bot_says(page, number, "材料审核中")
    bot_says(page, number, "赔付中", "1,234.50")

    with claims_api.client("C0001") as client:
        paid = wait_for_status(client, number, "paid", timeout_s=120)
    assert [e["status"] for e in paid["timeline"]] == ["reported", "reviewing", "paying", "paid"]
    run_once(stack, hub.url)
    bot_says(page, number, "已到账", "1,234.50")
    expect(page.locator(".msg.bot ul.timeline").last).to_contain_text(number)
    # The panel's claim list says so too, without the customer reopening it.
    expect(page.locator(f"#material-claim option[value='{number}']")).to_contain_text("到账", timeout=30_000)
    page.screenshot(path=str(SHOTS / "23_fast_claim_progress_pushed.png"), full_page=True)

    sms = sms_texts(stack, number)
    assert [("材料审核中" in t, "赔付中" in t, "已到账" in t) for t in sms] == \
        [(True, False, False), (False, True, False), (False, False, True)], sms
    assert all(t.startswith("【安心保险】") for t in sms)


def test_a_claim_over_the_limit_is_approved_by_an_adjuster_and_pushed(stack, claims_api, start_hub, browser) -> None:
    hub = start_hub()
    with claims_api.client("C0001") as client:
        claim = open_claim(client, "6000")  # over the 5,000 CNY fast-track limit for health
        number = claim["claim_number"]
        assert claim["fast_track"] is False
        material = upload(client, number, invoice_photo("6000.00", "0033166247", seed=22)).json()
        assert material["status"] == "reviewing", material  # the checks pass, but a person decides

    adjuster = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()

    def invoice_read(opened: Page) -> None:
        expect(opened.locator("#claim-findings")).to_contain_text("0033166247")

    approve_in_adjuster_console(adjuster, hub.url, hub.passwords["adjuster1"], number, "6000", invoice_read)
    adjuster.screenshot(path=str(SHOTS / "24_adjuster_approves_claim.png"))
    with claims_api.client("C0001") as client:
        paid = wait_for_status(client, number, "paid", timeout_s=120)
    assert paid["timeline"][-1]["status"] == "paid"

    # Her app chat: the pushes of the whole way arrive, in order.
    page = open_app_chat(browser, hub)
    run_once(stack, hub.url)
    bot_says(page, number, "材料审核中")
    bot_says(page, number, "赔付中", "6,000.00")
    bot_says(page, number, "已到账", "6,000.00")
    page.screenshot(path=str(SHOTS / "25_adjuster_claim_pushed.png"), full_page=True)
    sms = sms_texts(stack, number)
    assert [s for s in sms if "赔付中" in s] and [s for s in sms if "已到账" in s], sms
