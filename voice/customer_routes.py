"""Our own services' routes for one customer's calls (the hub's export and erasure, handoff/customer_data.py):
`POST /calls/export` and `POST /calls/erase` with the conversation ids the hub found, behind VOICE_API_KEY."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StringConstraints

from voice.security import require_api_key
from voice_records import customer_data

router = APIRouter(dependencies=[Depends(require_api_key)])
ConversationId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CallIds(BaseModel):
    call_ids: list[ConversationId] = Field(max_length=1000)


@router.post("/calls/export")
async def export_calls(body: CallIds, request: Request) -> dict[str, Any]:
    engine = request.app.state.services.store.engine
    return {"calls": await asyncio.to_thread(customer_data.export, engine, body.call_ids)}


@router.post("/calls/erase")
async def erase_calls(body: CallIds, request: Request) -> dict[str, int]:
    engine = request.app.state.services.store.engine
    return await asyncio.to_thread(customer_data.erase, engine, body.call_ids)
