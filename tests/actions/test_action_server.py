"""The custom actions over real HTTP: the rasa-sdk action server calling the running policy API.

Rasa is not involved here: each test posts the tracker Rasa would post to /webhook, with the shared
secret Rasa sends (tests/security shows the action server refuses the same call without it).
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
import yaml

from devstack import services
from devstack.tokens import app_token

DOMAIN: dict[str, Any] = {}
for part in sorted((services.ROOT / "bot" / "domain").glob("*.yml")):
    for key, value in (yaml.safe_load(part.read_text(encoding="utf-8")) or {}).items():
        if isinstance(value, dict):
            DOMAIN.setdefault(key, {}).update(value)
        elif isinstance(value, list):
            DOMAIN.setdefault(key, []).extend(value)


class StandInHub(BaseHTTPRequestHandler):
    """Takes the place of the handoff hub: records what the action posts and answers as the hub does
    (docs/handoff_api.md), or refuses while `refusing` is set."""

    received: list[dict] = []
    refusing = False
    ANSWER = {"request_id": "r-standin", "position": 3, "estimated_wait_s": 240.0, "owner": "queued"}

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        StandInHub.received.append(json.loads(body))
        answer = json.dumps({"conversation_id": "action-test", **self.ANSWER}).encode()
        self.send_response(503 if StandInHub.refusing else 201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def hub_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), StandInHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/handoffs"
    server.shutdown()


@pytest.fixture(scope="module")
def actions_url(tmp_path_factory: pytest.TempPathFactory, hub_url: str) -> Iterator[str]:
    workdir: Path = tmp_path_factory.mktemp("actions")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    services.seed(database_url)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f"handoff_hub:\n  url: {hub_url}\n")
    with services.policy_api(database_url) as api_url, \
            services.action_server(api_url, {"BOT_ENDPOINTS": str(endpoints)}) as url:
        services.wait_for_knowledge(api_url)
        yield url


def call(actions_url: str, action: str, text: str = "", intent: str = "inform",
         slots: dict | None = None, events: list | None = None, metadata: dict | None = None) -> dict:
    tracker = {
        "sender_id": "action-test",
        "slots": {"language": "zh", "verified": False, "identity_failures": 0, **(slots or {})},
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 1.0},
                           "entities": [], "metadata": metadata or {}},
        "events": events or [], "paused": False, "followup_action": None,
        "active_loop": {}, "latest_action_name": "action_listen",
    }
    response = httpx.post(f"{actions_url}/webhook", timeout=20, headers=services.ACTION_SECRET, json={
        "next_action": action, "sender_id": "action-test", "tracker": tracker,
        "domain": DOMAIN, "version": "3.6.2",
    })
    assert response.status_code == 200, response.text
    return response.json()


def verified_c0001() -> dict:
    """Her slots after she verified: the customer token the policy API signed is what opens her data."""
    return {"verified": True, "customer_id": "C0001", "customer_token": services.customer_token("C0001", "action-test")}


def texts(result: dict) -> str:
    return "\n".join(r.get("text") or "" for r in result["responses"])


def slots_set(result: dict) -> dict:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


def test_unverified_request_asks_for_identity_first(actions_url):
    result = call(actions_url, "action_handle_request", "查一下我的保单", "query_policy")
    assert slots_set(result) == {"pending_request": "query_policy", "pending_text": "查一下我的保单",
                                 "next_step": "identity"}
    assert texts(result) == ""  # nothing personal before the check


def test_verified_customer_gets_their_policies(actions_url):
    result = call(actions_url, "action_handle_request", "我的保单", "query_policy",
                  verified_c0001())
    assert "HL20240001" in texts(result) and "AU20240002" in texts(result)
    assert slots_set(result)["next_step"] == "done"


def test_identity_form_accepts_the_right_answer(actions_url):
    result = call(actions_url, "validate_identity_form", "1234",
                  slots={"identity_key": "13800138000", "requested_slot": "id_last4"})
    assert slots_set(result)["verified"] is True and slots_set(result)["customer_id"] == "C0001"
    assert slots_set(result)["customer_token"]  # the policy API's signed statement, kept for her data
    assert "王芳" in texts(result)


def test_verified_customer_token_is_refreshed_on_use(actions_url):
    """Verification lapses after 30 idle minutes: a use stores the token the API refreshed once it is
    more than a minute old, and stores nothing (no event) while it is newer."""
    two_minutes_old = services.customer_token("C0001", "action-test", idle_s=30 * 60 - 120)
    slots = {**verified_c0001(), "customer_token": two_minutes_old}
    result = call(actions_url, "action_handle_request", "我的保单", "query_policy", slots)
    assert "HL20240001" in texts(result)
    assert slots_set(result)["customer_token"] not in (None, two_minutes_old)
    fresh = call(actions_url, "action_handle_request", "我的保单", "query_policy", verified_c0001())
    assert "HL20240001" in texts(fresh) and "customer_token" not in slots_set(fresh)


def test_app_token_is_exchanged_at_the_policy_api(actions_url):
    """The app signed her in: the action server has no app secret; the policy API checks the app token."""
    tracker_metadata = {"token": app_token("C0002")}
    result = call(actions_url, "action_handle_request", "my policies", "query_policy", metadata=tracker_metadata)
    assert "LF20230007" in texts(result)
    assert slots_set(result)["customer_id"] == "C0002" and slots_set(result)["customer_token"]


def test_expired_customer_token_asks_to_verify_again(actions_url):
    slots = {**verified_c0001(), "customer_token": services.customer_token("C0001", "action-test", idle_s=-1)}
    result = call(actions_url, "action_handle_request", "查一下我的保单", "query_policy", slots)
    assert "HL20240001" not in texts(result) and "重新验证" in texts(result)
    assert slots_set(result)["next_step"] == "identity" and slots_set(result)["customer_token"] is None


def test_identity_form_third_failure_locks(actions_url):
    result = call(actions_url, "validate_identity_form", "9999",
                  slots={"identity_key": "13800138000", "requested_slot": "id_last4", "identity_failures": 2})
    assert slots_set(result)["identity_locked"] is True
    assert slots_set(result)["requested_slot"] is None


def test_identity_form_does_not_leak_whether_a_phone_exists(actions_url):
    known = call(actions_url, "validate_identity_form", "9999",
                 slots={"identity_key": "13800138000", "requested_slot": "id_last4"})
    unknown = call(actions_url, "validate_identity_form", "1234",
                   slots={"identity_key": "13700000000", "requested_slot": "id_last4"})
    assert texts(known) == texts(unknown)


def test_claim_form_rejects_a_future_date(actions_url):
    result = call(actions_url, "validate_claim_form", "2099-01-01",
                  slots={"requested_slot": "claim_incident_date", **verified_c0001()})
    assert "不能晚于今天" in texts(result)
    assert "claim_incident_date" not in slots_set(result)


def test_claim_form_refuses_someone_elses_policy(actions_url):
    result = call(actions_url, "validate_claim_form", "LF20230007",
                  slots={"requested_slot": "claim_policy_number", **verified_c0001()})
    assert "不在您的名下" in texts(result)
    assert slots_set(result)["claim_policy_number"] is None


def test_handoff_posts_to_the_configured_hub_with_masked_summary(actions_url):
    StandInHub.received.clear()
    events = [{"event": "user", "text": "我的手机13800138000查不到保单", "timestamp": 1},
              {"event": "bot", "text": "请提供保单号", "timestamp": 2}]
    result = call(actions_url, "action_handoff", "转人工", "request_human",
                  verified_c0001(), events)
    assert "正在为您转接" in texts(result)
    assert slots_set(result)["handoff_reason"] == "request"
    [request] = StandInHub.received
    assert request["reason"] == "request" and request["customer_id"] == "C0001"
    assert request["language"] == "zh" and request["channel"] == "chat"
    summary = json.dumps(request["summary"], ensure_ascii=False)
    assert "13800138000" not in summary and "138****8000" in summary


def handoff_payloads(result: dict) -> list[dict]:
    return [r["custom"] for r in result["responses"] if (r.get("custom") or {}).get("type") == "handoff"]


def test_a_phone_handoff_reports_what_the_hub_answered(actions_url):
    StandInHub.received.clear()
    events = [{"event": "user", "text": "我的手机13800138000查不到保单", "timestamp": 1}]
    result = call(actions_url, "action_handoff", "转人工", "request_human", events=events,
                  metadata={"channel": "voice", "language": "zh"})
    assert "正在为您转接" in texts(result)
    [request] = StandInHub.received  # the one handoff request of the call: the gateway posts none
    assert request["channel"] == "voice"
    summary = json.dumps(request["summary"], ensure_ascii=False)
    assert "13800138000" not in summary and "138****8000" in summary
    assert handoff_payloads(result) == [{"type": "handoff", "reason": "request", "queued": True,
                                         "request_id": "r-standin", "position": 3, "estimated_wait_s": 240.0}]


def test_a_phone_handoff_the_hub_refused_gives_the_hotline_and_says_not_queued(actions_url):
    StandInHub.refusing = True
    try:
        result = call(actions_url, "action_handoff", "我要投诉你们", "complaint",
                      metadata={"channel": "voice", "language": "zh"})
    finally:
        StandInHub.refusing = False
    assert "95500-8888" in texts(result)
    assert handoff_payloads(result) == [{"type": "handoff", "reason": "complaint", "queued": False,
                                         "request_id": None, "position": None, "estimated_wait_s": None}]


def test_a_chat_handoff_carries_no_payload(actions_url):
    result = call(actions_url, "action_handoff", "转人工", "request_human")
    assert "正在为您转接" in texts(result)
    assert not any(r.get("custom") for r in result["responses"])  # the chat page would draw it as a message


def test_refused_claim_is_explained_in_the_customers_language(actions_url):
    slots = {**verified_c0001(), "claim_policy_number": "HL20240001",
             "claim_incident_date": "2026-01-01", "claim_amount": 50_000_000.0,
             "claim_description": "住院", "language": "zh"}
    result = call(actions_url, "action_submit_claim", "住院", slots=slots)
    assert "报案未成功：金额需大于0且不超过保额" in texts(result)
    assert slots_set(result)["claim_amount"] is None  # the form's answers are cleared for a new try


@pytest.mark.parametrize(("language", "needed"), [("zh", ["请上传以下材料", "医疗费用发票", "诊断证明"]),
                                                ("en", ["Please send these documents", "invoice", "Diagnosis"])])
def test_an_opened_claim_says_which_materials_are_still_needed(actions_url, language, needed):
    slots = {**verified_c0001(), "claim_policy_number": "HL20240001",
             "claim_incident_date": (date.today() - timedelta(days=2)).isoformat(), "claim_amount": 800.0,
             "claim_description": "门诊", "language": language}
    said = texts(call(actions_url, "action_submit_claim", "门诊", slots=slots))
    assert all(n in said for n in needed), said


def test_clause_question_handoff_carries_the_closest_clause_sections(actions_url):
    StandInHub.received.clear()
    call(actions_url, "action_handoff", intent="clause_question",
         text="我投保第20天住院被拒赔，说是等待期内的疾病，等待期条款对我适用吗 手机13800138000")
    request = StandInHub.received[-1]
    assert request["reason"] == "clause"
    excerpts = request["clause_excerpts"]
    assert excerpts and all(e["id"].startswith("clause-") and e["excerpt"] for e in excerpts)
    assert any("等待期" in e["title"] for e in excerpts), excerpts


def test_knowledge_answer_names_its_source(actions_url):
    result = call(actions_url, "action_answer_knowledge", intent="ask_faq", text="安心医疗险的免赔额是多少")
    assert "10,000" in texts(result) and "来源" in texts(result)
