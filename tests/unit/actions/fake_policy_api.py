"""An in-process stand-in for the policy-data API, for the actions' unit tests.

It answers the routes the actions call (actions/api_client.py) as the real API does (docs/policy_api.md): JSON
bodies, errors as `{"error": {"code", "message"}}` with their status, a customer's data only with her token in
X-Customer-Token, and a refreshed token in that response header on each use. Claim guidance and its fast-track
rule are the real API's own (policy_api/claim_rules.py, plain Python). The data are the demo customers'
(`make seed`), on fixed dates.

The `policy_api` fixture puts it where the actions' one HTTP client gets its session: everything from the action
down to the client's reading of statuses and headers is the product's code; only the socket is not.
"""

from __future__ import annotations

import copy
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp

from policy_api.claim_rules import GUIDANCE, STATUS_LABELS, fast_track

CUSTOMERS = {
    "C0001": {"name": "王芳", "phone": "13800138000", "id_last4": "1234", "preferred_language": "zh"},
    "C0002": {"name": "John Smith", "phone": "13900139000", "id_last4": "5678", "preferred_language": "en"},
}


def _policy(number: str, customer_id: str, kind: str, zh: str, en: str, start: str, end: str, insured: str,
            sum_insured: float, premium: float) -> dict[str, Any]:
    return {"policy_number": number, "customer_id": customer_id, "insurance_type": kind, "product_name_zh": zh,
            "product_name_en": en, "status": "active", "start_date": start, "end_date": end, "insured_name": insured,
            "sum_insured": sum_insured, "annual_premium": premium, "payment_frequency": "annual",
            "next_premium": None}


POLICIES = {p["policy_number"]: p for p in [
    _policy("HL20240001", "C0001", "health", "安心医疗险", "Anxin Medical Insurance", "2024-12-07", "2029-12-06",
            "王芳", 1_000_000, 1_200),
    _policy("AU20240002", "C0001", "auto", "安心车险", "Anxin Auto Insurance", "2025-12-31", "2026-12-30", "王芳",
            300_000, 4_800),
    _policy("LF20230007", "C0002", "life", "安心定期寿险", "Anxin Term Life", "2023-03-01", "2043-02-28",
            "John Smith", 2_000_000, 3_600),
    _policy("AU20230009", "C0002", "auto", "安心车险", "Anxin Auto Insurance", "2026-01-15", "2027-01-14",
            "John Smith", 300_000, 5_200),
]}

PREMIUMS = [
    {"premium_id": 11, "policy_number": "HL20240001", "product_name_zh": "安心医疗险",
     "product_name_en": "Anxin Medical Insurance", "due_date": "2026-12-16", "amount": 1200.0, "days_until_due": 10,
     "status": "due"},
    {"premium_id": 21, "policy_number": "LF20230007", "product_name_zh": "安心定期寿险",
     "product_name_en": "Anxin Term Life", "due_date": "2026-03-01", "amount": 3600.0, "days_until_due": -280,
     "status": "paid"},
]


def _step(status: str, at: str | None = None) -> dict[str, Any]:
    zh, en = STATUS_LABELS[status]
    return {"status": status, "label_zh": zh, "label_en": en, **({"at": at} if at else {})}


def _claim(number: str, policy: str, amount: float, status: str, timeline: list[dict], next_steps: list[dict],
           reject: tuple[str, str] | None = None) -> dict[str, Any]:
    zh, en = STATUS_LABELS[status]
    return {"claim_number": number, "policy_number": policy, "insurance_type": POLICIES[policy]["insurance_type"],
            "amount": amount, "incident_date": "2026-11-27", "status": status, "status_label_zh": zh,
            "status_label_en": en, "fast_track": True, "created_at": timeline[0]["at"], "description": "",
            "reject_reason_zh": reject[0] if reject else None, "reject_reason_en": reject[1] if reject else None,
            "timeline": timeline, "next_steps": next_steps, "approved_amount": None, "paid_target_minutes": None}


# Times as the API stores them: UTC, naive.
CLAIMS = {c["claim_number"]: c for c in [
    _claim("CL20250001", "HL20240001", 3200.0, "reviewing",
           [_step("reported", "2026-11-29T06:33:00"), _step("reviewing", "2026-11-30T02:10:00")],
           [_step("paying"), _step("paid")]),
    _claim("CL20250002", "AU20230009", 8000.0, "paid",
           [_step("reported", "2026-10-26T06:33:00"), _step("reviewing", "2026-10-28T06:33:00"),
            _step("paying", "2026-11-02T06:33:00"), _step("paid", "2026-11-04T06:33:00")], []),
]}

MISSING_MATERIALS = {
    "health": [{"kind": "invoice", "document_zh": "医疗费用发票", "document_en": "medical invoice"},
               {"kind": "diagnosis", "document_zh": "诊断证明", "document_en": "diagnosis certificate"}],
    "auto": [{"kind": "damage_photo", "document_zh": "车辆损失照片", "document_en": "photos of the damage"}],
}


class Refusal(Exception):
    """The API's answer to a request it refuses: status, code, message (and headers, e.g. Retry-After)."""

    def __init__(self, status: int, code: str, message: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class Reply:
    """One response, as the client reads it (aiohttp's ClientResponse: status, headers, json())."""

    def __init__(self, status: int, body: Any, headers: dict[str, str]) -> None:
        self.status, self.body, self.headers = status, body, headers

    async def json(self, content_type: str | None = None) -> Any:
        return self.body

    async def __aenter__(self) -> Reply:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


@dataclass
class Call:
    method: str
    path: str
    json: Any
    params: dict | None
    headers: dict[str, str]


class FakePolicyApi:
    """The policy API with the demo data. `down`: every call fails as a refused connection; `locked`: identity
    keys (policy numbers, phones) the API has locked; `expire(token)`: a token the API stops accepting."""

    def __init__(self) -> None:
        self.customers = copy.deepcopy(CUSTOMERS)
        self.policies = copy.deepcopy(POLICIES)
        self.premiums = copy.deepcopy(PREMIUMS)
        self.claims = copy.deepcopy(CLAIMS)
        self.down = False
        # The real API sends the same token back until a refresh would extend it by a minute.
        self.refreshes_tokens = True
        self.locked: set[str] = set()
        self.app_tokens: dict[str, str] = {}  # an app's signed-in token -> its customer
        self.knowledge_hits: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self._tokens: dict[str, str] = {}  # customer token -> customer id
        self._expired: set[str] = set()
        self._serial = itertools.count(1)
        self._claims_by_key: dict[str, str] = {}

    # --- what tests arrange --------------------------------------------------------------------------------

    def sign_in(self, customer_id: str) -> str:
        """A customer token for her, as the API signs one after a successful check."""
        token = f"token-{customer_id}-{next(self._serial)}"
        self._tokens[token] = customer_id
        return token

    def verified_slots(self, customer_id: str) -> dict[str, Any]:
        """The slots of a conversation in which she verified: who she is and her token."""
        return {"verified": True, "customer_id": customer_id, "customer_name": self.customers[customer_id]["name"],
                "customer_token": self.sign_in(customer_id)}

    def expire(self, token: str) -> None:
        self._expired.add(token)

    def data_calls(self) -> list[Call]:
        """The calls that read or changed a customer's data (the ones a customer token opens)."""
        return [c for c in self.calls if "X-Customer-Token" in c.headers]

    # --- the session the actions' client uses --------------------------------------------------------------

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        headers = dict(headers or {})
        self.calls.append(Call(method, path, json, params, headers))
        if self.down:
            raise aiohttp.ClientConnectionError("connection refused")
        answer_headers: dict[str, str] = {}
        try:
            status, body = self._route(method, path, json or {}, params or {}, headers, answer_headers)
        except Refusal as refusal:
            return Reply(refusal.status, {"error": {"code": refusal.code, "message": refusal.message}},
                         {**answer_headers, **refusal.headers})
        return Reply(status, body, answer_headers)

    def _route(self, method: str, path: str, body: dict, params: dict, headers: dict[str, str],
               answer: dict[str, str]) -> tuple[int, Any]:
        def customer(named: str | None = None) -> str:
            return self._customer(headers, answer, named)

        routes = [
            ("POST", r"/v1/identity/verify", lambda: self._verify(body)),
            ("POST", r"/v1/identity/app-token", lambda: self._app_token(body)),
            ("GET", r"/v1/customers/(?P<c>[^/]+)/policies",
             lambda c: (200, {"policies": [self._summary(p) for p in self._policies_of(customer(c))]})),
            ("GET", r"/v1/policies/(?P<n>[^/]+)", lambda n: (200, self._owned_policy(n, customer()))),
            ("GET", r"/v1/customers/(?P<c>[^/]+)/premiums/due",
             lambda c: (200, {"premiums": self._due(customer(c))})),
            ("POST", r"/v1/premiums/(?P<i>\d+)/payments", lambda i: self._pay(int(i), customer())),
            ("GET", r"/v1/claims/guidance/(?P<k>[^/]+)", lambda k: self._guidance(k, params)),
            ("POST", r"/v1/claims", lambda: self._open_claim(body, customer(), headers.get("Idempotency-Key"))),
            ("GET", r"/v1/claims/(?P<n>[^/]+)/materials", lambda n: self._materials(n, customer())),
            ("GET", r"/v1/claims/(?P<n>[^/]+)", lambda n: (200, self._owned_claim(n, customer()))),
            ("GET", r"/v1/customers/(?P<c>[^/]+)/claims",
             lambda c: (200, {"claims": [self._claim_summary(x) for x in self._claims_of(customer(c))]})),
            ("POST", r"/v1/knowledge/search",
             lambda: (200, {"hits": self.knowledge_hits, "confident": bool(self.knowledge_hits)})),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return handler(**match.groupdict())
        raise Refusal(404, "not_found", f"{method} {path}")

    # --- identity and tokens ------------------------------------------------------------------------------

    def _verified(self, customer_id: str) -> tuple[int, dict[str, Any]]:
        who = self.customers[customer_id]
        return 200, {"customer_id": customer_id, "name": who["name"], "preferred_language": who["preferred_language"],
                     "phone_masked": who["phone"][:3] + "****" + who["phone"][-4:],
                     "customer_token": self.sign_in(customer_id), "token_expires_at": 1_800_000_000}

    def _verify(self, body: dict) -> tuple[int, dict[str, Any]]:
        key = body.get("policy_number") or body.get("phone")
        if key in self.locked:
            raise Refusal(429, "identity_locked", "Too many failed checks.", {"Retry-After": "900"})
        if body.get("policy_number"):
            owner = (self.policies.get(body["policy_number"]) or {}).get("customer_id")
        else:
            owner = next((c for c, who in self.customers.items() if who["phone"] == body.get("phone")), None)
        if owner is None or self.customers[owner]["id_last4"] != str(body.get("id_last4") or "").upper():
            raise Refusal(401, "identity_mismatch", "The details do not match.")
        return self._verified(owner)

    def _app_token(self, body: dict) -> tuple[int, dict[str, Any]]:
        owner = self.app_tokens.get(body.get("app_token") or "")
        if owner is None:
            raise Refusal(401, "app_token_invalid", "The app token is not valid.")
        return self._verified(owner)

    def _customer(self, headers: dict[str, str], answer: dict[str, str], named: str | None) -> str:
        token = headers.get("X-Customer-Token")
        if not token:
            raise Refusal(401, "customer_token_required", "Send the customer's token.")
        if token in self._expired:
            raise Refusal(401, "customer_token_expired", "Verify again.")
        owner = self._tokens.get(token)
        if owner is None:
            raise Refusal(401, "customer_token_invalid", "Verify again.")
        if named is not None and named != owner:
            raise Refusal(403, "customer_token_mismatch", "Not this customer's token.")
        answer["X-Customer-Token"] = self.sign_in(owner) if self.refreshes_tokens else token
        return owner

    # --- policies and premiums ----------------------------------------------------------------------------

    def _policies_of(self, customer_id: str) -> list[dict[str, Any]]:
        return sorted((p for p in self.policies.values() if p["customer_id"] == customer_id),
                      key=lambda p: p["policy_number"])

    @staticmethod
    def _summary(policy: dict[str, Any]) -> dict[str, Any]:
        keys = ("policy_number", "insurance_type", "product_name_zh", "product_name_en", "status", "start_date",
                "end_date")
        return {k: policy[k] for k in keys}

    def _owned_policy(self, number: str, customer_id: str) -> dict[str, Any]:
        policy = self.policies.get(number)
        if policy is None:
            raise Refusal(404, "policy_not_found", f"No policy {number}.")
        if policy["customer_id"] != customer_id:
            raise Refusal(403, "policy_not_owned", "Not this customer's policy.")
        return {k: v for k, v in policy.items() if k != "customer_id"}

    def _due(self, customer_id: str) -> list[dict[str, Any]]:
        mine = {p["policy_number"] for p in self._policies_of(customer_id)}
        return sorted((p for p in self.premiums if p["policy_number"] in mine and p["status"] == "due"),
                      key=lambda p: p["due_date"])

    def _pay(self, premium_id: int, customer_id: str) -> tuple[int, dict[str, Any]]:
        premium = next((p for p in self.premiums if p["premium_id"] == premium_id), None)
        if premium is None or self.policies[premium["policy_number"]]["customer_id"] != customer_id:
            raise Refusal(404, "premium_not_found", "No such premium.")
        if premium["status"] == "paid":
            raise Refusal(409, "premium_already_paid", "Already paid.")
        payment_id = f"PAY{premium_id:06d}"
        return 201, {"payment_id": payment_id, "payment_url": f"http://127.0.0.1:8001/pay/{payment_id}",
                     "amount": premium["amount"], "status": "pending"}

    # --- claims -------------------------------------------------------------------------------------------

    @staticmethod
    def _guidance(kind: str, params: dict) -> tuple[int, dict[str, Any]]:
        guide = GUIDANCE.get(kind)
        if guide is None:
            raise Refusal(404, "unknown_insurance_type", kind)
        amount = Decimal(params["amount"]) if "amount" in params else None
        single = {"true": True, "false": False}.get(params.get("single_party", ""))
        decision = fast_track(kind, amount, single)
        return 200, {"insurance_type": kind, "documents_zh": list(guide.documents_zh),
                     "documents_en": list(guide.documents_en), "steps_zh": list(guide.steps_zh),
                     "steps_en": list(guide.steps_en),
                     "fast_track": {"limit": float(decision.limit) if decision.limit else None,
                                    "eligible": decision.eligible, "reason_zh": decision.reason_zh,
                                    "reason_en": decision.reason_en}}

    def _open_claim(self, body: dict, customer_id: str, key: str | None) -> tuple[int, dict[str, Any]]:
        if key and key in self._claims_by_key:
            return 200, self.claims[self._claims_by_key[key]]
        policy = self._owned_policy(body.get("policy_number") or "", customer_id)
        if body.get("incident_date", "") > policy["end_date"] or body.get("incident_date", "") < policy["start_date"]:
            raise Refusal(422, "invalid_incident_date", "Outside the policy's cover.")
        amount = Decimal(str(body["amount"]))
        eligible = fast_track(policy["insurance_type"], amount, body.get("single_party")).eligible is True
        number = f"CL2026{len(self.claims) + 1:04d}"
        claim = _claim(number, policy["policy_number"], float(amount), "reported",
                       [_step("reported", "2026-12-06T03:00:00")], [_step("reviewing"), _step("paying"), _step("paid")])
        claim.update(fast_track=eligible, description=body.get("description", ""),
                     paid_target_minutes=60 if eligible else None)
        self.claims[number] = claim
        if key:
            self._claims_by_key[key] = number
        return 201, claim

    def _claims_of(self, customer_id: str) -> list[dict[str, Any]]:
        return [c for c in self.claims.values() if self.policies[c["policy_number"]]["customer_id"] == customer_id]

    @staticmethod
    def _claim_summary(claim: dict[str, Any]) -> dict[str, Any]:
        keys = ("claim_number", "policy_number", "insurance_type", "amount", "incident_date", "status",
                "status_label_zh", "status_label_en", "fast_track", "created_at")
        return {k: claim[k] for k in keys}

    def _owned_claim(self, number: str, customer_id: str) -> dict[str, Any]:
        claim = self.claims.get(number)
        if claim is None:
            raise Refusal(404, "claim_not_found", f"No claim {number}.")
        if self.policies[claim["policy_number"]]["customer_id"] != customer_id:
            raise Refusal(403, "claim_not_owned", "Not this customer's claim.")
        return claim

    def _materials(self, number: str, customer_id: str) -> tuple[int, dict[str, Any]]:
        claim = self._owned_claim(number, customer_id)
        return 200, {"claim_number": number, "materials": [], "missing": MISSING_MATERIALS.get(claim["insurance_type"], [])}
