"""`python -m desk_init`: migrate the database, import the knowledge base, create the first supervisor.

Run before the services (compose's and Kubernetes' init job, or by hand). Exit 0 when every step is done
(again: a second run finds everything in place), 1 with a one-line reason when a step fails.
"""

from __future__ import annotations

import logging
import sys

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

import desk_db
from desk_db.engine import make_engine
from desk_init.admin import AdminError, check_admin, ensure_supervisor
from desk_init.settings import Settings
from knowledge.store import import_files

log = logging.getLogger("desk_init")


def run(settings: Settings) -> None:
    password = settings.admin_password
    admin = None
    if settings.admin_user or password:
        admin = check_admin(settings.admin_user or "", password, settings.admin_display_name)
    revision = desk_db.upgrade(settings.database_url)
    log.info("database at revision %s", revision)
    engine = make_engine(settings.database_url)
    try:
        # The policy API builds its search indexes from these rows (and rebuilds them when they change).
        with Session(engine) as session:
            counts = import_files(session, settings.knowledge_dir)
            session.commit()
        for language, by_kind in counts.items():
            log.info("knowledge base [%s]: %s", language, ", ".join(f"{n} {what}" for what, n in by_kind.items()))
        if admin is None:
            log.warning("DESK_ADMIN_USER / DESK_ADMIN_PASSWORD not set: no console supervisor created")
        elif ensure_supervisor(engine, admin, password):
            log.info("console supervisor %s created", settings.admin_user)
        else:
            log.info("console user %s exists: left as it is", settings.admin_user)
    finally:
        engine.dispose()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        run(Settings())
    except (AdminError, desk_db.NewerDatabaseError) as exc:
        log.error("init failed: %s", exc)
        return 1
    except SQLAlchemyError as exc:
        # The statement's parameters are hidden (hide_parameters); the error class and message say enough.
        log.error("init failed: database error: %s", str(exc).splitlines()[0])
        return 1
    except (OSError, ValueError) as exc:  # knowledge files missing or malformed
        log.error("init failed: %s", exc)
        return 1
    log.info("init done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
