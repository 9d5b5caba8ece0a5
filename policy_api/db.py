"""The policy API's sessions: one per request, on the shared engine (desk_db/engine.py)."""

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from desk_db.engine import ensure_schema, make_engine, make_session_factory, normalize_url, ping

__all__ = ["ensure_schema", "get_session", "make_engine", "make_session_factory", "normalize_url", "ping"]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """FastAPI dependency: one session per request, rolled back unless the route committed.

    A session touches the database only when first used, so it is opened on the event loop; closing it
    returns its connection to the pool (a rollback), which is I/O and so goes to the thread pool. As a plain
    generator FastAPI handed both halves to the thread pool: with the route itself, three hand-overs a request."""
    state = request.app.state
    if not state.schema_ready:
        # The DB was down at startup; migrate on the first request that reaches it.
        await run_in_threadpool(ensure_schema, state.engine)
        state.schema_ready = True
    session = state.session_factory()
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)
