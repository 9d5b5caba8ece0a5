"""The e-policy PDF: one A4 page, bilingual, set in a CJK TrueType font, with a QR code to the 验真 page.

The QR code is drawn as vector squares from the `qrcode` package's module matrix (no image library in the
way, sharp at any zoom). It carries the policy number and this copy's code in the URL's fragment (`#p=..&c=..`):
the 验真 page fills its form from it, and a fragment never reaches a server, a proxy's log or a Referer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlencode

import qrcode
from fpdf import FPDF

from privacy.fields import EPOLICY_CODE_LENGTH

# Printed times are the customer's (Beijing time), as on every other document of the insurer.
CHINA = timezone(timedelta(hours=8), "CST")
FONT = "cjk"
QR_MODULE_MM = 1.1


@dataclass(frozen=True)
class EpolicyFacts:
    """What one copy states. Attributes mirror the policy; `code` is this copy's own verification code."""

    policy_number: str
    product_name_zh: str
    product_name_en: str
    insured_name: str
    start_date: date
    end_date: date
    sum_insured: Decimal
    annual_premium: Decimal
    payment_frequency: str
    code: str
    issued_at: datetime


FREQUENCY = {"annual": "年缴 / annual", "monthly": "月缴 / monthly", "single": "趸缴 / single"}


def verify_url(hub_public_url: str, policy_number: str, code: str) -> str:
    """The 验真 page's address with this copy's facts in the fragment (see the module's docstring)."""
    return f"{hub_public_url}/verify#{urlencode({'p': policy_number, 'c': code})}"


def money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def _draw_qr(pdf: FPDF, payload: str, x: float, y: float) -> float:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the 4-module quiet zone a scanner needs
    pdf.set_fill_color(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(x + col * QR_MODULE_MM, y + row * QR_MODULE_MM, QR_MODULE_MM, QR_MODULE_MM, style="F")
    return len(matrix) * QR_MODULE_MM


def render(facts: EpolicyFacts, hub_public_url: str, font_path: str) -> bytes:
    if len(facts.code) != EPOLICY_CODE_LENGTH:
        raise ValueError("an e-policy code has the printed length")
    pdf = FPDF(format="A4")
    pdf.set_creation_date(facts.issued_at)
    pdf.set_title(f"电子保单 e-policy {facts.policy_number}")
    pdf.set_author("安心保险 Anxin Insurance")
    pdf.add_font(FONT, fname=font_path)  # a collection (.ttc) works too: its first face is used
    pdf.add_page()
    pdf.set_font(FONT, size=20)
    pdf.cell(text="安心保险 电子保单", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=12)
    pdf.cell(text="Anxin Insurance · Electronic Policy", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    issued = facts.issued_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    rows = [
        ("保单号 / Policy number", facts.policy_number),
        ("产品 / Product", f"{facts.product_name_zh} / {facts.product_name_en}"),
        ("被保险人 / Insured", facts.insured_name),
        ("保险期间 / Period", f"{facts.start_date.isoformat()} 至 / to {facts.end_date.isoformat()}"),
        ("保险金额 / Sum insured", money(facts.sum_insured)),
        ("保费 / Premium", f"{money(facts.annual_premium)} ({FREQUENCY.get(facts.payment_frequency, facts.payment_frequency)})"),
        ("签发时间 / Issued", f"{issued} (北京时间 / Beijing time)"),
        ("验证码 / Verification code", facts.code),
    ]
    for label, value in rows:
        pdf.set_font(FONT, size=10)
        pdf.cell(w=62, h=9, text=label)
        pdf.set_font(FONT, size=12)
        pdf.multi_cell(w=0, h=9, text=value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    url = verify_url(hub_public_url, facts.policy_number, facts.code)
    top = pdf.get_y()
    size = _draw_qr(pdf, url, pdf.l_margin, top)
    pdf.set_xy(pdf.l_margin + size + 6, top + 4)
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(w=0, h=6, new_x="LMARGIN", new_y="NEXT", text=(
        "扫码或访问以下网址，输入保单号和验证码即可验真；也可选择本PDF文件一并校验，文件被改动则验真失败。\n"
        "Scan the code or open the address below and enter the policy number and the verification code; choose "
        "this PDF file as well to check that nothing in it was changed.\n"
        f"{hub_public_url}/verify"))
    return bytes(pdf.output())
