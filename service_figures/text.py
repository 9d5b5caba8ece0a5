"""The figures as plain text for a terminal (make simulate, python -m service_figures)."""

from __future__ import annotations

from typing import Any

LABELS = {
    "resolved_by_bot_share": "resolved by the bot",
    "csat_share_4_5": "CSAT (share of 4-5)",
    "accept_p95_s": "accept time p95",
    "workload_reduction": "human workload reduction",
}


def _value(name: str, value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.1f} s" if name.endswith("_s") else f"{value:.1%}"


def render(figures: dict[str, Any]) -> str:
    t = figures["total"]
    lines = [f"Service figures, last {figures['days']} day(s) since {figures['since']} ({figures['timezone']})",
             f"conversations {t['conversations']}: resolved by the bot {t['resolved_by_bot']}, "
             f"handed to a person {t['handoffs']} (reasons {t['handoff_reasons'] or '–'})",
             f"goals {t['goals'] or '–'}",
             f"human requests {t['human_requests']}, accepted {t['accepted']}: p50 {_value('p50_s', t['accept_p50_s'])}, "
             f"within 30 s {_value('share', t['accepted_within_30s_share'])}",
             f"CSAT answers {t['csat_answers']} (bot {t['csat_bot_answers']}, skipped {t['csat_bot_skipped']}; "
             f"human {t['csat_human_answers']})",
             f"reminders sent {t['reminders_sent']}, acted on {t['reminders_acted_on']}",
             f"callbacks {t['callbacks']}: made within the deadline {t['callbacks_within_deadline']}/"
             f"{t['callbacks_decided']} ({_value('share', t['callbacks_within_deadline_share'])}), "
             f"not reached {t['callbacks_failed']}, open {t['callbacks_open']}"]
    for name, target in figures["targets"].items():
        mark = {True: "met", False: "NOT met", None: "no data"}[target["met"]]
        lines.append(f"  {LABELS[name]:26} {_value(name, target['value']):>8}  target {target['op']} "
                     f"{_value(name, target['target'])}  {mark}")
    for row in figures["by_day"]:
        lines.append(f"  {row['day']} {row['language']}: conversations {row['conversations']}, resolved "
                     f"{_value('s', row['resolved_by_bot_share'])}, handoffs {_value('s', row['handoff_share'])}, "
                     f"CSAT {_value('s', row['csat_share_4_5'])}, reminders {row['reminders_sent']}/"
                     f"{row['reminders_acted_on']}")
    return "\n".join(lines)
