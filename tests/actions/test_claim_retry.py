"""The claim action's retry after a timeout files one claim: the real action server and policy API, with
a proxy between them that answers the first claim POST too late (after the API has filed it).
The action's timeout is long enough that a loaded host's slow first claim is not itself a timeout."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from devstack import services
from tests.actions.test_action_server import DOMAIN, texts


class SlowFirstClaim(BaseHTTPRequestHandler):
    """Forwards to the policy API; holds back its answer to the first POST /v1/claims past the timeout."""

    upstream = ""
    claim_keys: list[str | None] = []

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        response = httpx.request(self.command, self.upstream + self.path, content=body, headers=headers, timeout=20)
        if self.command == "POST" and self.path == "/v1/claims":
            SlowFirstClaim.claim_keys.append(self.headers.get("Idempotency-Key"))
            if len(SlowFirstClaim.claim_keys) == 1:
                time.sleep(15)  # filed upstream; the action gave up after 10 s
        self.send_response(response.status_code)
        self.send_header("Content-Type", response.headers.get("content-type", "application/json"))
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _forward  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def slow_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    workdir: Path = tmp_path_factory.mktemp("claim_retry")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    services.seed(database_url)
    with services.policy_api(database_url) as api_url:
        SlowFirstClaim.upstream = api_url
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), SlowFirstClaim)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        try:
            with services.action_server(f"http://127.0.0.1:{proxy.server_port}", {"POLICY_API_TIMEOUT_S": "10"}) as url:
                yield url, api_url
        finally:
            proxy.shutdown()


def test_claim_retried_after_a_timeout_is_filed_once(slow_actions) -> None:
    actions_url, api_url = slow_actions
    claims_url = f"{api_url}/v1/customers/C0001/claims"
    before = httpx.get(claims_url, headers=services.customer_headers("C0001"), timeout=10).json()["claims"]
    slots = {"language": "zh", "verified": True, "customer_id": "C0001",
             "customer_token": services.customer_token("C0001", "claim-retry"), "claim_policy_number": "HL20240001",
             "claim_incident_date": (date.today() - timedelta(days=2)).isoformat(), "claim_amount": 800.0,
             "claim_description": "发烧门诊"}
    tracker = {"sender_id": "claim-retry", "slots": slots, "paused": False, "followup_action": None,
               "latest_message": {"text": "发烧门诊", "intent": {"name": "inform", "confidence": 1.0},
                                  "entities": [], "metadata": {}},
               "events": [{"event": "user", "timestamp": 1764900000.5, "text": "发烧门诊"}],
               "active_loop": {}, "latest_action_name": "claim_form"}
    response = httpx.post(f"{actions_url}/webhook", headers=services.ACTION_SECRET, timeout=60, json={
        "next_action": "action_submit_claim", "sender_id": "claim-retry", "tracker": tracker,
        "domain": DOMAIN, "version": "3.6.2"})
    assert response.status_code == 200, response.text
    after = httpx.get(claims_url, headers=services.customer_headers("C0001"), timeout=10).json()["claims"]
    # Two attempts with one key, one claim filed, and the customer told its number.
    keys = SlowFirstClaim.claim_keys
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("claim-"), keys
    assert len(after) == len(before) + 1
    assert after[0]["claim_number"] in texts(response.json())
