"""The figures per day and language and in total, each against its target."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from service_figures.callbacks import CallbackRow, read_callbacks
from service_figures.conversations import Conversation, read_conversations
from service_figures.handoffs import HandoffRow, read_handoffs
from service_figures.reminders import ReminderRow, read_reminders

ACCEPT_TARGET_S = 30.0
# name -> (comparison, target); the business plan's targets.
TARGETS: dict[str, tuple[str, float]] = {
    "resolved_by_bot_share": (">=", 0.80),
    "csat_share_4_5": (">=", 0.90),
    "accept_p95_s": ("<=", ACCEPT_TARGET_S),
    "workload_reduction": (">=", 0.50),
}


@dataclass
class _Bucket:
    conversations: list[Conversation] = field(default_factory=list)
    handoffs: list[HandoffRow] = field(default_factory=list)
    reminders: list[ReminderRow] = field(default_factory=list)
    callbacks: list[CallbackRow] = field(default_factory=list)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _percentile_s(values_ms: list[float], q: float) -> float | None:
    if not values_ms:
        return None
    ordered = sorted(values_ms)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] / 1000, 2)


def _row(bucket: _Bucket, now: dt.datetime) -> dict[str, Any]:
    convs = bucket.conversations
    n = len(convs)
    resolved = sum(1 for c in convs if c.resolved_by_bot)
    handed = sum(1 for c in convs if c.handoff_reasons)
    bot_scores = [c.csat_score for c in convs if c.csat_score is not None]
    human_scores = [h.csat for h in bucket.handoffs if h.csat is not None]
    accepted = [h.accept_ms for h in bucket.handoffs if h.accept_ms is not None]
    # A request still unanswered counts once its 30 s have passed: it can no longer make the target.
    decided = [h for h in bucket.handoffs if h.accept_ms is not None
               or (now - h.created_at).total_seconds() > ACCEPT_TARGET_S]
    within = sum(1 for h in decided if h.accept_ms is not None and h.accept_ms <= ACCEPT_TARGET_S * 1000)
    good = sum(1 for s in bot_scores if s >= 4) + sum(1 for s in human_scores if s >= 4)
    answers = len(bot_scores) + len(human_scores)
    acted = sum(1 for r in bucket.reminders if r.acted_on)
    handoff_share = _share(handed, n)
    # Like the accept target: a callback still open counts once its deadline has passed.
    callbacks_decided = [c for c in bucket.callbacks if c.decided(now)]
    callbacks_in_time = sum(1 for c in callbacks_decided if c.in_time)
    return {
        "conversations": n,
        "resolved_by_bot": resolved,
        "resolved_by_bot_share": _share(resolved, n),
        "handoffs": handed,
        "handoff_share": handoff_share,
        "handoff_reasons": dict(Counter(reason for c in convs for reason in set(c.handoff_reasons))),
        "goals": dict(Counter(goal for c in convs for goal in set(c.goals))),
        # Conversations people did not have to take: the target is half of them or more.
        "workload_reduction": round(1 - handoff_share, 3) if handoff_share is not None else None,
        "human_requests": len(bucket.handoffs),
        "accepted": len(accepted),
        "accept_p50_s": _percentile_s(accepted, 0.5),
        "accept_p95_s": _percentile_s(accepted, 0.95),
        "accepted_within_30s_share": _share(within, len(decided)),
        "csat_bot_answers": len(bot_scores),
        "csat_bot_4_5": sum(1 for s in bot_scores if s >= 4),
        "csat_bot_skipped": sum(1 for c in convs if c.csat_skipped and c.csat_score is None),
        "csat_human_answers": len(human_scores),
        "csat_human_4_5": sum(1 for s in human_scores if s >= 4),
        "csat_answers": answers,
        "csat_share_4_5": _share(good, answers),
        "reminders_sent": len(bucket.reminders),
        "reminders_acted_on": acted,
        "reminders_acted_on_share": _share(acted, len(bucket.reminders)),
        "callbacks": len(bucket.callbacks),
        "callbacks_decided": len(callbacks_decided),
        "callbacks_within_deadline": callbacks_in_time,
        "callbacks_within_deadline_share": _share(callbacks_in_time, len(callbacks_decided)),
        "callbacks_failed": sum(1 for c in bucket.callbacks if c.outcome == "failed"),
        "callbacks_open": sum(1 for c in bucket.callbacks if c.closed_at is None),
    }


def _against_targets(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, (op, target) in TARGETS.items():
        value = row.get(name)
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        out[name] = {"value": value, "target": target, "op": op, "met": met}
    return out


def compute(events_engine: Engine, database_engine: Engine, days: int = 7, timezone: str = "Asia/Shanghai",
            now: dt.datetime | None = None) -> dict[str, Any]:
    """The figures of the last `days` local days (today included)."""
    tz = ZoneInfo(timezone)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    local_today = now.astimezone(tz).date()
    first_day = local_today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)

    buckets: dict[tuple[str, str], _Bucket] = defaultdict(_Bucket)

    def day(at: dt.datetime) -> str:
        return at.astimezone(tz).date().isoformat()

    conversations = read_conversations(events_engine, since.timestamp())
    for conv in conversations:
        buckets[(day(dt.datetime.fromtimestamp(conv.started_at, dt.UTC)), conv.language)].conversations.append(conv)
    for handoff in read_handoffs(database_engine, since):
        buckets[(day(handoff.created_at), handoff.language)].handoffs.append(handoff)
    for reminder in read_reminders(database_engine, since):
        buckets[(day(reminder.sent_at), reminder.language)].reminders.append(reminder)
    for callback in read_callbacks(database_engine, since):
        buckets[(day(callback.created_at), callback.language)].callbacks.append(callback)

    total = _Bucket()
    by_language: dict[str, _Bucket] = defaultdict(_Bucket)
    for (_day, language), bucket in buckets.items():
        for target in (total, by_language[language]):
            target.conversations += bucket.conversations
            target.handoffs += bucket.handoffs
            target.reminders += bucket.reminders
            target.callbacks += bucket.callbacks
    total_row = _row(total, now)
    return {
        "generated_at": now.isoformat(),
        "days": days,
        "since": since.isoformat(),
        "timezone": timezone,
        "total": total_row,
        "targets": _against_targets(total_row),
        "by_language": {language: _row(b, now) for language, b in sorted(by_language.items())},
        "by_day": [{"day": d, "language": language, **_row(b, now)}
                   for (d, language), b in sorted(buckets.items(), reverse=True)],
    }
