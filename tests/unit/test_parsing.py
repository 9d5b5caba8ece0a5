"""How the assistant reads what customers type (common/parsing.py), the many ways they type it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common import parsing

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.mark.parametrize("text, expected", [
    ("HL20240001", "HL20240001"), ("查一下hl20240001的保单", "HL20240001"),
    ("hl 2024 0001", "HL20240001"), ("ＨＬ２０２４０００１", "HL20240001"), ("AU-2024-0002", "AU20240002"),
    ("HL123", None), ("CL20250001", None), ("我的保单", None),
])
def test_policy_numbers(text, expected):
    assert parsing.parse_policy_number(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 138-0013-8000", "13800138000"),
    ("手机一三八零零一三八零零零", "13800138000"), ("12345", None), ("23800138000", None),
])
def test_phones(text, expected):
    assert parsing.parse_phone(text) == expected


@pytest.mark.parametrize("text, bare, expected", [
    ("1234", True, "1234"), ("身份证后四位是567x", False, "567X"), ("last 4 digits 5678", False, "5678"),
    ("1234", False, None), ("HL20240001", True, None), ("12", True, None),
    ("HL20240001 后四位1234", False, "1234"),
])
def test_id_last4(text, bare, expected):
    assert parsing.parse_id_last4(text, bare_allowed=bare) == expected


@pytest.mark.parametrize("text, expected", [
    ("3200", "3200"), ("3,200元", "3200"), ("花了三千二", "3200"), ("1.2万", "12000"), ("3.2k", "3200"),
    ("五千块", "5000"), ("一万五", "15000"), ("两百五", "250"), ("five thousand", "5000"),
    ("three thousand two hundred yuan", "3200"), ("不知道", None),
])
def test_amounts(text, expected):
    value = parsing.parse_amount(text)
    assert (value if value is None else value.normalize()) == (None if expected is None else Decimal(expected).normalize())


@pytest.mark.parametrize("text, expected", [
    ("昨天", dt.date(2026, 11, 26)), ("前天看的病", dt.date(2026, 11, 25)), ("3天前", dt.date(2026, 11, 24)),
    ("2025-03-05", dt.date(2025, 3, 5)), ("2025年3月5日", dt.date(2025, 3, 5)), ("3月5号", dt.date(2026, 3, 5)),
    ("12月1号", dt.date(2025, 12, 1)),  # a day later this year means last year: incidents are past
    ("上周三", dt.date(2026, 11, 18)), ("yesterday", dt.date(2026, 11, 26)), ("March 5", dt.date(2026, 3, 5)),
    ("5 days ago", dt.date(2026, 11, 22)), ("last monday", dt.date(2026, 11, 16)), ("2025-02-30", None),
    ("last night", dt.date(2026, 11, 26)), ("march 31", dt.date(2026, 3, 31)), ("不记得了", None),
])
def test_dates(text, expected):
    assert parsing.parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("验证码HX7K2M9Q", "HX7K2M9Q"), ("code hx7k2m9q", "HX7K2M9Q"), ("HL20240001", None), ("ABCDEFGH", None),
])
def test_verification_codes(text, expected):
    assert parsing.parse_verification_code(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("车险", "auto"), ("my car", "auto"), ("住院", "health"), ("意外险", "accident"), ("term life", "life"),
    ("天气", None),
])
def test_insurance_types(text, expected):
    assert parsing.parse_insurance_type(text) == expected
