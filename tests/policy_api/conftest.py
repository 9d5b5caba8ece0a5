"""Fixtures: a real policy API server (uvicorn subprocess) per database backend.

The session fixture is parametrised over SQLite (temp file) and PostgreSQL (a fresh database on
127.0.0.1:5432, created and dropped here), so every test using it runs on both."""

import secrets
import socket
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from policy_api_testkit import ApiServer, assert_no_pii
from sqlalchemy.orm import Session

from desk_db.engine import make_engine
from desk_db.tables.policy import Customer, Policy
from devstack import services
from policy_api.seed import seed

REPO = Path(__file__).resolve().parents[2]
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database() -> AbstractContextManager[str]:
    return services.postgres_database("policy_test")


@contextmanager
def _running_server(backend: str, database_url: str) -> Iterator[ApiServer]:
    api_key = secrets.token_urlsafe(32)  # python -m policy_api refuses keys shorter than 32 characters
    with services.policy_api(database_url, api_key=api_key, name=f"policy_api_{backend}") as base_url:
        yield ApiServer(backend, base_url, api_key, database_url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def api_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    backend: str = request.param
    tmp = tmp_path_factory.mktemp(f"policy_api_{backend}")
    with ExitStack() as stack:
        if backend == "sqlite":
            database_url = f"sqlite:///{tmp / 'policy.db'}"
        else:
            database_url = stack.enter_context(_postgres_database())
        seed(database_url)
        yield stack.enter_context(_running_server(backend, database_url))


@pytest.fixture
def demo_data(api_server: ApiServer) -> ApiServer:
    """Resets the demo rows before the test, so tests that pay or file claims don't leak state."""
    seed(api_server.database_url)
    return api_server


def _client(server: ApiServer, headers: dict[str, str], auth: httpx.Auth | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers=headers, timeout=10, event_hooks={"response": [assert_no_pii]}, auth=auth
    )


@pytest.fixture
def client(demo_data: ApiServer) -> Iterator[httpx.Client]:
    """Authorised client on freshly seeded data, with the token of the customer each request names
    (services.NamedCustomerAuth). Every response is checked for unmasked PII."""
    with _client(demo_data, {"X-API-Key": demo_data.api_key}, services.NamedCustomerAuth()) as c:
        yield c


@pytest.fixture
def anon(api_server: ApiServer) -> Iterator[httpx.Client]:
    """Client without an API key."""
    with _client(api_server, {}) as c:
        yield c


@pytest.fixture
def extra_data(api_server: ApiServer) -> ApiServer:
    """C0099: an ID number ending in X and an expired policy (the demo data has neither)."""
    engine = make_engine(api_server.database_url)
    today = date.today()
    try:
        with Session(engine) as session:
            session.merge(Customer(customer_id="C0099", name="李雷", phone="13700137000",
                                   id_number="44030519900101123X", preferred_language="zh"))
            session.flush()
            session.merge(Policy(
                policy_number="AC20200099", customer_id="C0099", insurance_type="accident",
                product_name_zh="安心意外险", product_name_en="Anxin Accident Insurance", status="expired",
                start_date=today - timedelta(days=800), end_date=today - timedelta(days=436),
                insured_name="李雷", sum_insured=Decimal(500_000), annual_premium=Decimal(300),
                payment_frequency="annual",
            ))
            session.commit()
    finally:
        engine.dispose()
    return api_server

