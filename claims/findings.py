"""What was read from one claim document: the contract between the OCR (`claims.ocr`), the materials store and
the claim review in the policy API. JSON-safe via `to_json`/`from_json`, so it can be stored beside the file
and shown to an adjuster."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

DocumentKind = Literal["medical_invoice", "auto_repair_invoice"]

# Why a photo cannot be reviewed; each has a zh/en "请重新拍摄" text where the customer sees it.
QualityProblem = Literal["blurred", "too_dark", "not_an_invoice", "unreadable"]


@dataclass(frozen=True)
class InvoiceFindings:
    kind: DocumentKind
    amount: Decimal | None = None  # 小写 total, CNY
    amount_in_words: Decimal | None = None  # 大写 total converted to a number; None when not found
    invoice_date: date | None = None
    payee: str | None = None  # hospital / repair shop
    invoice_number: str | None = None
    plate: str | None = None  # auto repair invoices only, when printed
    quality_problem: QualityProblem | None = None  # None: readable
    confidence: float = 0.0  # mean recognition confidence of the lines used, 0..1

    @property
    def readable(self) -> bool:
        return self.quality_problem is None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("amount", "amount_in_words"):
            out[key] = None if out[key] is None else str(out[key])
        out["invoice_date"] = None if self.invoice_date is None else self.invoice_date.isoformat()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InvoiceFindings:
        def money(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return cls(
            kind=data["kind"],
            amount=money(data.get("amount")),
            amount_in_words=money(data.get("amount_in_words")),
            invoice_date=None if not data.get("invoice_date") else date.fromisoformat(data["invoice_date"]),
            payee=data.get("payee"),
            invoice_number=data.get("invoice_number"),
            plate=data.get("plate"),
            quality_problem=data.get("quality_problem"),
            confidence=float(data.get("confidence", 0.0)),
        )
