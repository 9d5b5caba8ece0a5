"""Replies follow the customer's language: the NLU tags each message with the language it is written in (bot/
nlu_components.py, which fills the `language` slot), and every action's text follows that slot; Mandarin when
nothing says otherwise."""

from __future__ import annotations

import re

import pytest

from actions.claims import ActionSubmitClaim
from actions.handoff import ActionHandoff
from actions.requests import ActionHandleRequest
from bot.nlu_components import detect_language
from tests.unit.actions.dialogue import run, tracker

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("text", "language"), [
    ("查一下我的保单", "zh"), ("what's the status of my claim", "en"), ("我的 policy HL20240001", "zh"),
    ("HL20240001 后四位1234", "zh"), ("my policy is HL20240001", "en"),
    ("HL20240001 1234", None), ("13800138000", None), ("/affirm", None), ("", None), ("？？", None),
])
def test_a_message_is_tagged_with_its_language_and_numbers_alone_keep_the_conversations(text, language):
    assert detect_language(text) == language


def scenarios(api) -> dict:
    """One turn of each journey, for a customer of C0002's (English name, English products)."""
    return {
        "policy list": (ActionHandleRequest(), "my policies", "query_policy", api.verified_slots("C0002")),
        "claim guide": (ActionHandleRequest(), "my car hit a wall, repair 3000", "claim_guidance", {}),
        "claim progress": (ActionHandleRequest(), "CL20250002", "claim_status", api.verified_slots("C0002")),
        "nothing due": (ActionHandleRequest(), "premiums due", "premium_due", api.verified_slots("C0002")),
        "what to do": (ActionHandleRequest(), "hello", "what_intent", {}),
        "handoff": (ActionHandoff(), "agent please", "request_human", {}),
        "claim filed": (ActionSubmitClaim(), "hit a pole", "inform", {
            **api.verified_slots("C0002"), "claim_policy_number": "AU20230009", "claim_incident_date": "2026-12-01",
            "claim_amount": 5000.0, "claim_description": "hit a pole, single-party", "claim_insurance_type": "auto"}),
    }


JOURNEYS = ["policy list", "claim guide", "claim progress", "nothing due", "what to do", "handoff", "claim filed"]


@pytest.mark.parametrize("journey", JOURNEYS)
def test_with_the_language_slot_on_english_every_reply_is_english(policy_api, journey):
    action, text, intent, slots = scenarios(policy_api)[journey]
    outcome = run(action, tracker(text, intent, slots={**slots, "language": "en"}))
    assert outcome.texts and not CJK.search(outcome.text + str(outcome.buttons)), outcome.text


@pytest.mark.parametrize("journey", JOURNEYS)
@pytest.mark.parametrize("language", ["zh", None])
def test_in_mandarin_or_with_no_language_known_every_reply_is_mandarin(policy_api, journey, language):
    action, text, intent, slots = scenarios(policy_api)[journey]
    outcome = run(action, tracker(text, intent, slots={**slots, "language": language}))
    assert outcome.texts and all(CJK.search(t) for t in outcome.texts), outcome.text
