"""Application factory: one FastAPI app with the channel API, the chat page and the console."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from common.body_limit import BodySizeLimitMiddleware
from handoff import queue_requests
from handoff.api import (
    adjuster,
    agent_audio,
    callbacks,
    canned,
    channel,
    chat,
    console,
    customers,
    epolicy,
    external,
    figures,
    handover,
    history,
    materials,
    socket_io,
    users,
    whisper,
)
from handoff.errors import install_error_handlers
from handoff.metrics import hub_figures
from handoff.records import Records
from handoff.routing import Router
from handoff.service import Hub
from handoff.settings import Settings
from handoff.store import connection
from handoff.web_security import WebSecurityMiddleware
from observability import logs
from observability.metrics import instrument
from observability.requests import RequestIdMiddleware

log = logging.getLogger("handoff")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if not logging.getLogger().handlers:  # a worker process of HANDOFF_WORKERS: it starts with no logging set up
        logs.configure("handoff")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = await connection.connect(settings)
        records = Records(settings.database_url)
        records.start()
        hub = Hub(settings, connection.Stores.over(redis, settings), records)
        hub.chat_key = await hub.marks.chat_key()
        await hub.bus.start()
        router = Router(settings, hub.state, hub.bus, records, hub.wake,
                        resume_bots=hub.bot_relay.resume_bot_workers,
                        escalate=lambda rid: queue_requests.escalate(hub, rid), estimate_wait=hub.estimate_wait)
        hub.place_now = router.place
        router.start()
        for user in await records.users():  # the supervisor view lists every agent, signed in or not
            await hub.state.register_agent(user)
        await hub.bot_relay.resume_bot_workers()
        app.state.hub = hub
        log.info("hub ready: prefix %s, reservation %.1fs, escalation %.1fs", settings.prefix,
                 settings.reservation_s, settings.escalate_s)
        try:
            yield
        finally:
            await router.stop()
            if getattr(app.state, "customer_data", None) is not None:
                await app.state.customer_data.close()
            await hub.bus.stop()
            await hub.close()
            await records.stop()
            await connection.close(redis)

    app = FastAPI(title="Handoff hub", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=64 * 1024,
                       larger=[("/api/chat/materials", settings.material_max_bytes + 64 * 1024)])
    app.add_middleware(RequestIdMiddleware)
    instrument(app, settings.api_key, hub_figures)
    # Outermost: every answer gets the security headers, even a 413 or a refusal.
    app.add_middleware(WebSecurityMiddleware, allowed_origins=settings.allowed_origins,
                       connect_sources=[settings.voice_audio_url])
    app.include_router(channel.router)
    app.include_router(external.router)
    app.include_router(chat.router)
    app.include_router(console.router)
    app.include_router(canned.router)
    app.include_router(callbacks.router)
    app.include_router(users.router)
    app.include_router(customers.router)
    app.include_router(epolicy.router)
    app.include_router(socket_io.router)
    app.include_router(figures.router)
    app.include_router(whisper.router)
    app.include_router(materials.router)
    app.include_router(history.router)
    app.include_router(handover.router)
    app.include_router(adjuster.router)
    app.include_router(agent_audio.router)
    app.mount("/static", StaticFiles(directory=chat.STATIC), name="static")

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, Any]:
        await app.state.hub.state.ping()
        return {"status": "ok", "worker": os.getpid()}  # which hub worker answered (HANDOFF_WORKERS)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/chat")

    return app
