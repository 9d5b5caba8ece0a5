"""Reading the numbers, amounts and dates customers type, the many ways they type them.

Pure Python (no Rasa imports), so the voice gateway and the tests can use it too.
Every parser returns None when it finds nothing it is sure of: callers then ask again.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from common.normalize import CLAIM_PREFIX, NUMBER_DIGITS, POLICY_PREFIX_PATTERN

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000, "K": 1000}
EN_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
INSURANCE_TYPES = {
    "health": ("health", "medical", "hospital", "医疗", "健康", "住院", "门诊", "重疾", "hl"),
    "auto": ("auto", "car", "motor", "vehicle", "车", "交强", "au"),
    "life": ("life", "寿险", "人寿", "定寿", "lf"),
    "accident": ("accident", "意外", "ac"),
}

_SPOKEN_DIGIT_RUN = re.compile(r"[零〇一幺二两三四五六七八九]{3,}")
_DIGIT_GAP = re.compile(r"(?<=\d)[\s\-–—.·]+(?=\d)")


def normalise(text: str) -> str:
    """Full-width to half-width, spoken digit runs to digits, gaps inside digit groups removed.

    "一三八 0013-8000" -> "13800138000"; "ＨＬ２０２４０００１" -> "HL20240001".
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _SPOKEN_DIGIT_RUN.sub(lambda m: "".join(str(CN_DIGITS[c]) for c in m.group()), text)
    return _DIGIT_GAP.sub("", text)


def _compact(text: str) -> str:
    return normalise(text).upper()


_POLICY = re.compile(rf"(?<![A-Z0-9])({POLICY_PREFIX_PATTERN})[\s\-]*(\d{{{NUMBER_DIGITS}}})(?!\d)")
_CLAIM = re.compile(rf"(?<![A-Z0-9]){CLAIM_PREFIX}[\s\-]*(\d{{{NUMBER_DIGITS}}})(?!\d)")
_POLICY_ATTEMPT = re.compile(rf"(?<![A-Z])({POLICY_PREFIX_PATTERN})\s*\d{{3,12}}")
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?86)?(1[3-9]\d{9})(?!\d)")  # +86, 0086 or 86 in front
_LAST4_EXPLICIT = re.compile(
    r"(?:后\s*四\s*位|后4位|尾号|last\s*(?:4|four)(?:\s*(?:digits|characters|chars))?)"
    r"\D{0,6}?([0-9]{3}[0-9X])(?![0-9A-Z])",
    re.IGNORECASE,
)
_LAST4_BARE = re.compile(r"(?<![0-9A-Z])([0-9]{3}[0-9X])(?![0-9A-Z])")
_CODE = re.compile(r"(?<![A-Z0-9])(?=[A-Z0-9]{8}(?![A-Z0-9]))(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)([A-Z0-9]{8})")


def parse_policy_number(text: str) -> str | None:
    match = _POLICY.search(_compact(text))
    return f"{match.group(1)}{match.group(2)}" if match else None


def looks_like_policy_number(text: str) -> bool:
    """True when the text tries to be a policy number (letters + digits) even if malformed."""
    return bool(_POLICY_ATTEMPT.search(_compact(text)))


def parse_claim_number(text: str) -> str | None:
    match = _CLAIM.search(_compact(text))
    return f"{CLAIM_PREFIX}{match.group(1)}" if match else None


def parse_phone(text: str) -> str | None:
    match = _PHONE.search(_compact(text))
    return match.group(1) if match else None


def parse_id_last4(text: str, *, bare_allowed: bool) -> str | None:
    """The last 4 characters of an ID number.

    With bare_allowed (we just asked for them) a lone 4-character group counts; otherwise only
    an explicit "后四位 1234" / "last 4 1234" does, so "3200元" is never taken for an ID.
    """
    compact = _compact(text)
    match = _LAST4_EXPLICIT.search(compact)
    if match:
        return match.group(1)
    if not bare_allowed:
        return None
    without_numbers = _PHONE.sub(" ", _POLICY.sub(" ", _CLAIM.sub(" ", compact)))
    candidates = _LAST4_BARE.findall(without_numbers)
    return candidates[-1] if len(candidates) >= 1 else None


def parse_verification_code(text: str) -> str | None:
    compact = _POLICY.sub(" ", _CLAIM.sub(" ", unicodedata.normalize("NFKC", text or "").upper()))
    match = _CODE.search(compact)
    return match.group(1) if match else None


def parse_insurance_type(text: str) -> str | None:
    lowered = (text or "").lower()
    for kind, words in INSURANCE_TYPES.items():
        if any(word in lowered for word in words if len(word) > 2 or not word.isascii()):
            return kind
    return None


# ---- amounts ---------------------------------------------------------------------------------

_ARABIC_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|w|W|千|k|K)?")
_CN_AMOUNT = re.compile(r"[零〇一二两三四五六七八九十百千万点]+")


def _cn_to_number(chars: str) -> Decimal | None:
    """三千二 -> 3200, 一万五 -> 15000, 五千 -> 5000, 一千二百五十 -> 1250, 三点五万 -> 35000."""
    if chars.count("万") > 1:  # not an amount anyone writes; and no recursion as deep as the text is long
        return None
    if "万" in chars:
        high, _, low = chars.partition("万")
        high_value = _cn_to_number(high) if high else Decimal(1)
        if high_value is None:
            return None
        low_value = Decimal(0)
        if low:
            low_value = _cn_to_number(low) or Decimal(0)
            if len(low) == 1 and low in CN_DIGITS:  # 一万五 = 15000
                low_value = Decimal(CN_DIGITS[low]) * 1000
        return high_value * 10000 + low_value
    if "点" in chars:
        whole, _, frac = chars.partition("点")
        whole_value = _cn_to_number(whole) if whole else Decimal(0)
        if whole_value is None or not frac or any(c not in CN_DIGITS for c in frac):
            return None
        return whole_value + Decimal("0." + "".join(str(CN_DIGITS[c]) for c in frac))
    total, digit, last_unit = Decimal(0), None, None
    for char in chars:
        if char in CN_DIGITS:
            digit = CN_DIGITS[char]
            if digit == 0:  # 九百零一 = 901: after a 零 the next digit is the units
                last_unit = None
        elif char in CN_UNITS:
            unit = CN_UNITS[char]
            total += Decimal(digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        # A trailing digit after a unit is one unit lower: 三千二 = 3200, 两百五 = 250.
        total += Decimal(digit) * (last_unit // 10 if last_unit and last_unit >= 100 else 1)
    return total


def _en_to_number(text: str) -> Decimal | None:
    words = re.findall(r"[a-z]+", text.lower())
    total, current, seen = 0, 0, False
    for word in words:
        if word in EN_NUMBERS:
            current += EN_NUMBERS[word]
            seen = True
        elif word == "hundred" and seen:
            current *= 100
        elif word == "thousand" and seen:
            total += current * 1000
            current = 0
        elif word in ("and", "a"):
            continue
        elif seen:
            break
    return Decimal(total + current) if seen else None


def parse_amount(text: str) -> Decimal | None:
    """An amount of money in CNY: 3200, 3,200元, 3.2k, 1.2万, 三千二, five thousand."""
    text = unicodedata.normalize("NFKC", text or "")
    cleaned = _CLAIM.sub(" ", _POLICY.sub(" ", _PHONE.sub(" ", text.upper())))
    cleaned = re.sub(r"\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?", " ", cleaned)  # dates are not amounts
    match = _ARABIC_AMOUNT.search(cleaned)
    if match:
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        unit = (match.group(2) or "").lower()
        multiplier = {"万": 10000, "w": 10000, "千": 1000, "k": 1000}.get(unit, 1)
        return value * multiplier
    cn = _CN_AMOUNT.search(text)
    if cn and any(c in CN_DIGITS for c in cn.group()):
        return _cn_to_number(cn.group())
    return _en_to_number(text)


# ---- dates -----------------------------------------------------------------------------------

_WEEKDAYS_ZH = "一二三四五六日天"
_WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _past_date(month: int, day: int, today: dt.date) -> dt.date | None:
    """A month/day without a year is the most recent such day (incidents are in the past)."""
    candidate = _safe_date(today.year, month, day)
    if candidate and candidate > today:
        candidate = _safe_date(today.year - 1, month, day)
    return candidate


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """昨天, 前天, 3天前, 上周三, 3月5号, 2025-03-05, 2025年3月5日, yesterday, March 5, 5 days ago."""
    today = today or dt.date.today()
    raw = unicodedata.normalize("NFKC", text or "")
    lowered = raw.lower()
    relative = {"大前天": 3, "前天": 2, "昨天": 1, "昨晚": 1, "昨日": 1, "今天": 0, "今日": 0, "今早": 0,
                "day before yesterday": 2, "yesterday": 1, "last night": 1,
                "today": 0, "this morning": 0, "tonight": 0}
    for word, days in relative.items():
        if word in lowered:
            return today - dt.timedelta(days=days)
    match = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", raw)
    if match:
        return _safe_date(*map(int, match.groups()))
    match = re.search(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?", raw)
    if match:
        return _past_date(int(match.group(1)), int(match.group(2)), today)
    match = re.search(r"(\d+|[一二两三四五六七八九十]+)\s*(?:天前|days?\s+ago)", lowered)
    if match:
        value = match.group(1)
        days = int(value) if value.isdigit() else int(_cn_to_number(value) or 0)
        try:
            return today - dt.timedelta(days=days)
        except OverflowError:  # further back than the calendar goes: no date to use
            return None
    match = re.search(r"上(?:个)?(?:周|星期|礼拜)([一二三四五六日天])", raw)
    if match:
        weekday = min(_WEEKDAYS_ZH.index(match.group(1)), 6)
        return today - dt.timedelta(days=today.weekday() + 7 - weekday)
    match = re.search(r"last\s+(" + "|".join(_WEEKDAYS_EN) + ")", lowered)
    if match:
        weekday = _WEEKDAYS_EN.index(match.group(1))
        return today - dt.timedelta(days=today.weekday() + 7 - weekday)
    months = "|".join(_MONTHS_EN)
    match = re.search(rf"\b({months})[a-z]*\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s*(\d{{4}}))?", lowered)
    if match:
        month, day = _MONTHS_EN.index(match.group(1)) + 1, int(match.group(2))
        if match.group(3):
            return _safe_date(int(match.group(3)), month, day)
        return _past_date(month, day, today)
    match = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({months})[a-z]*(?:\s+(\d{{4}}))?", lowered)
    if match:
        day, month = int(match.group(1)), _MONTHS_EN.index(match.group(2)) + 1
        if match.group(3):
            return _safe_date(int(match.group(3)), month, day)
        return _past_date(month, day, today)
    match = re.search(r"(?<!\d)(\d{1,2})/(\d{1,2})(?!\d)", raw)
    if match:
        return _past_date(int(match.group(1)), int(match.group(2)), today)
    if re.search(r"上(?:个)?(?:周|星期|礼拜)|last week", lowered):
        return today - dt.timedelta(days=7)  # "about a week ago": good enough to open a claim
    return None
