"""action_deliver_claim_update over real HTTP (the rasa-sdk action server and the policy API): a claim's progress
event shows its message in the customer's language and the stored timeline, only in that customer's own app
conversation; the fast-track promise quotes the payout target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.findings import InvoiceFindings
from desk_db.engine import make_engine
from desk_db.tables.policy import Claim, ClaimEvent
from devstack import services
from policy_api.claim_review import review_invoice
from policy_api.payments import SimulatedPayoutGateway
from tests.actions.test_action_server import DOMAIN


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    workdir: Path = tmp_path_factory.mktemp("claim-update-action")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    services.seed(database_url)
    with services.policy_api(database_url) as api_url, services.action_server(api_url) as url:
        yield url, database_url


def paying_event(database_url: str) -> int:
    """The seeded claim CL20250001 (C0001, reviewing) passes a review: its 赔付中 event."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            claim = session.get(Claim, "CL20250001")
            claim.fast_track = True
            findings = InvoiceFindings(kind="medical_invoice", amount=Decimal(3200), invoice_number="ACT-0001",
                                       invoice_date=claim.incident_date)
            assert review_invoice(session, claim, findings, datetime.now(UTC),
                                  SimulatedPayoutGateway(60)).decision == "paying"
            return session.scalars(select(ClaimEvent.id).where(ClaimEvent.claim_number == "CL20250001",
                                                               ClaimEvent.status == "paying")).one()
    finally:
        engine.dispose()


def deliver(actions_url: str, sender: str, event_id: int) -> dict:
    tracker = {
        "sender_id": sender, "slots": {"language": "zh"},
        "latest_message": {"text": "", "intent": {"name": "EXTERNAL_claim_update", "confidence": 1.0},
                           "entities": [{"entity": "claim_update_id", "value": str(event_id)}], "metadata": {}},
        "events": [], "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
    }
    response = httpx.post(f"{actions_url}/webhook", timeout=20, headers=services.ACTION_SECRET, json={
        "next_action": "action_deliver_claim_update", "sender_id": sender, "tracker": tracker, "domain": DOMAIN,
        "version": "3.6.2"})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_customer_sees_the_update_and_the_stored_timeline_others_nothing(stack):
    actions_url, database_url = stack
    event_id = paying_event(database_url)
    result = deliver(actions_url, "app-C0001", event_id)
    text = result["responses"][0]["text"]
    assert "CL20250001" in text and "赔付中" in text and "3,200.00" in text and "60 分钟" in text
    timeline = result["responses"][1]["custom"]
    assert timeline["type"] == "claim_timeline" and timeline["status"] == "paying"
    assert [s["status"] for s in timeline["steps"] if s["done"]] == ["reported", "reviewing", "paying"]
    assert [s["status"] for s in timeline["steps"] if not s["done"]] == ["paid"]
    assert deliver(actions_url, "app-C0002", event_id)["responses"] == []  # not hers: nothing
    assert deliver(actions_url, "chat-someone", event_id)["responses"] == []  # nobody verified
