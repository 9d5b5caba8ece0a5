"""The shared database's schema as Alembic migrations: the policy API's and the reminders' tables, the hub's
(hub_*) and the voice gateway's (voice_*). Rasa's own `events` table is Rasa's and is left out.

`upgrade(database_url)` brings a database to the newest revision, safely when several processes start at
once; `python -m desk_db upgrade|current|check|revision -m "..."` does the same from a shell.
"""

import logging

# Alembic announces each of its autogenerate plugins at INFO when it is imported: noise in every service's log.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

from desk_db.migrate import NewerDatabaseError, check, current, head, upgrade  # noqa: E402

__all__ = ["NewerDatabaseError", "check", "current", "head", "upgrade"]
