"""Personal data in what we store (PIPL), tried as someone who can read the stores would:
an analyst with the events table (service_figures/ reads it), a supervisor reading old hub transcripts,
a reader of Rasa's tracker API or of voice transcripts. After real conversations through the real
stack (hub, Rasa, action server, policy API, voice gateway), none of them holds a raw phone or ID
number or the app's sign-in token; and the legitimate paths still work: the app customer is signed in
by her token, the identity check by phone + ID digits succeeds, the agent sees a masked summary.
"""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from devstack import services
from devstack.hub_clients import Agent, Customer
from devstack.tokens import app_token
from tests.conftest import Chat
from tests.handoff.conftest import hub, start_hub  # noqa: F401  (fixtures: a real hub per test)
from tests.voice.conftest import VoiceService, twilio_token, voice_service

PHONE, ID_NUMBER = "13800138000", "110101199003071234"  # C0001's, as seeded


def readable(stored: str) -> str:
    """Stored text as a reader would take numbers out of it: full width and Chinese digits folded,
    digit groups joined."""
    folded = unicodedata.normalize("NFKC", stored).translate(str.maketrans("零〇一幺二三四五六七八九", "001123456789"))
    return re.sub(r"(?<=\d)[\s\-.]+(?=\d)", "", folded)


def assert_no_personal_data(stored: str, *, token: str | None = None) -> None:
    plain = readable(stored)
    for number in (PHONE, ID_NUMBER, "13900139000"):
        assert number not in plain, f"{number} stored unmasked: {stored[:2000]}"
    if token:
        assert token not in stored and token.split(".")[-1] not in stored, "the app token was stored"


def stored_events(stack: Any, sender: str) -> str:
    """Everything the event record wrote for one conversation (Rasa's `events` table)."""
    services.wait_for_event_record(stack.events_url)
    engine = create_engine(stack.events_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}).all()
    finally:
        engine.dispose()
    assert rows, f"no events stored for {sender}"
    return "\n".join(row.data for row in rows)


def rasa_tracker(stack: Any, sender: str) -> dict[str, Any]:
    response = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", auth=services.rasa_auth(), timeout=10)
    response.raise_for_status()
    return response.json()


def test_app_token_sent_with_every_message_is_kept_by_no_store(stack, hub) -> None:  # noqa: F811
    """The hub relays a signed-in app customer's token with each message; Rasa used to keep it in the
    tracker (user events, `session_started_metadata`) and write it to the events table, where anyone
    with the figures' database or Rasa's tracker API could replay it to open her app chat."""
    token = app_token("C0001")
    customer = Customer(hub, cid="app-C0001", token=token)
    try:
        customer.send("查一下我的保单")
        reply = customer.event(lambda e: e.get("sender") == "bot" and "HL20240001" in (e.get("text") or ""), 90,
                               "her policies")
        assert "后4位" not in reply["text"]  # the legitimate path: her token signed her in, no questions
    finally:
        customer.close()
    tracker = rasa_tracker(stack, "app-C0001")
    assert tracker["slots"]["verified"] is True and tracker["slots"]["customer_id"] == "C0001"
    assert token not in json.dumps(tracker), "the tracker holds the app token"
    stored = stored_events(stack, "app-C0001")
    assert_no_personal_data(stored, token=token)
    # Nor the customer token the policy API signed for her (a credential too): no JWT at all.
    assert not re.search(r"eyJ[\w-]+\.[\w-]+\.[\w-]+", stored), "a token was stored in the events table"


def test_phone_and_id_numbers_typed_in_chat_are_masked_in_the_events_table(stack) -> None:
    """An analyst reading the events table (the service figures' source) would read every phone and
    ID number customers typed, in their text, the parsed entities and the slots."""
    chat = Chat(stack.rasa_url)
    assert "验证" in chat.say("查一下我的保单")
    reply = chat.say("我的手机号是１３８ ００１３ ８０００，身份证后四位1234")
    assert "验证成功" in reply or "HL20240001" in reply, reply  # the identity check itself still works
    chat.say(f"我的身份证号是{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}，手机+86 138-0013-8000")
    stored = stored_events(stack, chat.sender)
    assert_no_personal_data(stored)
    assert "138****8000" in stored and "**************1234" in stored  # masked, not dropped: still useful


def test_phone_and_id_numbers_in_a_handoff_are_masked_in_hub_records(stack, hub) -> None:  # noqa: F811
    """A supervisor or analyst reading the hub's database (transcripts, agent notes, handoff summaries)
    would read the numbers customers typed and agents noted. The agent still gets a useful summary."""
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        customer.send(f"你好，我的手机是{PHONE}，身份证{ID_NUMBER}")
        customer.bot_reply()
        customer.send("我要转人工")
        offer = agent.offer(timeout=60)
        summary = " ".join(line["text"] for line in offer["summary"])
        assert "138****8000" in summary and PHONE not in summary  # the agent sees who, masked
        assert agent.accept(offer["request_id"]).status_code == 200
        noted = agent.http.post(f"/api/console/conversations/{customer.cid}/notes",
                                json={"text": "客户新号码 139 0013 9000，已核对身份证 " + ID_NUMBER})
        assert noted.status_code == 200
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
        customer.event(lambda e: e.get("kind") == "csat_request")
        engine = create_engine(hub.database_url)
        try:
            for _ in range(50):  # the hub writes its records in the background
                with engine.connect() as conn:
                    lines = conn.execute(text("SELECT text FROM hub_transcripts WHERE conversation_id = :c"),
                                         {"c": customer.cid}).scalars().all()
                    notes = conn.execute(text("SELECT text FROM hub_notes WHERE conversation_id = :c"),
                                         {"c": customer.cid}).scalars().all()
                    summaries = conn.execute(text("SELECT summary FROM hub_handoffs WHERE conversation_id = :c"),
                                             {"c": customer.cid}).scalars().all()
                if lines and notes and summaries:
                    break
                asyncio.run(asyncio.sleep(0.2))
        finally:
            engine.dispose()
        stored = "\n".join([*lines, *notes, *(json.dumps(s, ensure_ascii=False) for s in summaries)])
        assert_no_personal_data(stored)
        assert any("138****8000" in line for line in lines) and any("139****9000" in note for note in notes)
    finally:
        customer.close()
        agent.close()


@pytest.fixture(scope="module")
def gateway(stack: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VoiceService, str]]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('voice-pipl') / 'voice.db'}"
    with voice_service(stack.rasa_url, database_url, {"VOICE_KEYPAD_PAUSE_S": "1.0", "VOICE_MENU_TIMEOUT_S": "6"},
                       twilio_auth_token=twilio_token()) as service:
        yield service, database_url


def test_phone_number_keyed_in_a_call_is_masked_in_the_voice_transcript(gateway, stack) -> None:
    """Whoever reads the voice gateway's transcripts (or the events of a call) would read the numbers
    callers key in. The assistant still gets the number and asks for the ID digits."""
    voice, database_url = gateway

    async def call() -> str:
        async with voice.carrier(language="zh") as carrier:
            await carrier.wait_for("mark", 1)  # the welcome
            await carrier.press(PHONE + "#")
            await carrier.wait_for("mark", 2, timeout=60)  # the read-back of the keyed number
            await carrier.press("1")
            await carrier.wait_for("mark", 3, timeout=60)
            return carrier.call_sid

    call_id = voice.call_id_of(asyncio.run(call()))
    assert [e["text"] for e in rasa_tracker(stack, call_id)["events"] if e["event"] == "user"] == [PHONE]
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            turns = conn.execute(text("SELECT text, metrics FROM voice_turns WHERE call_id = :c"), {"c": call_id}).all()
    finally:
        engine.dispose()
    stored = "\n".join(f"{turn.text} {turn.metrics or ''}" for turn in turns)
    assert_no_personal_data(stored)
    assert "138****8000" in stored
    assert_no_personal_data(stored_events(stack, call_id))
