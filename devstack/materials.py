"""A real policy API (uvicorn subprocess) with its own materials directory, for the claim-material tests: what
was stored is checked on disk and in the table, not only in the answers."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.testset.draw import Truth, medical_receipt, photograph
from desk_db.engine import make_engine
from desk_db.tables.policy import ClaimMaterial
from devstack import services
from devstack.services import seed  # `python -m policy_api.seed`


@dataclass(frozen=True)
class MaterialsApi:
    base_url: str
    database_url: str
    materials_dir: Path

    def client(self, customer_id: str | None = "C0001") -> httpx.Client:
        headers = {"X-API-Key": services.API_KEY}
        if customer_id:
            headers["X-Customer-Token"] = services.customer_token(customer_id)
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def stored_files(self) -> list[Path]:
        if not self.materials_dir.exists():
            return []
        return sorted(p for p in self.materials_dir.iterdir())

    def rows(self, claim_number: str | None = None) -> int:
        engine = make_engine(self.database_url)
        try:
            with Session(engine) as session:
                query = select(func.count()).select_from(ClaimMaterial)
                if claim_number:
                    query = query.where(ClaimMaterial.claim_number == claim_number)
                return session.scalar(query) or 0
        finally:
            engine.dispose()

    def reset(self) -> None:
        """Fresh demo rows; the demo claims' files go with them."""
        seed(self.database_url)
        for path in self.stored_files():
            path.unlink()


@contextlib.contextmanager
def materials_api(backend: str, tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[MaterialsApi]:
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            database_url = f"sqlite:///{tmp / 'policy.db'}"
        else:
            database_url = stack.enter_context(services.postgres_database("materials_test"))
        seed(database_url)
        materials = tmp / "materials"
        env = {"MATERIALS_DIR": str(materials), **(extra_env or {})}
        base_url = stack.enter_context(services.policy_api(database_url, name=f"materials_{backend}", extra_env=env))
        yield MaterialsApi(base_url, database_url, materials)


def upload(client: httpx.Client, claim_number: str, content: bytes, kind: str = "invoice",
           filename: str = "photo.jpg", content_type: str = "image/jpeg") -> httpx.Response:
    return client.post(f"/v1/claims/{claim_number}/materials", data={"kind": kind},
                       files={"file": (filename, content, content_type)})


# Claims of C0001's health policy with invoices drawn for them (claims/testset): the fields are known, so what
# the OCR reads decides the claim the way the test expects.
INCIDENT = date.today() - timedelta(days=3)


def invoice_photo(amount: str, number: str, day: date = INCIDENT, seed: int = 7, blur: float = 0,
                  quality: int = 90) -> bytes:
    rnd = random.Random(seed)
    truth = Truth(kind="medical_invoice", layout="M1", amount=Decimal(amount), in_words=True, invoice_date=day,
                  payee="上海市第六人民医院", invoice_number=number, plate=None)
    return photograph(rnd, medical_receipt(rnd, truth), blur=blur, darkness=1.0, quality=quality)


def open_claim(client: httpx.Client, amount: str, policy: str = "HL20240001") -> dict:
    response = client.post("/v1/claims", json={"policy_number": policy, "incident_date": INCIDENT.isoformat(),
                                               "amount": amount, "description": "门诊 / outpatient"})
    assert response.status_code == 201, response.text
    return response.json()


def claim_status(client: httpx.Client, number: str) -> dict:
    response = client.get(f"/v1/claims/{number}")
    response.raise_for_status()
    return response.json()


def wait_for_status(client: httpx.Client, number: str, wanted: str, timeout_s: float = 60,
                    poll_s: float = 0.5) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        claim = claim_status(client, number)
        if claim["status"] == wanted:
            return claim
        time.sleep(poll_s)
    raise AssertionError(f"claim {number} still {claim['status']}, not {wanted}")
