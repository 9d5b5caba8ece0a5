"""Attacks on the adjusters' console (/console/adjuster, /api/console/adjuster/...), against a real hub in front
of a real policy API: agents and strangers cannot see or decide claims, another site's page cannot make an
adjuster's browser decide one, an amount above the claim or the cover and a forbidden transition are refused by
the policy API whoever asks, supervisors may act, and every decision is audited with the username."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from devstack import services
from devstack.browser import approve_in_adjuster_console
from devstack.hub_clients import HubRun
from policy_api.seed import seed
from tests.security.standalone_hub import console_session, error_code, hub_without_bot

CHROMIUM = "/usr/bin/chromium"
EVIL = "https://evil.example"
BASE = "/api/console/adjuster/claims"
DECISIONS = (("approve", {"amount": 100}), ("reject", {"reason_code": "other", "text": "x"}),
             ("request-materials", {"kinds": ["invoice"]}))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubRun, str]]:
    workdir = tmp_path_factory.mktemp("adjuster-attacks")
    policy_db = f"sqlite:///{workdir / 'policy.db'}"
    seed(policy_db)
    with services.policy_api(policy_db, name="policy_api_adjuster_attacks") as api_url, \
            hub_without_bot(workdir, POLICY_API_URL=api_url) as hub:
        yield hub, policy_db


@pytest.fixture
def hub(stack: tuple[HubRun, str]) -> HubRun:
    seed(stack[1])  # each test starts from the demo claims
    return stack[0]


def claim(client: httpx.Client, number: str) -> dict:
    response = client.get(f"{BASE}/{number}")
    assert response.status_code == 200, response.text
    return response.json()


def test_agents_and_strangers_cannot_see_or_decide_claims(hub):
    agent = console_session(hub, "agent1")
    stranger = httpx.Client(base_url=hub.url, timeout=15)
    adjuster = console_session(hub, "adjuster1")
    try:
        for client, status, why in ((agent, 403, "adjusters_only"), (stranger, 401, "not_signed_in")):
            responses = [client.get(BASE), client.get(f"{BASE}/CL20250001")]
            responses += [client.post(f"{BASE}/CL20250001/{path}", json=body) for path, body in DECISIONS]
            for response in responses:
                assert response.status_code == status and error_code(response) == why, response.text
        assert claim(adjuster, "CL20250001")["status"] == "reviewing"
        # An adjuster is no supervisor: user management stays closed.
        assert adjuster.get("/api/console/users").status_code == 403
    finally:
        for client in (agent, stranger, adjuster):
            client.close()


def test_another_sites_page_cannot_decide_with_an_adjusters_cookie(hub):
    adjuster = console_session(hub, "adjuster1")
    try:
        for headers in ({"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
            for path, body in DECISIONS:
                response = adjuster.post(f"{BASE}/CL20250001/{path}", json=body, headers=headers)
                assert response.status_code == 403 and error_code(response) == "origin_refused"
        form = adjuster.post(f"{BASE}/CL20250001/approve", content=json.dumps({"amount": 100}),
                             headers={"Content-Type": "text/plain", "Origin": EVIL})
        assert form.status_code == 403
        detail = claim(adjuster, "CL20250001")
        assert detail["status"] == "reviewing" and detail["approved_amount"] is None
    finally:
        adjuster.close()


def test_amounts_above_the_claim_or_cover_and_forbidden_transitions_are_refused(hub):
    adjuster = console_session(hub, "adjuster1")
    try:
        for amount in (3200.01, 1_000_000.01, 2e9, 0, -1):
            response = adjuster.post(f"{BASE}/CL20250001/approve", json={"amount": amount})
            assert response.status_code == 422, (amount, response.text)
        assert claim(adjuster, "CL20250001")["approved_amount"] is None
        for path, body in DECISIONS:  # CL20250002 is paid: nothing moves it any more
            response = adjuster.post(f"{BASE}/CL20250002/{path}", json=body)
            assert response.status_code == 409 and error_code(response) == "claim_not_decidable", response.text
        for bad in ({"reason_code": "made_up"}, {"reason_code": "other", "text": "x" * 501}):
            assert adjuster.post(f"{BASE}/CL20250001/reject", json=bad).status_code == 422
        assert adjuster.post(f"{BASE}/CL20250001/request-materials", json={"kinds": ["passport"]}).status_code == 422
        for number in ("..%2Fx", "CL2025%00", "x" * 40):
            assert adjuster.get(f"{BASE}/{number}").status_code in (404, 422)
        assert claim(adjuster, "CL20250002")["status"] == "paid"
    finally:
        adjuster.close()


def test_decisions_are_audited_with_the_username_and_supervisors_may_act(hub):
    adjuster = console_session(hub, "adjuster1")
    supervisor = console_session(hub, "supervisor")
    try:
        asked = supervisor.post(f"{BASE}/CL20250001/request-materials", json={"kinds": ["itemised_bill"]})
        assert asked.status_code == 200 and asked.json()["events"][-1]["actor"] == "adjuster:supervisor"
        approved = adjuster.post(f"{BASE}/CL20250001/approve", json={"amount": 3150})
        assert approved.status_code == 200 and approved.json()["status"] == "paying"
        assert approved.json()["events"][-1]["actor"] == "adjuster:adjuster1"
        audit = supervisor.get("/api/console/audit").json()
        mine = [(a["username"], a["action"], a["subject"]) for a in audit if a["subject"] == "CL20250001"]
        assert ("adjuster1", "claim_approve", "CL20250001") in mine
        assert ("supervisor", "claim_request_materials", "CL20250001") in mine
        views = [a for a in audit if a["action"] == "claim_view"]
        claim(adjuster, "CL20250001")  # opening a claim is a view of customer data: audited too
        audit = supervisor.get("/api/console/audit").json()
        now_views = [a for a in audit if a["action"] == "claim_view"]
        assert len(now_views) == len(views) + 1
        assert (now_views[0]["username"], now_views[0]["customer_id"], now_views[0]["subject"]) \
            == ("adjuster1", "C0001", "CL20250001")
        page = adjuster.get("/console/adjuster")
        assert page.status_code == 200 and "adjuster.js" in page.text
    finally:
        adjuster.close()
        supervisor.close()


def test_an_adjuster_approves_in_the_console_under_the_pages_policy(hub):
    """The legitimate path in a real browser with the CSP in force: sign in, land on the adjusters' page, open
    the queued claim with its findings, approve an amount; the claim moves to 赔付中 and nothing is blocked."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is missing: apt-get install chromium fonts-wqy-microhei (.ci/run does it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_context().new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))

            def findings_shown(opened: Page) -> None:
                expect(opened.locator("#claim-problems li[data-code=amount_mismatch]")).to_be_visible()
                expect(opened.locator("#claim-findings")).to_contain_text("DEMO0001")

            approve_in_adjuster_console(page, hub.url, hub.passwords["adjuster1"], "CL20250001", "3150",
                                        findings_shown)
            assert not [m for m in console if "Content Security Policy" in m], console
        finally:
            browser.close()


def test_supervisors_make_adjusters_never_supervisors(hub):
    supervisor = console_session(hub, "supervisor")
    adjuster = console_session(hub, "adjuster1")
    new = {"username": "qian.li", "display_name": "钱立", "languages": ["zh"], "skills": ["claims"], "capacity": 1}
    try:
        assert supervisor.post("/api/console/users", json={**new, "role": "supervisor"}).status_code == 422
        assert adjuster.post("/api/console/users", json={**new, "role": "adjuster"}).status_code == 403
        made = supervisor.post("/api/console/users", json={**new, "role": "adjuster"})
        assert made.status_code == 201 and made.json()["role"] == "adjuster", made.text
        fresh = console_session(hub, "qian.li", made.json()["password"])
        try:
            assert fresh.get(BASE).status_code == 200
        finally:
            fresh.close()
    finally:
        supervisor.close()
        adjuster.close()
