"""The voice gateway's tables: one row per call, one per turn; texts masked before they are written
(voice/line/transcripts.py)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

calls = Table(
    "voice_calls", metadata,
    Column("call_id", String(64), primary_key=True),  # ours (voice.security.new_call_id)
    Column("call_sid", String(34), index=True),  # the carrier's reference (Twilio Call SID), format-checked
    Column("stream_sid", String(64)),
    Column("language", String(8)),
    Column("caller", String(32)),  # masked
    Column("called", String(32)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", String(32)),
    Column("handoff_request_id", String(64)),
)

turns = Table(
    "voice_turns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_id", String(64), ForeignKey("voice_calls.call_id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("speaker", String(16), nullable=False),  # caller | bot
    Column("source", String(16), nullable=False),  # speech | keypad | assistant | prompt
    Column("text", Text, nullable=False),  # masked
    Column("intent", String(64)),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("metrics", JSON),  # timings of a caller turn: audio_s, asr_ms, eos_to_transcript_ms, eos_to_first_audio_ms
)
