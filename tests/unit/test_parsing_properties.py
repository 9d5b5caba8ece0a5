"""Property-based tests (hypothesis) of how customers' text is read: common/parsing.py (the assistant)
and common/normalize.py (the API). Customers type anything, so every parser must answer any text
(a value or None, never an exception), and every well-formed value must be read back, whatever its
form: spaced, dashed, full-width, lower-case, spoken in Chinese digits, inside a sentence."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from common import normalize, parsing

# Text that looks like what customers type: digits, Chinese numerals and units, date words, separators.
CUSTOMER_ALPHABET = ("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万点幺拾佰仟"
                     "天前周月日号年昨今上个星期礼拜后四位尾号元块kKwW.,-/ +_()　HLAUCXhlaucx"
                     "abcdeimnorstuy")
customer_text = st.text(alphabet=CUSTOMER_ALPHABET, max_size=80) | st.text(max_size=80)
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "300")), deadline=None)
TODAY = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 12, 31))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SPOKEN = str.maketrans("0123456789", "零一二三四五六七八九")
# Words around a number: none of them digits, units or identifiers' letters.
before_words = st.sampled_from(["", "我的", "是", "查一下", "my number is ", "：", "号码 "])
after_words = st.sampled_from(["", "，谢谢", " thanks", "。"])


@SETTINGS
@given(customer_text, TODAY)
@example("万" * 3000, dt.date(2026, 11, 27))  # a message of nothing but 万
@example("999999999999天前", dt.date(2026, 11, 27))  # further back than the calendar goes
@example("九十九万天前", dt.date(2026, 11, 27))
def test_assistant_parsers_answer_any_text(text, today):
    assert parsing.parse_policy_number(text) is None or re.fullmatch(r"(HL|AU|LF|AC)\d{8}",
                                                                      parsing.parse_policy_number(text))
    assert parsing.parse_claim_number(text) in (None, *[f"CL{d}" for d in re.findall(r"\d{8}",
                                                                                      parsing.normalise(text))])
    phone = parsing.parse_phone(text)
    assert phone is None or re.fullmatch(r"1[3-9]\d{9}", phone)
    for bare in (True, False):
        last4 = parsing.parse_id_last4(text, bare_allowed=bare)
        assert last4 is None or re.fullmatch(r"\d{3}[\dX]", last4)
    code = parsing.parse_verification_code(text)
    assert code is None or re.fullmatch(r"[A-Z0-9]{8}", code)
    assert parsing.parse_insurance_type(text) in (None, "health", "auto", "life", "accident")
    parsing.looks_like_policy_number(text)
    amount = parsing.parse_amount(text)
    assert amount is None or (isinstance(amount, Decimal) and amount >= 0)
    date = parsing.parse_date(text, today)
    assert date is None or isinstance(date, dt.date)
    if date is not None and not re.search(r"\d{4}", parsing.normalise(text)):
        assert date <= today  # without a year, a date is the most recent one: incidents are in the past


@SETTINGS
@given(customer_text)
def test_api_normalisers_answer_any_text(text):
    assert normalize.policy_number(text) is None or re.fullmatch(r"[A-Z]{2}\d{8}", normalize.policy_number(text))
    assert normalize.claim_number(text) is None or re.fullmatch(r"CL\d{8}", normalize.claim_number(text))
    assert normalize.phone(text) is None or re.fullmatch(r"1\d{10}", normalize.phone(text))
    assert normalize.id_last4(text) is None or re.fullmatch(r"\d{3}[\dX]", normalize.id_last4(text))
    assert normalize.verification_code(text) is None or re.fullmatch(r"[A-Z0-9]{4,32}",
                                                                      normalize.verification_code(text))


# ---- phones ----------------------------------------------------------------------------------------

phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def phone_as_typed(draw: st.DrawFn, phone: str) -> str:
    grouped = draw(st.sampled_from([phone, f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
                                    f"{phone[:3]}　{phone[3:7]}　{phone[7:]}"]))
    if draw(st.booleans()):
        grouped = draw(st.sampled_from(["+86 ", "+86", "86-", "0086 "])) + grouped
    return grouped.translate(draw(st.sampled_from([{}, FULL_WIDTH])))


@SETTINGS
@given(st.data(), phones, before_words, after_words)
def test_phone_in_any_form_is_read_back(data, phone, before, after):
    typed = data.draw(phone_as_typed(phone))
    assert parsing.parse_phone(before + typed + after) == phone
    assert normalize.phone(typed) == phone
    assert parsing.parse_phone(before + phone.translate(SPOKEN) + after) == phone  # 一三八零零一三八零零零


# ---- policy and claim numbers ------------------------------------------------------------------------


@SETTINGS
@given(st.sampled_from(["HL", "AU", "LF", "AC"]), st.from_regex(r"[0-9]{8}", fullmatch=True), before_words, after_words,
       st.sampled_from(["{p}{d}", "{p} {d}", "{p}-{d}", "{p}{d4} {d8}", "{p}-{d4}-{d8}"]), st.booleans(), st.booleans())
def test_policy_number_in_any_form_is_read_back(prefix, digits, before, after, form, lower, wide):
    typed = form.format(p=prefix, d=digits, d4=digits[:4], d8=digits[4:])
    if lower:
        typed = typed.lower()
    if wide:  # full-width letters and digits, as a Chinese keyboard types them
        typed = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in typed)
    assert parsing.parse_policy_number(before + typed + after) == prefix + digits
    assert normalize.policy_number(typed) == prefix + digits
    claim = typed.replace(typed[:2], "cl" if lower else "CL", 1) if not wide else None
    if claim:
        assert parsing.parse_claim_number(before + claim + after) == "CL" + digits
        assert normalize.claim_number(claim) == "CL" + digits


# ---- amounts -----------------------------------------------------------------------------------------

CN = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """The standard written form: 3200 三千二百, 15000 一万五千, 10050 一万零五十 (0 < n < 10**8)."""

    def below_10k(value: int) -> str:
        out, gap = "", False
        for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = value // size % 10
            if digit == 0:
                gap = gap or bool(out)
                continue
            out += ("零" if gap else "") + CN[digit] + unit
            gap = False
        return out

    high, low = divmod(n, 10000)
    text = below_10k(high) + "万" if high else ""
    if low:
        text += ("零" if high and low < 1000 else "") + below_10k(low)
    return text


@SETTINGS
@given(st.integers(min_value=1, max_value=99_999_999), st.sampled_from(["", "花了", "金额：", "about "]))
@example(3200, "")
@example(10050, "")
def test_amount_in_digits_or_chinese_numerals_is_read_back(amount, before):
    for typed in (f"{amount}元", f"{amount:,}", f"¥{amount}", f"{amount} 块", chinese_numeral(amount) + "元"):
        assert parsing.parse_amount(before + typed) == amount, typed
    if amount % 10000 == 0:
        assert parsing.parse_amount(f"{amount // 10000}万") == amount
    if amount % 100 == 0:
        assert parsing.parse_amount(f"{amount / 1000:g}k") == amount


# ---- dates ------------------------------------------------------------------------------------------


@SETTINGS
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)), TODAY)
def test_date_with_a_year_is_read_back(date, today):
    for typed in (date.isoformat(), f"{date.year}年{date.month}月{date.day}日", f"{date.year}/{date.month}/{date.day}",
                  f"{date.year}.{date.month:02d}.{date.day:02d}", date.isoformat().translate(FULL_WIDTH)):
        assert parsing.parse_date(f"出险时间 {typed}", today) == date, typed


@SETTINGS
@given(TODAY, st.integers(min_value=0, max_value=3650))
def test_relative_dates_count_back_from_today(today, days):
    assert parsing.parse_date("昨天", today) == today - dt.timedelta(days=1)
    assert parsing.parse_date("前天晚上", today) == today - dt.timedelta(days=2)
    assert parsing.parse_date("yesterday", today) == today - dt.timedelta(days=1)
    assert parsing.parse_date(f"{days}天前", today) == today - dt.timedelta(days=days)
    assert parsing.parse_date(f"{days} days ago", today) == today - dt.timedelta(days=days)
    last_wednesday = parsing.parse_date("上周三", today)
    assert last_wednesday.weekday() == 2 and 0 < (today - last_wednesday).days <= 13
