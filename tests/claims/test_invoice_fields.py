"""The reading rules on text, without the recogniser: 大写 amounts both ways, dates, plates, and whole invoices as
rows of text the way `claims.ocr` hands them in (including what a recogniser gets slightly wrong)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.invoice_fields import amount_to_words, money_in, parse_date, parse_invoice, parse_plate, words_to_amount


@pytest.mark.parametrize(("amount", "words"), [
    ("123.45", "壹佰贰拾叁元肆角伍分"),
    ("1005", "壹仟零伍元整"),
    ("10005", "壹万零伍元整"),
    ("80.05", "捌拾元零伍分"),
    ("2000.10", "贰仟元壹角整"),
    ("0.50", "伍角整"),
    ("15", "壹拾伍元整"),
    ("101010.10", "壹拾万壹仟零壹拾元壹角整"),
    ("3004", "叁仟零肆元整"),
    ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("120000000.50", "壹亿贰仟万元伍角整"),
])
def test_amounts_in_words_as_invoices_print_them(amount, words):
    assert amount_to_words(Decimal(amount)) == words
    assert words_to_amount(words) == Decimal(amount)


@given(st.integers(min_value=1, max_value=10**11))
def test_every_amount_reads_back_from_its_words(cents):
    amount = Decimal(cents) / 100
    assert words_to_amount(amount_to_words(amount)) == amount


@pytest.mark.parametrize(("text", "amount"), [
    ("金额合计（大写）壹佰贰拾叁元肆角伍分 （小写）123.45", Decimal("123.45")),
    ("人民币(大写):玖佰圆整", Decimal("900")),  # 圆 for 元, as older invoices print
    ("大写：拾元正", Decimal("10")),  # a leading 拾 means one ten; 正 for 整
    ("大写 贰仟零〇伍元", Decimal("2005")),
])
def test_words_with_the_variants_printers_and_recognisers_use(text, amount):
    assert words_to_amount(text) == amount


@pytest.mark.parametrize("text", ["", "合计金额", "元整", "壹贰叁", "零元"])
def test_no_amount_in_words_is_none_not_zero(text):
    assert words_to_amount(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("开票日期：2026年03月12日", date(2026, 3, 12)),
    ("日期：2026年3月2日", date(2026, 3, 2)),
    ("日期：2025-11-03", date(2025, 11, 3)),
    ("2025/08/05", date(2025, 8, 5)),
    ("日期：2026.01.22", date(2026, 1, 22)),
    ("开票日期:20260312", date(2026, 3, 12)),
    ("2026年13月40日 then 2026-02-01", date(2026, 2, 1)),  # an impossible date is skipped, not a crash
])
def test_dates_in_the_formats_invoices_use(text, expected):
    assert parse_date(text) == expected


def test_a_long_number_is_not_a_date():
    assert parse_date("票据号码：1202603120") is None


@pytest.mark.parametrize(("text", "plate"), [
    ("车牌号码：沪A12345", "沪A12345"),
    ("车牌：粤BD12345", "粤BD12345"),  # new energy, D first
    ("苏E12345F", "苏E12345F"),  # new energy, F last
    ("京A·F1234", "京AF1234"),
    ("车牌：浙 B 9Z8Y7", "浙B9Z8Y7"),
])
def test_plates(text, plate):
    assert parse_plate(text) == plate


@pytest.mark.parametrize("text", ["沪I12345", "维修单位：上海安驰汽车维修有限公司", "里程：12345km"])
def test_not_plates(text):
    assert parse_plate(text) is None


def test_money_has_two_decimals_so_numbers_and_dates_are_not_amounts():
    assert money_in("合计 ¥1,234.50 No.12345678 2026.03.12 123.45元") == [Decimal("1234.50"), Decimal("123.45")]


def test_a_provincial_medical_receipt():
    rows = [
        "上海市医疗门诊收费票据（电子）",
        "票据代码：31060123 票据号码：0012345678",
        "交款人：张*明 开票日期：2026年03月12日",
        "项目名称 金额（元）",
        "西药费 100.00",
        "检查费 23.45",
        "金额合计（大写）壹佰贰拾叁元肆角伍分 （小写）¥123.45",
        "收款单位（章）：上海市第六人民医院 收款人：李*",
    ]
    found = parse_invoice(rows)
    assert found.amount == found.amount_in_words == Decimal("123.45")
    assert found.invoice_date == date(2026, 3, 12)
    assert found.invoice_number == "0012345678"  # not the 票据代码 before it
    assert found.payee == "上海市第六人民医院"
    assert found.looks_like_invoice


def test_an_outpatient_invoice_with_the_number_alone_and_a_zero_distractor():
    rows = ["门诊收费专用发票", "医院名称：广州市第一人民医院", "姓名：杨*静 No.26222281", "日期：2025/08/05",
            "诊察费 201.36", "放射费 977.84", "合计金额：¥1179.20", "人民币（大写）：壹仟壹佰柒拾玖元贰角整",
            "收费员：9772 医保统筹支付：0.00"]
    found = parse_invoice(rows)
    assert (found.amount, found.invoice_number, found.payee) == (Decimal("1179.20"), "26222281", "广州市第一人民医院")


def test_the_words_total_settles_a_misread_figure():
    # The recogniser read the 小写 total's decimal point as a comma; an item's price equals the 大写 total only
    # when it is the only item. With the words, the figure that agrees is taken over the labelled one.
    rows = ["医疗费用收据", "总金额：512.00元", "大写：伍佰壹拾贰元整", "检查费 512.00"]
    assert parse_invoice(rows).amount == Decimal("512.00")
    rows = ["医疗费用收据", "检查费 300.00", "治疗费 212.00", "总金额：512.00元"]
    assert parse_invoice(rows).amount == Decimal("512.00")  # no words: the labelled total


def test_an_auto_repair_invoice_with_a_plate_and_the_shop_as_seller():
    rows = ["增值税普通发票", "购买方名称：王*芳 发票号码：05327732", "车牌号码：闽G23RW9 开票日期：2026-03-02",
            "工时费 300.00", "材料费 70.00", "价税合计（大写）叁佰柒拾元整 （小写）￥370.00",
            "销售方名称：北京顺达汽车修理厂"]
    found = parse_invoice(rows)
    assert (found.amount, found.plate, found.payee, found.invoice_number) == (
        Decimal("370.00"), "闽G23RW9", "北京顺达汽车修理厂", "05327732")


def test_a_payee_without_a_label_is_found_by_its_ending():
    assert parse_invoice(["收费票据", "南京鼓楼医院", "合计 12.00"]).payee == "南京鼓楼医院"


def test_a_menu_is_not_an_invoice():
    found = parse_invoice(["今日菜单", "宫保鸡丁 38元", "米饭 2元"])
    assert not found.looks_like_invoice and found.amount is None


@pytest.mark.parametrize(("text", "plate"), [
    ("车牌号码：沪HO9TJM", "沪H09TJM"),  # O for 0: plates have no O
    ("车牌号码：川IYF17905", "川YF17905"),  # the dot after the province read as I
])
def test_plates_as_a_recogniser_misreads_them(text, plate):
    assert parse_plate(text) == plate


def test_a_dot_read_for_the_thousands_comma():
    assert money_in("合计：￥9.473.82") == [Decimal("9473.82")]


def test_the_issuer_code_is_never_the_number_whichever_comes_first():
    assert parse_invoice(["票据号码：0012345678 票据代码：31060123", "合计 1.00"]).invoice_number == "0012345678"
    assert parse_invoice(["发票代码：031001900204", "发票号码：05327732"]).invoice_number == "05327732"
    assert parse_invoice(["票据代码：31060123", "合计 1.00"]).invoice_number is None


def test_a_payee_run_together_with_the_next_field():
    assert parse_invoice(["收款单位（章）：上海市第六人民医院收款人：李*"]).payee == "上海市第六人民医院"
