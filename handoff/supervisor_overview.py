"""The supervisor's overview: the queue with whom each request is offered to, every agent's state and load, the
conversations agents have now, today's figures with the last hour's accept times, and the alerts."""

from __future__ import annotations

import time
from typing import Any

from handoff import conversation_views
from handoff.records import _pct
from handoff.service import Hub, User


async def overview(hub: Hub, user: User) -> dict[str, Any]:
    now = time.time()
    queue = []
    for rid in await hub.state.queue():
        req = await hub.state.request(rid)
        if not req:
            continue
        queue.append({"request_id": rid, "conversation_id": req.get("cid"), "reason": req.get("reason"),
                      "language": req.get("language"), "channel": req.get("channel"),
                      "customer_id": req.get("customer_id") or None, "waited_s": round(now - float(req["created"]), 1),
                      "escalated": req.get("escalated") == "1", "offered_to": sorted(await hub.state.offer_ids(rid))})
    agents = [{"username": a.username, "display_name": a.display_name, "role": a.role, "state": a.state,
               "load": a.conversations, "offers": a.offers, "capacity": a.capacity, "languages": a.languages,
               "topics": a.topics} for a in await hub.state.agent_loads()]
    live = [c for c in await conversation_views.conversations(hub, user) if c["owner"] == "agent"]
    hour = await hub.state.accept_times_ms()
    figures = await hub.records.today_figures(hub.settings.accept_target_s)
    figures.update({"last_hour_accepts": len(hour), "last_hour_accept_p50_s": _pct(hour, 0.5),
                    "last_hour_accept_p95_s": _pct(hour, 0.95), "target_s": hub.settings.accept_target_s})
    return {"queue": queue, "agents": agents, "live": live, "figures": figures, "alerts": await hub.state.alerts()}
