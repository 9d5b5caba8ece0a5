"""Building the pieces a pass needs from the settings."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desk_db.engine import ensure_schema, make_engine, make_session_factory
from outreach.app_channel import HubAppChannel
from outreach.deliver import Channels
from outreach.settings import Settings
from outreach.sms import load_gateway


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    return engine, make_session_factory(engine)


def channels(settings: Settings, session_factory: sessionmaker[Session]) -> Channels:
    return Channels(sms=load_gateway(session_factory, settings.sms_gateway),
                    app=HubAppChannel(settings.hub_url, settings.hub_api_key, settings.hub_timeout_s))
