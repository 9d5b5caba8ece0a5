"""A supervisor exports and then erases one customer's data, across every store, on the real services:
Rasa (tracker and event broker), the hub (Redis and its tables), the voice gateway and the policy API.

王芳 (C0001) verifies with the bot in the chat, asks for a person; an agent takes the chat, writes a
note and closes it, while a supervisor watches. She also called the voice line (a call in which the bot
verified her) and got a premium reminder. John Smith (C0002) chats in the app and has a reminder too.
The export holds all of hers and nothing of his; the erasure removes hers from every store and leaves
his; the audit table names the supervisor for the watch, the export and the erasure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_db.engine import make_engine
from desk_db.tables.hub import HandoffRecord
from desk_db.tables.reminders import Reminder, ReminderDelivery, SmsOutbox
from devstack import services
from devstack.hub_clients import Agent, Customer, HubRun, app_chat_hello
from devstack.tokens import app_token
from privacy import rasa_events
from tests.conftest import Chat
from tests.e2e.helpers import verify_by_phone
from tests.handoff.conftest import start_hub  # noqa: F401  (fixture: a real hub per test)
from tests.voice.conftest import voice_service
from voice.line.transcripts import TranscriptStore
from voice.security import new_call_id

NOTE = "客户要求明天回电 (note-7Q)"
ASKED = "我的理赔到哪一步了 (ask-7Q)"
CALLED = "我想改一下地址 (call-7Q)"


def _reminder(database_url: str, customer_id: str, policy_number: str) -> None:
    engine = make_engine(database_url)
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session:
        reminder = Reminder(customer_id=customer_id, kind="premium", ref=f"test-{new_call_id()}", step=7,
                            policy_number=policy_number, due_date=now.date(), amount=Decimal("321.00"),
                            language="zh", created_at=now)
        reminder.deliveries = [ReminderDelivery(channel="sms", status="sent", created_at=now, updated_at=now)]
        session.add(reminder)
        session.flush()
        session.add(SmsOutbox(idempotency_key=f"reminder-{reminder.id}-sms", phone="13800138000",
                              text=f"保费提醒 {customer_id}", created_at=now))
        session.commit()
    engine.dispose()


def _verified_chat_with_a_person(hub: HubRun, agent: Agent, supervisor: Agent) -> str:
    customer = Customer(hub)
    try:
        customer.verified_to_agent(agent)
        customer.send(ASKED)
        agent.event(lambda e: e.get("text") == ASKED, 15, "her question")
        assert agent.reply(customer.cid, "我来帮您查").status_code == 200
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/notes",
                               json={"text": NOTE}).status_code == 200
        supervisor.conversation(customer.cid)  # she watches the live chat
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
        return customer.cid
    finally:
        customer.close()


def _export(supervisor: Agent, customer_id: str) -> dict[str, Any]:
    response = supervisor.http.get(f"/v1/customers/{customer_id}/export")
    assert response.status_code == 200, response.text
    return response.json()


def _texts(document: dict[str, Any]) -> str:
    return str(document)


def test_export_and_erase_one_customer_across_every_store(stack, start_hub, tmp_path: Path):  # noqa: F811
    voice_db = f"sqlite:///{tmp_path / 'voice.db'}"
    with voice_service(stack.rasa_url, voice_db) as voice:
        hub = start_hub(RASA_EVENTS_URL=stack.events_url, VOICE_URL=voice.url, VOICE_API_KEY=voice.api_key)
        agent, supervisor = Agent(hub, "agent1"), Agent(hub, "supervisor", available=False)
        try:
            chat_cid = _verified_chat_with_a_person(hub, agent, supervisor)
            # Her call: the gateway's conversation with Rasa (verified), and its transcript.
            call = Chat(stack.rasa_url)
            call.sender = new_call_id()
            verify_by_phone(call, "13800138000", "1234")
            store = TranscriptStore(voice_db)
            store.ensure_call(call.sender, "zh")
            store.add_turn(call.sender, 1, "caller", "speech", CALLED)
            store.add_turn(call.sender, 2, "bot", "assistant", "好的")
            store.close()
            _reminder(stack.database_url, "C0001", "HL20240001")
            _reminder(stack.database_url, "C0002", "LF20230007")
            his_token = app_token("C0002")
            app_chat_hello(hub, his_token)
            his_before = _export(supervisor, "C0002")
            assert "app-C0002" in his_before["conversations"] and his_before["counts"]["hub_live"]["messages"] >= 2
            assert his_token not in _texts(his_before)  # a credential, not his data

            services.wait_for_event_record(stack.events_url)  # her chats' events written
            mine = _export(supervisor, "C0001")
            assert {chat_cid, call.sender, "app-C0001"} <= set(mine["conversations"])
            assert "app-C0002" not in mine["conversations"]
            counts = mine["counts"]
            assert counts["hub"]["handoffs"] == 1 and counts["hub"]["notes"] == 1
            assert counts["hub"]["transcript_lines"] >= 5
            assert counts["rasa_events"]["events"] > 10
            assert counts["voice"] == {"calls": 1, "turns": 2}
            assert counts["reminders"]["reminders"] >= 1 and counts["reminders"]["sms"] >= 1
            text = _texts(mine)
            assert NOTE in text and ASKED in text and CALLED in text and "保费提醒 C0001" in text
            assert "保费提醒 C0002" not in text and "app_token" not in text
            # Her claims, their history and the files sent for them (seeded: CL20250001 is hers, CL20250002 his).
            assert "CL20250001" in {c["claim_number"] for c in mine["claim_records"]["claims"]}
            assert "CL20250002" not in text and counts["claims"]["claims"] >= 1

            # The services' own erase routes answer only the hub's keys.
            assert httpx.post(f"{voice.url}/calls/erase", json={"call_ids": [call.sender]}).status_code == 401
            assert httpx.delete(f"{stack.api_url}/v1/customers/C0001/reminder-records").status_code == 401
            assert httpx.get(f"{stack.api_url}/v1/customers/C0001/claim-records").status_code == 401

            erased = supervisor.http.post("/v1/customers/C0001/erase", headers={"Origin": hub.url})
            assert erased.status_code == 200, erased.text
            done = erased.json()["counts"]
            assert done["hub"]["notes"] == 1 and done["hub"]["transcript_lines"] == counts["hub"]["transcript_lines"]
            assert done["hub"]["handoffs_anonymised"] == 1
            assert done["rasa_events"]["events"] == counts["rasa_events"]["events"]
            assert done["voice"] == {"calls": 1, "turns": 2}
            assert done["reminders"]["reminders"] == counts["reminders"]["reminders"]
            # Her claim files stay, as the law has an insurer keep them, and the answer says so.
            assert done["claims"]["kept"]["claims"] == counts["claims"]["claims"]
            assert "保险法" in done["claims"]["kept"]["reason"]

            # Nothing of hers is left anywhere...
            after = _export(supervisor, "C0001")
            assert after["counts"]["hub"] == {"handoffs": 0, "transcript_lines": 0, "notes": 0, "callbacks": 0}
            assert after["counts"]["rasa_events"] == {"events": 0}
            assert after["counts"]["voice"] == {"calls": 0, "turns": 0}
            assert after["counts"]["reminders"]["reminders"] == 0 and after["counts"]["reminders"]["sms"] == 0
            assert NOTE not in _texts(after) and ASKED not in _texts(after)
            for cid in (chat_cid, call.sender):  # Rasa's own tracker store
                tracker = httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", auth=services.rasa_auth(),
                                    params={"include_events": "ALL"}, timeout=10).json()
                # An emptied tracker: what Rasa shows is a new session's start, not a word of hers.
                assert not [e for e in tracker["events"] if e["event"] in ("user", "bot")], tracker["events"]
                assert tracker["slots"].get("customer_id") is None
            events = make_engine(stack.events_url)
            with events.connect() as conn:
                assert not conn.execute(select(rasa_events.events.c.id).where(
                    rasa_events.events.c.sender_id.in_([chat_cid, call.sender]))).first()
            events.dispose()
            # ...but the figures still count her handoff (times and outcome, no name, no words).
            database = make_engine(hub.database_url)
            with Session(database) as session:
                [record] = session.scalars(select(HandoffRecord)).all()
                assert record.customer_id is None and record.summary == [] and record.outcome == "closed"
                assert record.conversation_id.startswith("erased-") and record.accept_ms is not None
            database.dispose()

            # His data is intact.
            his_after = _export(supervisor, "C0002")
            assert his_after["counts"] == his_before["counts"]
            assert "保费提醒 C0002" in _texts(his_after)

            # Who watched, exported and erased, and whose data: on record.
            audit = supervisor.http.get("/api/console/audit").json()
            seen = {(row["username"], row["action"], row["customer_id"], row["conversation_id"]) for row in audit}
            assert ("supervisor", "watch_conversation", "C0001", chat_cid) in seen
            assert ("supervisor", "export_customer", "C0001", None) in seen
            assert ("supervisor", "erase_customer", "C0001", None) in seen
        finally:
            agent.close()
            supervisor.close()


def test_erasure_waits_while_a_person_has_her_chat(stack, start_hub):  # noqa: F811
    """Erasing a conversation an agent is answering would pull it from under them: refused (409) until
    the chat is closed, and nothing is erased meanwhile."""
    hub = start_hub(RASA_EVENTS_URL=stack.events_url)
    agent, supervisor = Agent(hub, "agent1"), Agent(hub, "supervisor", available=False)
    customer = Customer(hub, token=app_token("C0002"))
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        assert hub.handoff(customer.cid).status_code == 201
        assert agent.accept(agent.offer()["request_id"]).status_code == 200
        refused = supervisor.http.post("/v1/customers/C0002/erase", headers={"Origin": hub.url})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "conversation_live"
        assert customer.cid in _export(supervisor, "C0002")["conversations"]
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/close").status_code == 200
        erased = supervisor.http.post("/v1/customers/C0002/erase", headers={"Origin": hub.url})
        assert erased.status_code == 200, erased.text
        assert _export(supervisor, "C0002")["counts"]["hub_live"] == {"conversations": 0, "messages": 0}
    finally:
        customer.close()
        agent.close()
        supervisor.close()
