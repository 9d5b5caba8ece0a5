"""理赔: guidance (with the fast-track rule), opening a claim through claim_form, and progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import api_client, identity
from actions.api_client import ApiError, ApiUnavailable, Customer, VerificationExpired
from actions.forms import FreeTextForm
from actions.goals import completed
from actions.messages import INSURANCE_TYPE_LABELS, MESSAGES
from actions.policy import money
from actions.settings import get_settings
from actions.turn import Turn
from common import parsing
from common.clock import local_minute

CLAIM_SLOTS = ("claim_policy_number", "claim_incident_date", "claim_amount", "claim_description",
               "claim_insurance_type")
_SINGLE_PARTY = re.compile(r"单方|自己撞|撞(了)?(墙|树|柱|护栏|杆)|没有对方|single[- ]party|hit a (wall|pole|tree)|no other (car|vehicle)", re.I)
_MULTI_PARTY = re.compile(r"对方|追尾|双方|多方|别人的车|other (driver|car|vehicle|party)|rear[- ]ended|two cars", re.I)


def single_party(text: str) -> bool | None:
    if _MULTI_PARTY.search(text):
        return False
    if _SINGLE_PARTY.search(text):
        return True
    return None


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


async def answer_claim_guidance(turn: Turn, customer: Customer | None) -> list[EventType]:
    kind = parsing.parse_insurance_type(turn.entity("insurance_type") or "") or parsing.parse_insurance_type(turn.text)
    if kind is None:
        buttons = [
            {"title": turn.label(INSURANCE_TYPE_LABELS, k),
             "payload": f'/claim_guidance{{"insurance_type": "{k}"}}'}
            for k in INSURANCE_TYPE_LABELS
        ]
        turn.say("claim_ask_type", buttons=buttons)
        return []
    amount = parsing.parse_amount(turn.entity("amount") or "") or (
        parsing.parse_amount(turn.text) if re.search(r"\d|[一二三四五六七八九十百千万]", turn.text) else None)
    guide = await api_client.claim_guidance(kind, float(amount) if amount else None, single_party(turn.text))
    lang = turn.language
    turn.say("claim_guidance", kind=turn.label(INSURANCE_TYPE_LABELS, kind),
             documents=_numbered(guide[f"documents_{lang}"]), steps=_numbered(guide[f"steps_{lang}"]),
             fast_track=guide["fast_track"][f"reason_{lang}"])
    turn.say("claim_offer_open", buttons=turn.yes_no_buttons())
    return [SlotSet("pending_request", "open_claim"), SlotSet("claim_insurance_type", kind)]


async def start_claim_form(turn: Turn, customer: Customer) -> list[EventType]:
    return [SlotSet("pending_request", None), SlotSet("next_step", "claim_form")]


def timeline_payload(claim: dict, language: str) -> dict[str, Any]:
    steps = [{"status": e["status"], "label": e[f"label_{language}"], "at": e["at"], "done": True}
             for e in claim["timeline"]]
    steps += [{"status": s["status"], "label": s[f"label_{language}"], "at": None, "done": False}
              for s in claim.get("next_steps", [])]
    return {"type": "claim_timeline", "claim_number": claim["claim_number"], "status": claim["status"],
            "amount": str(claim["amount"]), "steps": steps,
            "reject_reason": claim.get(f"reject_reason_{language}")}


def timeline_text(payload: dict, zone: ZoneInfo) -> str:
    lines = [f"✔ {s['label']}  {local_minute(s['at'], zone)}" if s["done"] else f"○ {s['label']}"
             for s in payload["steps"]]
    return "\n".join(lines)


async def show_claim(turn: Turn, claim: dict) -> None:
    payload = timeline_payload(claim, turn.language)
    turn.say("claim_status", number=claim["claim_number"], amount=money(claim["amount"]),
             status=claim[f"status_label_{turn.language}"],
             timeline=timeline_text(payload, ZoneInfo(get_settings().timezone)))
    if payload["reject_reason"]:
        turn.say("claim_rejected_reason", reason=payload["reject_reason"])
    turn.dispatcher.utter_message(json_message=payload)


async def answer_claim_status(turn: Turn, customer: Customer) -> list[EventType]:
    number = parsing.parse_claim_number(turn.text) or parsing.parse_claim_number(turn.entity("claim_number") or "")
    if number is None:
        claims = await api_client.claims(customer)
        if not claims:
            turn.say("no_claims")
            return []
        if len(claims) > 1:
            lines = "\n".join(turn.t("claim_line", number=c["claim_number"], amount=money(c["amount"]),
                                     status=c[f"status_label_{turn.language}"]) for c in claims)
            turn.say("claims_list", lines=lines)
        number = claims[0]["claim_number"]
    try:
        claim = await api_client.claim(number, customer)
    except ApiError as exc:
        turn.say("claim_not_owned" if exc.status == 403 else "claim_not_found", number=number)
        return []
    await show_claim(turn, claim)
    return []


class ValidateClaimForm(FreeTextForm):
    # What happened is told in free text that reads like a question about cover ("single-party
    # accident..."): inside this form that is an answer, never a knowledge question.
    interruptions = FreeTextForm.interruptions - {"ask_faq"}

    def name(self) -> str:
        return "validate_claim_form"

    async def extract_claim_policy_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: DomainDict) -> dict[str, Any]:
        if not self.answers(tracker, "claim_policy_number"):
            return {}
        text = tracker.latest_message.get("text") or ""
        number = parsing.parse_policy_number(text)
        if number:
            return {"claim_policy_number": number}
        return self.reask(dispatcher, tracker, "policy_bad_number", text=text.strip()[:40])

    async def validate_claim_policy_number(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        turn = Turn(dispatcher, tracker)
        customer = identity.tracker_customer(tracker)
        try:
            if customer is None:
                raise VerificationExpired("no customer token")
            policy = await api_client.policy(value, customer)
        except VerificationExpired:
            turn.say("identity_expired")
            return {"claim_policy_number": None, "requested_slot": None,
                    **{name: None for name in identity.IDENTITY_SLOTS}}
        except ApiError as exc:
            turn.say("policy_not_owned" if exc.status == 403 else "policy_not_found", number=value)
            return {"claim_policy_number": None}
        except ApiUnavailable:
            turn.say_offering_human("api_down")
            return {"claim_policy_number": None}
        if policy["status"] != "active":
            turn.say("claim_policy_inactive", number=value)
            return {"claim_policy_number": None}
        slots = {"claim_policy_number": value, "claim_insurance_type": policy["insurance_type"]}
        if customer.refreshed:
            slots[identity.TOKEN_SLOT] = customer.token
        return slots

    async def extract_claim_incident_date(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: DomainDict) -> dict[str, Any]:
        if not self.answers(tracker, "claim_incident_date"):
            return {}
        day = parsing.parse_date(tracker.latest_message.get("text") or "")
        if day is None:
            return self.reask(dispatcher, tracker, "claim_bad_date")
        if day > dt.date.today():
            return self.reask(dispatcher, tracker, "claim_future_date")
        return {"claim_incident_date": day.isoformat()}

    async def extract_claim_amount(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        if not self.answers(tracker, "claim_amount"):
            return {}
        amount = parsing.parse_amount(tracker.latest_message.get("text") or "")
        if amount is None or amount <= 0 or amount > 100_000_000:
            return self.reask(dispatcher, tracker, "claim_bad_amount")
        return {"claim_amount": float(amount)}

    async def extract_claim_description(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> dict[str, Any]:
        if not self.answers(tracker, "claim_description"):
            return {}
        text = (tracker.latest_message.get("text") or "").strip()
        if not 2 <= len(text) <= 500:
            return self.reask(dispatcher, tracker, "claim_bad_description")
        return {"claim_description": text}


def submission_key(tracker: Tracker, payload: dict[str, Any]) -> str:
    """The Idempotency-Key of this form's submission: the conversation, the message that completed the
    form and what it files. A retry of the same submission sends the same key, a new claim a new one."""
    submitted = next((e.get("timestamp") for e in reversed(tracker.events) if e.get("event") == "user"), None)
    source = json.dumps([tracker.sender_id, submitted, payload], sort_keys=True, default=str)
    return "claim-" + hashlib.sha256(source.encode()).hexdigest()[:48]


class ActionSubmitClaim(Action):
    def name(self) -> str:
        return "action_submit_claim"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        turn = Turn(dispatcher, tracker)
        description = tracker.get_slot("claim_description") or ""
        payload = {
            "policy_number": tracker.get_slot("claim_policy_number"),
            "incident_date": tracker.get_slot("claim_incident_date"),
            "amount": tracker.get_slot("claim_amount"),
            "description": description,
            "single_party": single_party(description),
        }
        cleared = [SlotSet(slot, None) for slot in CLAIM_SLOTS]
        customer = identity.tracker_customer(tracker)
        try:
            if customer is None:
                raise VerificationExpired("no customer token")
            claim = await api_client.open_claim(payload, customer, submission_key(tracker, payload))
        except VerificationExpired:
            turn.say("identity_expired")
            return cleared + identity.forgotten_events()
        except ApiError as exc:
            reason = f"refused_{exc.code}"
            turn.say("claim_refused", reason=turn.t(reason if reason in MESSAGES else "refused_other"))
            return cleared
        except ApiUnavailable:
            turn.say_offering_human("api_down")
            return cleared
        fast = (turn.t("claim_fast_track_yes", minutes=claim.get("paid_target_minutes") or 60) if claim["fast_track"]
                else turn.t("claim_fast_track_no"))
        turn.say("claim_opened", number=claim["claim_number"], amount=money(claim["amount"]), fast_track=fast)
        turn.dispatcher.utter_message(json_message=timeline_payload(claim, turn.language))
        await say_missing_materials(turn, claim["claim_number"], customer)
        return cleared + identity.token_events(customer) + [completed("claim_filed")]


async def say_missing_materials(turn: Turn, claim_number: str, customer: Customer) -> None:
    """What the new claim still needs, as the policy API lists it for its type (the same list the chat page's
    materials panel shows). The claim is open whatever happens here: if the list is unavailable, say nothing
    rather than a wrong list."""
    try:
        listing = await api_client.claim_materials(claim_number, customer)
    except (ApiError, ApiUnavailable, VerificationExpired):
        return
    field = "document_en" if turn.language == "en" else "document_zh"
    documents = [m[field] for m in listing.get("missing", []) if m.get(field)]
    if documents:
        turn.say("claim_materials_needed", documents=("; " if turn.language == "en" else "；").join(documents))
