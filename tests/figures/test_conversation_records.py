"""How tracker events become conversations: sessions, carried-over slots, reminders nobody answered.
The events are written in the event broker's own table shape (id, sender_id, data as JSON)."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from service_figures.conversations import read_conversations

T0 = 1_790_000_000.0


def _events(sender: str, start: float, *items: tuple) -> list[tuple[str, dict]]:
    out = [(sender, {"event": "action", "name": "action_session_start", "timestamp": start}),
           (sender, {"event": "session_started", "timestamp": start})]
    for n, item in enumerate(items, 1):
        kind, *rest = item
        at = start + n
        if kind == "user":
            out.append((sender, {"event": "user", "text": rest[0], "timestamp": at,
                                 "metadata": rest[1] if len(rest) > 1 else {}}))
        else:
            out.append((sender, {"event": "slot", "name": rest[0], "value": rest[1], "timestamp": at}))
    return out


def _engine(tmp_path, events):
    engine = create_engine(f"sqlite:///{tmp_path / 'events.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"))
        for sender, event in events:
            conn.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
                         {"s": sender, "d": json.dumps({"sender_id": sender, **event})})
    return engine


def test_sessions_carry_over_and_resolution(tmp_path):
    events = (
        # a: resolved in its first session; its second session only carries the slots over, then a
        # question that goes to a person: not resolved, one handoff.
        _events("a", T0, ("user", "查保单"), ("slot", "goal_completed", "policy_lookup"), ("slot", "language", "zh"))
        + _events("b", T0 + 5, ("user", "hello"), ("slot", "language", "en"), ("slot", "handoff_reason", "request"),
                  ("slot", "goal_completed", "claim_status"), ("slot", "csat_score", 5.0))
        + _events("a", T0 + 7200, ("slot", "goal_completed", "policy_lookup"), ("slot", "language", "en"),
                  ("user", "agent please"), ("slot", "handoff_reason", "request"))
        # c: a reminder delivered, never answered: no conversation.
        + _events("c", T0 + 10, ("user", "EXTERNAL: EXTERNAL_premium_reminder", {"is_external": True}),
                  ("slot", "reminder_id", "17"))
        # d: resolved, then a complaint: not resolved; the skipped rating is kept.
        + _events("d", T0 + 20, ("user", "理赔进度"), ("slot", "goal_completed", "claim_status"),
                  ("slot", "csat_skipped", True), ("slot", "handoff_reason", "complaint"))
    )
    engine = _engine(tmp_path, sorted(events, key=lambda e: e[1]["timestamp"]))
    convs = {(c.sender_id, c.started_at): c for c in read_conversations(engine, since=0)}
    assert len(convs) == 4  # c is not a conversation
    first, second = convs[("a", T0)], convs[("a", T0 + 7200)]
    assert first.resolved_by_bot and first.goals == ["policy_lookup"] and first.language == "zh"
    assert not second.resolved_by_bot and second.goals == [] and second.handoff_reasons == ["request"]
    assert second.language == "en"  # carried over, not changed in the session
    b = convs[("b", T0 + 5)]
    assert b.resolved_by_bot and b.handoff_reasons == ["request"] and b.csat_score == 5.0  # goal after the person
    d = convs[("d", T0 + 20)]
    assert not d.resolved_by_bot and d.csat_skipped and d.handoff_reasons == ["complaint"]
    assert [c.sender_id for c in read_conversations(engine, since=T0 + 15)] == ["d", "a"]


def test_no_events_table_yet_means_no_conversations(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert read_conversations(engine, since=0) == []
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"))
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES ('x', 'not json')"))
    assert read_conversations(engine, since=0) == []
