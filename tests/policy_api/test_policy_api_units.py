"""Pure-function tests (no server)."""

import hashlib
from decimal import Decimal

import pytest

from common import normalize
from desk_db.engine import normalize_url
from policy_api.claim_rules import fast_track
from policy_api.codes import CodeCheck, hash_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+86 138-0013-8000", "13800138000"), ("0086 13800138000", "13800138000"),
     ("１３８ ００１３ ８０００", "13800138000"), ("8613800138000", "13800138000"),
     ("23800138000", None), ("1380013800", None)],
)
def test_phone_normalisation(raw: str, expected: str | None) -> None:
    assert normalize.phone(raw) == expected


def test_policy_and_claim_numbers() -> None:
    assert normalize.policy_number(" hl-2024 0001") == "HL20240001"
    assert normalize.policy_number("HL2024000") is None
    assert normalize.claim_number("cl-2025-0001") == "CL20250001"
    assert normalize.claim_number("CX20250001") is None


def test_fast_track_rule() -> None:
    assert fast_track("health", Decimal(5000), None).eligible is True
    assert fast_track("health", Decimal("5000.01"), None).eligible is False
    assert fast_track("auto", Decimal(10000), True).eligible is True
    assert fast_track("auto", Decimal(10000), None).eligible is None
    assert fast_track("auto", Decimal(1), False).eligible is False
    assert fast_track("life", Decimal(1), None).limit is None


def test_postgres_urls_use_psycopg3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_code_hash_is_slow_bound_to_policy_and_fits_its_column() -> None:
    h = hash_code("HL20240001", "HX7K2M9Q")
    assert h.startswith("s1$") and len(h) <= 64 and "HX7K2M9Q" not in h
    assert h != hash_code("AU20240002", "HX7K2M9Q")
    assert CodeCheck("HL20240001", "hx7k2m9q").matches(h)  # read off paper in lower case
    assert not CodeCheck("HL20240001", "HX7K2M9R").matches(h)
    assert not CodeCheck("AU20240002", "HX7K2M9Q").matches(h)


def test_a_code_hashed_before_scrypt_still_verifies() -> None:
    """E-policies issued with the earlier SHA-256 hash stay genuine."""
    old = hashlib.sha256(b"HL20240001:HX7K2M9Q").hexdigest()
    assert CodeCheck("HL20240001", "HX7K2M9Q").matches(old)
    assert not CodeCheck("HL20240001", "HX7K2M9R").matches(old)
