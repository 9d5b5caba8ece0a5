"""Service figures in the hub: `GET /api/figures?days=N` (a supervisor's session or the hub's API key)
and the console page `/console/figures`. The figures themselves are service_figures'."""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from handoff import agent_figures
from handoff.api.chat import STATIC
from handoff.auth import supervisor
from service_figures.reader import FiguresReader
from service_figures.settings import FigureSettings

router = APIRouter()


def _reader(request: Request) -> FiguresReader:
    reader = getattr(request.app.state, "figures_reader", None)
    if reader is None:
        # The hub's records and the reminders share the project's database, as the hub is configured.
        reader = FiguresReader(FigureSettings(database_url=request.app.state.hub.settings.database_url))
        request.app.state.figures_reader = reader
    return reader


async def _allowed(request: Request) -> None:
    """The hub's API key (when one is configured) for services; otherwise a supervisor's session."""
    expected = request.app.state.hub.settings.api_key
    given = request.headers.get("x-api-key")
    if expected and given and hmac.compare_digest(given.encode(), expected.encode()):
        return
    await supervisor(request)  # 401 without a valid session, 403 for an agent


@router.get("/api/figures")
async def figures(request: Request, days: Annotated[int, Query(ge=1, le=366)] = 7) -> dict[str, Any]:
    await _allowed(request)
    # The events table is read in full: off the event loop.
    return await asyncio.to_thread(_reader(request).figures, days)


@router.get("/api/figures/agents")
async def figures_per_agent(request: Request, days: Annotated[int, Query(ge=1, le=92)] = 7) -> list[dict[str, Any]]:
    """Per agent and day: handled, average handling time, CSAT, accept time (handoff/agent_figures.py)."""
    await _allowed(request)
    records = request.app.state.hub.records
    rows = await records.now(lambda session: agent_figures.read(session, days))
    names = {user.username: user.display_name for user in await records.users()}
    return [{**row, "display_name": names.get(row["agent"], row["agent"])} for row in rows]


@router.get("/console/figures", include_in_schema=False)
async def figures_page() -> FileResponse:
    return FileResponse(STATIC / "figures.html")
