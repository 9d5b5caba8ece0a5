"""Invoice fields from recognised text lines: pure functions, no OCR, no I/O.

`claims.ocr` hands in the text rows it read (top to bottom, boxes of one row joined by a space); this module
finds the total (小写 and 大写), the date, the payee, the invoice number and the plate. Kept apart from the engine
so the rules are tested on strings in milliseconds and tuned on the dev part of the generated set only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
CENT = Decimal("0.01")
# OCR and hand-written variants of the capital digits and units, mapped to the canonical ones.
_VARIANTS = str.maketrans({"〇": "零", "○": "零", "圆": "元", "园": "元", "两": "贰", "正": "整", "什": "仟",
                           "陌": "佰", "阡": "仟", "萬": "万", "億": "亿", "貮": "贰", "弍": "贰", "叄": "叁"})
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_WORDS_RUN = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+")

# Words that a receipt or invoice prints and a photo of something else rarely does.
INVOICE_WORDS = ("发票", "票据", "收据", "结算单", "收费", "合计", "金额", "价税")
_TOTAL_LABELS = ("小写", "合计", "总计", "总金额", "金额合计", "实收", "应收", "价税合计")
# Thousands grouped by a comma, or by a dot as the recogniser sometimes reads the comma (9.473.82).
_MONEY = re.compile(r"(?<![\d.])(\d{1,3}(?:[,，.．]\d{3})+|\d{1,7})\s*[.．。·]\s*(\d{2})(?!\d|[.．]\d)")

_DATE_PATTERNS = (
    re.compile(r"(20\d{2})\s*[年\-/.．]\s*(\d{1,2})\s*[月\-/.．]\s*(\d{1,2})"),
    re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)"),
)
_NUMBER_LABEL = re.compile(r"(?:发票号码|票据号码|收据号码|收据编号|发票号|票号|NO|No|N0)\s*[.:：]?\s*([0-9A-Z]{6,20})")

_ISSUER_CODE = re.compile(r"(?:发票|票据|收据)代码\s*[.:：]?\s*[0-9A-Z]*")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# New-energy plates have 6 characters after the letter (D/F first or last), ordinary ones 5. Plates have no I or
# O, so a recogniser's O or I in the body is a 0 or 1, and an I between the province and the letter is the dot.
_PLATE = re.compile(rf"([{_PROVINCES}])\s*[I|]?\s*([A-HJ-NP-Z])\s*[·•.\-]?\s*([A-Z0-9]{{5,6}})(?![A-Z0-9])")
_PLATE_BODY = str.maketrans({"O": "0", "I": "1"})
_PAYEE_LABELS = ("收款单位", "医疗机构", "医院名称", "维修单位", "维修企业", "销售方名称", "承修单位", "开票单位")
_PAYEE_ENDINGS = ("医院", "卫生院", "诊所", "门诊部", "卫生服务中心", "修理厂", "维修厂", "有限公司", "汽修中心",
                  "服务中心")


def amount_to_words(amount: Decimal) -> str:
    """A CNY amount in 大写, as invoices print it: 壹仟零伍元叁角整, 捌拾元零伍分, 伍角整."""
    cents = int((amount * 100).to_integral_value())
    if cents < 0:
        raise ValueError("negative amount")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    out = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out if cents else "零元整"


def _integer_words(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    out, zero_pending = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or group < 1000):
            out += "零"
        out += _group_words(group) + ("", "万", "亿")[index]
        zero_pending = False
    return out


def _group_words(group: int) -> str:
    out, zero = "", False
    for unit, name in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = group // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + name
    return out


def words_to_amount(text: str) -> Decimal | None:
    """The amount in a 大写 run (壹佰贰拾叁元肆角伍分 → 123.45); None when the text holds none or is malformed."""
    words = _longest_words_run(text.translate(_VARIANTS))
    if words is None:
        return None
    integer_part, _, fraction_part = words.partition("元") if "元" in words else ("", "", words)
    try:
        yuan = _parse_integer(integer_part)
        jiao = fen = 0
        for digit_char, unit in re.findall(r"([壹贰叁肆伍陆柒捌玖])([角分])", fraction_part):
            if unit == "角":
                jiao = DIGITS.index(digit_char)
            else:
                fen = DIGITS.index(digit_char)
    except ValueError:
        return None
    if not integer_part and not jiao and not fen:
        return None
    return (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100).quantize(CENT)  # 1179.20, as in figures


def _longest_words_run(text: str) -> str | None:
    runs = [r for r in _WORDS_RUN.findall(text) if any(u in r for u in "元角分") and any(d in r for d in DIGITS[1:] + "拾")]
    return max(runs, key=len) if runs else None


def _parse_integer(text: str) -> int:
    total = section = number = 0
    for char in text:
        if char in DIGITS:
            number = DIGITS.index(char)
        elif char in _SMALL_UNITS:
            section += (number or (1 if char == "拾" else 0)) * _SMALL_UNITS[char]
            number = 0
        elif char in "万亿":
            scale = 10000 if char == "万" else 100000000
            if char == "亿":
                total = (total + section + number) * scale
            else:
                total += (section + number) * scale
            section = number = 0
        elif char != "整":
            raise ValueError(char)
    return total + section + number


def money_in(line: str) -> list[Decimal]:
    """Every amount with two decimals in a line (¥1,234.50, 123.45元); invoice numbers and dates have none."""
    return [Decimal(re.sub(r"[,，.．]", "", whole) + "." + cents) for whole, cents in _MONEY.findall(line)]


def parse_date(line: str) -> date | None:
    for pattern in _DATE_PATTERNS:
        for y, m, d in pattern.findall(line):
            try:
                return date(int(y), int(m), int(d))
            except ValueError:
                continue
    return None


def parse_plate(line: str) -> str | None:
    compact = line.replace(" ", "").upper()
    for province, letter, rest in _PLATE.findall(compact):
        rest = rest.translate(_PLATE_BODY)
        if len(rest) == 6 and not (rest[0] in "DF" or rest[-1] in "DF"):
            rest = rest[:5]  # an ordinary plate followed by a letter or digit of something else
        return province + letter + rest
    return None


@dataclass(frozen=True)
class ParsedInvoice:
    amount: Decimal | None
    amount_in_words: Decimal | None
    invoice_date: date | None
    payee: str | None
    invoice_number: str | None
    plate: str | None
    looks_like_invoice: bool  # an invoice word was printed


def parse_invoice(rows: list[str]) -> ParsedInvoice:
    """The fields of one invoice from its text rows, top to bottom."""
    in_words = _amount_in_words(rows)
    return ParsedInvoice(
        amount=_total(rows, in_words),
        amount_in_words=in_words,
        invoice_date=_date(rows),
        payee=_payee(rows),
        invoice_number=_invoice_number(rows),
        plate=_plate(rows),
        looks_like_invoice=any(word in row for row in rows for word in INVOICE_WORDS),
    )


def _amount_in_words(rows: list[str]) -> Decimal | None:
    labelled = [r for r in rows if "大写" in r]
    for row in labelled + rows:
        found = words_to_amount(row)
        if found is not None:
            return found
    return None


def _total(rows: list[str], in_words: Decimal | None) -> Decimal | None:
    labelled = [m for r in rows if any(label in r for label in _TOTAL_LABELS) for m in money_in(_after_label(r))]
    anywhere = [m for r in rows for m in money_in(r)]
    # The 大写 total is printed in words the recogniser rarely gets wrong: when a figure agrees with it, that is it.
    if in_words is not None and in_words in labelled + anywhere:
        return in_words
    if labelled:
        return max(labelled)
    return max(anywhere) if anywhere else None


def _after_label(row: str) -> str:
    # "合计（大写）… （小写）¥123.45": only the part from the 小写 label on, so a line's item prices stay out.
    return row[row.index("小写"):] if "小写" in row else row


def _date(rows: list[str]) -> date | None:
    labelled = [r for r in rows if "日期" in r or "时间" in r]
    for row in labelled + rows:
        found = parse_date(row)
        if found is not None:
            return found
    return None


def _invoice_number(rows: list[str]) -> str | None:
    for row in rows:
        # 票据代码 / 发票代码 is the issuer's code, not this invoice's number: out before looking.
        compact = _ISSUER_CODE.sub("", row.replace(" ", ""))
        match = _NUMBER_LABEL.search(compact)
        if match:
            return match.group(1)
    return None


def _payee(rows: list[str]) -> str | None:
    for row in rows:
        for label in _PAYEE_LABELS:
            if label in row:
                value = _clean_name(row.split(label, 1)[1])
                if value:
                    return value
    for row in rows:
        name = _clean_name(row)
        if name and name.endswith(_PAYEE_ENDINGS) and 4 <= len(name) <= 30:
            return name
    return None


def _clean_name(text: str) -> str:
    text = re.sub(r"[（(]\s*[章盖印签]+\s*[)）]", "", text)
    text = text.lstrip(" :：·")
    # A name ends at the next field of the same row ("… 医院 开票人: 张三"), spaced or run together.
    return re.split(r"\s+|[:：]|收款人|收费员|开票人|复核人?|经办人", text.strip())[0].strip() if text.strip() else ""


def _plate(rows: list[str]) -> str | None:
    labelled = [r for r in rows if "车牌" in r or "号牌" in r]
    for row in labelled + rows:
        found = parse_plate(row.split("车牌", 1)[-1])
        if found is not None:
            return found
    return None
