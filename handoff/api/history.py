"""The console's customer history: the past conversations of an open conversation's customer, one past
conversation read-only, and a search (handoff/history.py says who may read what)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from handoff import history
from handoff.api.deps import HubDep, UserDep, check_cid
from handoff.errors import HubError

router = APIRouter()
Text32 = Annotated[str | None, Query(max_length=32)]


@router.get("/api/console/conversations/{cid}/history")
async def customer_history(cid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    return await history.of_conversation(hub, check_cid(cid), user)


@router.get("/api/console/history")
async def search(user: UserDep, hub: HubDep, customer_id: Text32 = None, since: dt.date | None = None,
                 until: dt.date | None = None, reason: Text32 = None, label: Text32 = None,
                 agent: Annotated[str | None, Query(max_length=64)] = None) -> list[dict[str, Any]]:
    query = history.Query(customer_id=customer_id or None, since=since, until=until, reason=reason or None,
                          label=label or None, agent=agent or None)
    return await history.search(hub, user, query)


@router.get("/api/console/history/{request_id}")
async def past_conversation(request_id: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    if not history.RID.fullmatch(request_id):
        raise HubError(404, "record_not_found", "No such past conversation.")
    return await history.past_conversation(hub, request_id, user)
