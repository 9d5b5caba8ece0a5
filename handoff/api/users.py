"""Supervisors manage the console's agents: create one, disable or enable one, reset one's password.

A password the hub makes is in the answer once (no-store) for the supervisor to pass on; the hub keeps
only its hash. Disabling or resetting ends the agent's sessions at once: its console socket closes and
its pending offers go to someone else. Supervisors themselves are made with `python -m handoff.users`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from desk_db.tables.hub import HubUser
from handoff import audit, console_sessions
from handoff.api.deps import HubDep, SupervisorDep
from handoff.errors import HubError
from handoff.service import Hub
from hub_records import accounts
from hub_records.passwords import hash_password

router = APIRouter(prefix="/api/console/users")
Username = Annotated[str, Path(pattern=accounts.USERNAME.pattern)]
NOT_AN_AGENT = ("agent_not_found", "没有这个坐席或理赔员账号。There is no agent or adjuster with this username.")


class AgentIn(BaseModel):
    username: str = Field(max_length=32)
    display_name: str = Field(max_length=100)
    languages: list[str] = Field(min_length=1, max_length=len(accounts.LANGUAGES))
    skills: list[str] = Field(min_length=1, max_length=len(accounts.SKILLS))
    capacity: int = Field(ge=1, le=accounts.MAX_CAPACITY)
    role: Literal["agent", "adjuster"] = "agent"  # supervisors come from `python -m handoff.users`


@router.get("")
async def users(user: SupervisorDep, hub: HubDep) -> list[dict[str, Any]]:
    return await hub.records.now(accounts.listing)


@router.post("", status_code=201)
async def create(body: AgentIn, user: SupervisorDep, hub: HubDep, response: Response) -> dict[str, Any]:
    try:
        who = accounts.profile(body.username, body.display_name, body.role, body.languages, body.skills, body.capacity)
    except accounts.AccountError as exc:
        raise HubError(422, "invalid_account", str(exc)) from exc
    await audit.record(hub.records, user, audit.USER_CREATE, None, subject=who.username)
    password = accounts.new_password()
    password_hash = await asyncio.to_thread(hash_password, password)  # bcrypt is slow on purpose
    created = await hub.records.now(lambda session: accounts.add(session, who, password_hash))
    if created is None:
        raise HubError(409, "username_taken", "用户名已被使用。This username is taken.")
    await console_sessions.account_saved(hub, created)
    response.headers["Cache-Control"] = "no-store"
    return {**accounts.as_dict(created), "password": password}


@router.post("/{username}/disable")
async def disable(username: Username, user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    await audit.record(hub.records, user, audit.USER_DISABLE, None, subject=username)
    agent = await _agent(hub, lambda session: accounts.set_disabled(session, username, True))
    await console_sessions.end_every_session(hub, agent)
    return accounts.as_dict(agent)


@router.post("/{username}/enable")
async def enable(username: Username, user: SupervisorDep, hub: HubDep) -> dict[str, Any]:
    await audit.record(hub.records, user, audit.USER_ENABLE, None, subject=username)
    agent = await _agent(hub, lambda session: accounts.set_disabled(session, username, False))
    await console_sessions.account_saved(hub, agent)
    return accounts.as_dict(agent)


@router.post("/{username}/reset")
async def reset(username: Username, user: SupervisorDep, hub: HubDep, response: Response) -> dict[str, Any]:
    await audit.record(hub.records, user, audit.USER_RESET, None, subject=username)
    password = accounts.new_password()
    password_hash = await asyncio.to_thread(hash_password, password)
    agent = await _agent(hub, lambda session: accounts.set_password_hash(session, username, password_hash))
    await console_sessions.end_every_session(hub, agent)
    response.headers["Cache-Control"] = "no-store"
    return {"username": agent.username, "password": password}


async def _agent(hub: Hub, job: Any) -> HubUser:
    agent = await hub.records.now(job)
    if agent is None:
        raise HubError(404, *NOT_AN_AGENT)
    return agent
