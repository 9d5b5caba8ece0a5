"""The shared database's schema comes from the migrations (desk_db) and matches the models, on PostgreSQL and
SQLite; a database made the old way (create_all) is adopted; several processes may migrate at once; the init
job (python -m desk_init) is idempotent. Real PostgreSQL on 127.0.0.1:5432 (a fresh database per test)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, func, inspect, select, text
from sqlalchemy.orm import Session

import desk_db
from desk_db.engine import make_engine
from desk_db.schema import include_name, target_metadata
from desk_db.tables import voice as voice_tables
from desk_db.tables.hub import HubBase, HubUser
from desk_db.tables.policy import Base, Customer, KnowledgeEntry
from devstack import services
from hub_records.passwords import check_password
from knowledge.kb import LANGUAGES, load_entries

ROOT = Path(__file__).resolve().parents[2]


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.db'}"


@contextlib.contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "postgresql":
        with services.postgres_database("migrate_test") as url:
            yield url
    else:
        yield sqlite_url(tmp_path)


def differences(url: str) -> list:
    """What autogenerate would write into a new migration (nothing, when the models and the schema agree).
    Types are compared too (a Numeric(12, 2) that came out as a float would show here)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
            return list(compare_metadata(context, target_metadata()))
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def migrated_then(url: str, *statements: str) -> None:
    """A database at head, then changed by hand behind the migrations' back."""
    desk_db.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def our_tables() -> set[str]:
    return {name for metadata in target_metadata() for name in metadata.tables}


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_an_empty_database_upgraded_to_head_matches_the_models(backend: str, tmp_path: Path) -> None:
    """Fails when a model gains a column, index or table without a migration (or a migration drifts)."""
    with database(backend, tmp_path) as url:
        assert desk_db.current(url) is None
        assert desk_db.upgrade(url) == desk_db.head()
        assert desk_db.current(url) == desk_db.head()
        assert differences(url) == []
        assert tables(url) == our_tables() | {"alembic_version"}
        # A service starting later finds the database at head and changes nothing.
        assert desk_db.upgrade(url) == desk_db.head()
        assert desk_db.check(url) == []


def test_check_reports_a_schema_that_drifted_from_the_models(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    migrated_then(url, "DROP INDEX ix_hub_handoffs_created_at")
    result = subprocess.run([services.APP_PYTHON, "-m", "desk_db", "check", "--database-url", url], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "ix_hub_handoffs_created_at" in result.stderr


def _old_way(url: str) -> None:
    """A database as `make run` left it before migrations: create_all, demo rows, Rasa's own events table,
    tables from before columns were added to them (voice_calls.call_sid, hub_users.disabled_at), one table
    missing (voice_turns)."""
    engine = make_engine(url)
    for metadata in (Base.metadata, HubBase.metadata, voice_tables.metadata):
        metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE voice_turns"))
        conn.execute(text("DROP INDEX ix_voice_calls_call_sid"))
        conn.execute(text("ALTER TABLE voice_calls DROP COLUMN call_sid"))
        conn.execute(text("ALTER TABLE hub_users DROP COLUMN disabled_at"))
    Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)),
          Column("data", String)).create(engine)
    with Session(engine) as session:
        session.add(Customer(customer_id="C0001", name="王芳", phone="13800138000", id_number="110101199001011234"))
        session.commit()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO events (sender_id, data) VALUES ('c1', '{}')"))
    engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_database_made_by_create_all_is_adopted_and_keeps_its_data(backend: str, tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    with database(backend, tmp_path) as url:
        _old_way(url)
        assert "voice_turns" not in tables(url)
        with caplog.at_level("WARNING", logger="desk_db"):
            assert desk_db.upgrade(url) == desk_db.head()
        assert any("made before migrations" in record.getMessage() for record in caplog.records)
        assert differences(url) == []  # the missing table and column are there now
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(select(Customer.name)).scalar_one() == "王芳"
            assert conn.execute(text("SELECT count(*) FROM events")).scalar_one() == 1  # Rasa's, left alone
        engine.dispose()
        # Adopted once: the next start is an ordinary one at head.
        caplog.clear()
        with caplog.at_level("WARNING", logger="desk_db"):
            desk_db.upgrade(url)
        assert not caplog.records


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    migrated_then(url, "UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(desk_db.NewerDatabaseError, match="0999"):
        desk_db.upgrade(url)


UPGRADE_AT = """
import logging, sys, time
import desk_db
logging.basicConfig(level=logging.INFO)
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(desk_db.upgrade(sys.argv[1]))
"""


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_processes_that_start_together_both_migrate_without_error(backend: str, tmp_path: Path) -> None:
    """As two hub workers and the policy API do at `make run`, or replicas rolling out together."""
    with database(backend, tmp_path) as url:
        # Both wait for the same instant after their imports (slow on a loaded host), then upgrade.
        start_at = time.time() + 15
        runs = [subprocess.Popen([services.APP_PYTHON, "-c", UPGRADE_AT, url, str(start_at)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=180) for run in runs]
        for run, (out, err) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, err[-2000:]
            assert out.strip() == desk_db.head()
        assert sum("upgraded from empty" in err for _, err in outputs) == 1  # one migrated, the other found head
        assert differences(url) == []


ADMIN = {"DESK_ADMIN_USER": "ops-lead", "DESK_ADMIN_PASSWORD": "a-long-and-private-pass-phrase"}


def init_job(url: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DATABASE_URL": url, **env}
    return subprocess.run([services.APP_PYTHON, "-m", "desk_init"], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=300)


def test_the_init_job_twice_makes_the_supervisor_once_and_imports_the_knowledge_base() -> None:
    with services.postgres_database("init_test") as url:
        first = init_job(url, **ADMIN)
        assert first.returncode == 0, first.stderr[-2000:]
        engine = make_engine(url)
        with Session(engine) as session:
            user = session.get(HubUser, "ops-lead")
            assert user is not None and user.role == "supervisor"
            assert check_password(ADMIN["DESK_ADMIN_PASSWORD"], user.password_hash)
            created = (user.created_at, user.password_hash)
            counts = {language: session.scalar(select(func.count()).select_from(KnowledgeEntry)
                                               .where(KnowledgeEntry.language == language))
                      for language in LANGUAGES}
        assert counts == {language: len(load_entries(language)) for language in LANGUAGES}

        # Again, with another password: the user is left as it is, nothing is added twice.
        second = init_job(url, DESK_ADMIN_USER="ops-lead", DESK_ADMIN_PASSWORD="another-long-pass-phrase")
        assert second.returncode == 0, second.stderr[-2000:]
        assert "exists: left as it is" in second.stderr
        with Session(engine) as session:
            users = session.scalars(select(HubUser)).all()
            assert [(u.username, u.created_at, u.password_hash) for u in users] == [("ops-lead", *created)]
            assert session.scalar(select(func.count()).select_from(KnowledgeEntry)) == sum(counts.values())
        engine.dispose()
        assert desk_db.check(url) == []
        for run in (first, second):
            assert ADMIN["DESK_ADMIN_PASSWORD"] not in run.stdout + run.stderr
            assert "another-long-pass-phrase" not in run.stdout + run.stderr


def test_the_init_job_refuses_a_weak_admin_password_before_touching_the_database(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    run = init_job(url, DESK_ADMIN_USER="ops-lead", DESK_ADMIN_PASSWORD="ops-lead-2026")
    assert run.returncode == 1
    assert "DESK_ADMIN_PASSWORD" in run.stderr and "ops-lead-2026" not in run.stderr
    assert not (tmp_path / "desk.db").exists()
