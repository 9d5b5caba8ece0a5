"""Attacks on "verified": it used to be a slot anyone who could write a tracker could set, and
the policy API served any customer to whoever held its one service key. Verified is now a customer
token the policy API signs (policy_api/customer_token.py) and every personal-data route requires it,
serving only its customer. Each attack is a real request to the real processes, refused with a clear
error; each test also shows the legitimate path still works.

The outsider here holds more than the README: the service key (leaked), the action server's secret
(a confused or compromised Rasa), another customer's token. Not the policy API's token key.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from devstack import services
from devstack.tokens import app_token
from policy_api.customer_token import AUDIENCE, ISSUER
from tests.actions.test_action_server import DOMAIN

KEY = {"X-API-Key": services.API_KEY}
THEIR_DATA = ("HL20240001", "AU20240002", "CL20250001", "王芳", "138****8000")

# Every route of the API that returns or acts on one customer's data (C0001's, named or implied).
PERSONAL_ROUTES = [
    ("GET", "/v1/customers/C0001", None),
    ("GET", "/v1/customers/C0001/policies", None),
    ("GET", "/v1/customers/C0001/renewals", None),
    ("GET", "/v1/customers/C0001/premiums/due", None),
    ("GET", "/v1/customers/C0001/claims", None),
    ("GET", "/v1/customers/C0001/summary", None),
    ("GET", "/v1/customers/C0001/highlights", None),
    ("GET", "/v1/policies/HL20240001", None),
    ("GET", "/v1/claims/CL20250001", None),
    ("POST", "/v1/premiums/1/payments", {}),
    ("POST", "/v1/claims", {"policy_number": "HL20240001", "incident_date": "2025-01-02", "amount": 100,
                            "description": "门诊"}),
    ("POST", "/v1/policies/AU20240002/renewal-payments", {}),
    ("GET", "/v1/customers/C0001/contact-phone", None),  # the full number, for the hub's callbacks
]


@pytest.fixture(scope="module")
def services_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A seeded policy API and the action server that calls it (Rasa is not needed to forge a tracker)."""
    workdir: Path = tmp_path_factory.mktemp("customer-token")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    services.seed(database_url)
    with services.policy_api(database_url) as api_url, services.action_server(api_url) as actions_url:
        yield api_url, actions_url


@pytest.fixture
def api(services_up: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=services_up[0], headers=KEY, timeout=20) as client:
        yield client


def token_of(customer_id: str, **signer: int) -> dict[str, str]:
    return {"X-Customer-Token": services.customer_token(customer_id, "sec-test", **signer)}


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, (response.request.url, response.text)
    assert response.json()["error"]["code"] == code, response.text
    assert not any(value in response.text for value in THEIR_DATA), response.text


def forged_tracker(slots: dict) -> dict:
    """What Rasa would post for "我的保单" in a conversation whose slots say she is verified."""
    tracker = {"sender_id": "attacker", "slots": {"language": "zh", **slots},
               "latest_message": {"text": "我的保单", "intent": {"name": "query_policy", "confidence": 1.0},
                                  "entities": [], "metadata": {}},
               "events": [], "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": "action_listen"}
    return {"next_action": "action_handle_request", "sender_id": "attacker", "version": "3.6.2",
            "domain": DOMAIN, "tracker": tracker}


def run_action(actions_url: str, body: dict) -> dict:
    response = httpx.post(f"{actions_url}/webhook", json=body, headers=services.ACTION_SECRET, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def said(result: dict) -> str:
    return "\n".join(r.get("text") or "" for r in result["responses"])


def slots_set(result: dict) -> dict:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


def shows_nothing_of_hers(result: dict) -> bool:
    shown = json.dumps(result, ensure_ascii=False)
    return not any(value in shown for value in THEIR_DATA)


def test_forged_tracker_saying_verified_without_a_token_reads_no_policies(services_up):
    """A tracker with `verified: true, customer_id: C0001`, sent with the action server's own secret."""
    _, actions_url = services_up
    forged = run_action(actions_url, forged_tracker({"verified": True, "customer_id": "C0001"}))
    assert shows_nothing_of_hers(forged), forged
    assert slots_set(forged)["next_step"] == "identity"  # asked to verify, as anyone would be

    # The legitimate path: the token the policy API signed for her conversation opens her policies.
    slots = {"verified": True, "customer_id": "C0001", "customer_token": services.customer_token("C0001")}
    mine = said(run_action(actions_url, forged_tracker(slots)))
    assert "HL20240001" in mine and "AU20240002" in mine


@pytest.mark.parametrize("forgery", ["guessed key", "alg none", "app token as customer token"])
def test_forged_tracker_with_a_forged_token_reads_no_policies(services_up, forgery):
    _, actions_url = services_up
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "C0001", "cid": "attacker", "auth_time": now, "iat": now,
              "exp": now + 600}
    token = {"guessed key": jwt.encode(claims, "a-guessed-key-of-at-least-32-characters!", algorithm="HS256"),
             "alg none": jwt.encode(claims, None, algorithm="none"),
             "app token as customer token": app_token("C0001")}[forgery]
    forged = run_action(actions_url, forged_tracker({"verified": True, "customer_id": "C0001",
                                                     "customer_token": token}))
    assert shows_nothing_of_hers(forged), forged
    assert "重新验证" in said(forged)  # told to verify again; the forged token is dropped
    assert slots_set(forged)["customer_token"] is None and slots_set(forged)["next_step"] == "identity"


@pytest.mark.parametrize(("method", "path", "body"), PERSONAL_ROUTES)
def test_leaked_service_key_alone_reads_no_customer_data(api, method, path, body):
    refused(api.request(method, path, json=body), 401, "customer_token_required")


def test_leaked_service_key_with_her_token_still_reads_her_data(api):
    """The legitimate path: the caller that verified her (her token) gets her data, and a refreshed token."""
    for method, path, _body in PERSONAL_ROUTES:
        if method == "GET":
            response = api.get(path, headers=token_of("C0001"))
            assert response.status_code == 200, (path, response.text)
            assert response.headers["X-Customer-Token"]


@pytest.mark.parametrize("path", ["/v1/customers/C0001", "/v1/customers/C0001/policies",
                                  "/v1/customers/C0001/claims", "/v1/customers/c0001/summary"])
def test_token_for_c0002_cannot_read_c0001_by_path(api, path):
    refused(api.get(path, headers=token_of("C0002")), 403, "customer_token_mismatch")
    assert api.get(path.replace("C0001", "C0002").replace("c0001", "C0002"),
                   headers=token_of("C0002")).status_code == 200


def test_token_for_c0002_cannot_read_c0001_by_query_or_body(api):
    john = token_of("C0002")
    refused(api.get("/v1/policies/HL20240001", params={"customer_id": "C0001"}, headers=john),
            403, "customer_token_mismatch")
    refused(api.get("/v1/claims/CL20250001", params={"customer_id": "C0001"}, headers=john),
            403, "customer_token_mismatch")
    # Naming nobody: the token's customer is the one served, and her policy is not his.
    refused(api.get("/v1/policies/HL20240001", headers=john), 403, "policy_not_owned")
    refused(api.get("/v1/claims/CL20250001", headers=john), 403, "claim_not_owned")
    refused(api.post("/v1/policies/AU20240002/renewal-payments", json={"customer_id": "C0001"}, headers=john),
            403, "customer_token_mismatch")
    refused(api.post("/v1/claims", json={**PERSONAL_ROUTES[10][2], "customer_id": "C0001"}, headers=john),
            403, "customer_token_mismatch")
    assert api.get("/v1/policies/LF20230007", headers=john).json()["policy_number"] == "LF20230007"


def test_the_full_number_goes_only_with_the_token_of_the_customer_it_belongs_to(api):
    """The one unmasked field: the hub calls a verified customer back on it (handoff/callbacks.py)."""
    mine = api.get("/v1/customers/C0001/contact-phone", headers=token_of("C0001"))
    assert mine.json() == {"customer_id": "C0001", "phone": "13800138000"}
    refused(api.get("/v1/customers/C0001/contact-phone", headers=token_of("C0002")), 403, "customer_token_mismatch")


def test_expired_customer_token_is_refused(api):
    """30 idle minutes: the token lapses; and refreshing cannot stretch it past its maximum age."""
    refused(api.get("/v1/customers/C0001/policies", headers=token_of("C0001", idle_s=-1)),
            401, "customer_token_expired")
    old = token_of("C0001", max_age_s=0)  # verified long enough ago: no refresh outlives the maximum
    refused(api.get("/v1/customers/C0001/policies", headers=old), 401, "customer_token_expired")
    fresh = api.get("/v1/customers/C0001/policies", headers=token_of("C0001"))
    assert fresh.status_code == 200
    again = api.get("/v1/customers/C0001", headers={"X-Customer-Token": fresh.headers["X-Customer-Token"]})
    assert again.status_code == 200 and again.json()["name"] == "王芳"


def test_forged_or_altered_customer_token_is_refused(api):
    genuine = services.customer_token("C0002")
    header, payload, signature = genuine.split(".")
    altered_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"C0002"', b'"C0001"')).decode()
    for token in (f"{header}.{altered_payload}.{signature}", app_token("C0001"), "not-a-token", "x" * 5000):
        refused(api.get("/v1/customers/C0001", headers={"X-Customer-Token": token}), 401, "customer_token_invalid")


def test_app_token_is_checked_by_the_policy_api(api):
    """The app path: a valid app token is exchanged for a customer token; a forged one is not."""
    forged = jwt.encode({"sub": "C0001", "exp": int(time.time()) + 600}, "not-the-app-secret-000000000000000",
                        algorithm="HS256")
    refused(api.post("/v1/identity/app-token", json={"app_token": forged, "conversation_id": "app-C0001"}),
            401, "app_token_invalid")
    exchanged = api.post("/v1/identity/app-token", json={"app_token": app_token("C0001"), "conversation_id": "x"})
    assert exchanged.status_code == 200, exchanged.text
    token = {"X-Customer-Token": exchanged.json()["customer_token"]}
    assert api.get("/v1/customers/C0001/policies", headers=token).status_code == 200
    refused(api.get("/v1/customers/C0002/policies", headers=token), 403, "customer_token_mismatch")


def test_verification_is_not_carried_into_a_new_session(services_up):
    """A new session (30 idle minutes, or a restart) keeps the conversation's context, not her token."""
    _, actions_url = services_up
    body = forged_tracker({"verified": True, "customer_id": "C0001", "customer_name": "王芳",
                           "customer_token": services.customer_token("C0001"), "language": "zh"})
    body["next_action"] = "action_session_start"
    carried = set(slots_set(run_action(actions_url, body)))
    assert "language" in carried
    assert not carried & {"customer_token", "verified", "customer_id", "customer_name"}


def test_customer_verified_in_a_real_conversation_gets_only_her_policies(stack, chat):
    """The legitimate path end to end: phone + last 4 with the bot; then 查一下我的保单 lists her policies,
    and the token her conversation holds reads her data and no one else's."""
    assert "验证身份" in chat.say("查一下我的保单")
    assert "后4位" in chat.say("13800138000")
    reply = chat.say("1234")
    assert "王芳" in reply and "HL20240001" in reply and "LF20230007" not in reply
    listed = chat.say("查一下我的保单")
    assert "HL20240001" in listed and "AU20240002" in listed
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    token = {"X-Customer-Token": tracker["slots"]["customer_token"], **KEY}
    assert httpx.get(f"{stack.api_url}/v1/customers/C0001", headers=token, timeout=10).status_code == 200
    refused(httpx.get(f"{stack.api_url}/v1/customers/C0002", headers=token, timeout=10),
            403, "customer_token_mismatch")


def test_app_signed_in_customer_gets_her_policies_in_a_real_conversation(new_chat):
    """The app path end to end: the app token in the message metadata; no identity questions."""
    chat = new_chat({"token": app_token("C0002")})
    reply = chat.say("my policies")
    assert "LF20230007" in reply and "HL20240001" not in reply
