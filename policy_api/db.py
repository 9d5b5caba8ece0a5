"""The policy API's sessions: one per request, on the shared engine (desk_db/engine.py)."""

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from desk_db.engine import ensure_schema, make_engine, make_session_factory, normalize_url, ping

__all__ = ["ensure_schema", "get_session", "make_engine", "make_session_factory", "normalize_url", "ping"]


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one session per request, rolled back unless the route committed."""
    state = request.app.state
    if not state.schema_ready:
        # The DB was down at startup; migrate on the first request that reaches it.
        ensure_schema(state.engine)
        state.schema_ready = True
    with state.session_factory() as session:
        yield session
