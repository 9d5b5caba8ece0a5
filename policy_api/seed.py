"""Demo data: `python -m policy_api.seed [--database-url URL]`.

Idempotent: deletes the demo customers' rows (including claims and payments made while demoing)
and inserts them again. Dates are relative to today so the demo always looks current."""

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from claims.material_store import MaterialStore
from common import clock
from desk_db.tables.policy import (
    Claim,
    ClaimEvent,
    ClaimMaterial,
    ClaimNotification,
    ClaimRequest,
    Customer,
    Document,
    EpolicyCopy,
    Payment,
    Policy,
    Premium,
    UsedInvoice,
)
from knowledge.store import import_files
from policy_api.codes import hash_code
from policy_api.db import ensure_schema, make_engine
from policy_api.settings import get_settings
from privacy.fields import mask_phone
from reminder_records.reset import reset_outreach

DEMO_CUSTOMERS = ("C0001", "C0002")

# Fixed so demos and tests can quote them. Only their hashes reach the database.
DEMO_CODES = {
    "HL20240001": "HX7K2M9Q",
    "AU20240002": "AQ3P8N4R",
    "LF20230007": "LT6W2C8M",
    "AU20230009": "AZ5J7D3K",
}


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=UTC)


@dataclass
class _PolicySpec:
    number: str
    customer_id: str
    kind: str
    name_zh: str
    name_en: str
    start: date
    end: date
    insured: str
    sum_insured: int
    premium: int
    frequency: str


def _premium_schedule(spec: _PolicySpec, today: date) -> list[Premium]:
    """Yearly instalments over the policy period; the ones already due are paid."""
    if spec.frequency == "single":
        dues = [spec.start]
    else:
        dues = []
        due = spec.start
        while due <= spec.end:
            dues.append(due)
            due = clock.add_years(due, 1)
    return [
        Premium(
            due_date=due,
            amount=Decimal(spec.premium),
            status="paid" if due <= today else "due",
            paid_at=_at(due - timedelta(days=2)) if due <= today else None,
        )
        for due in dues
    ]


def _reset(session: Session) -> None:
    policy_numbers = select(Policy.policy_number).where(
        (Policy.customer_id.in_(DEMO_CUSTOMERS)) | (Policy.policy_number.in_(DEMO_CODES))
    )
    claim_numbers = select(Claim.claim_number).where(
        Claim.customer_id.in_(DEMO_CUSTOMERS) | Claim.policy_number.in_(policy_numbers)
    )
    premium_ids = select(Premium.id).where(Premium.policy_number.in_(policy_numbers))
    reset_outreach(session, DEMO_CUSTOMERS, policy_numbers)
    session.execute(delete(ClaimRequest).where(ClaimRequest.claim_number.in_(claim_numbers)
                                               | ClaimRequest.customer_id.in_(DEMO_CUSTOMERS)))
    session.execute(delete(ClaimNotification).where(ClaimNotification.claim_number.in_(claim_numbers)))
    session.execute(delete(UsedInvoice).where(UsedInvoice.claim_number.in_(claim_numbers)))
    session.execute(delete(ClaimEvent).where(ClaimEvent.claim_number.in_(claim_numbers)))
    # The demo claims' files go with their rows (from this install's materials directory).
    store = MaterialStore(get_settings().materials_dir)
    for name in session.scalars(select(ClaimMaterial.stored_name).where(ClaimMaterial.claim_number.in_(claim_numbers))):
        store.delete(name)
    session.execute(delete(ClaimMaterial).where(ClaimMaterial.claim_number.in_(claim_numbers)))
    session.execute(delete(Claim).where(Claim.claim_number.in_(claim_numbers)))
    session.execute(delete(Payment).where(Payment.premium_id.in_(premium_ids)))
    session.execute(delete(Premium).where(Premium.policy_number.in_(policy_numbers)))
    session.execute(delete(Document).where(Document.policy_number.in_(policy_numbers)))
    session.execute(delete(EpolicyCopy).where(EpolicyCopy.policy_number.in_(policy_numbers)))
    session.execute(delete(Policy).where(Policy.policy_number.in_(policy_numbers)))
    session.execute(delete(Customer).where(Customer.customer_id.in_(DEMO_CUSTOMERS)))


def _claim(number: str, spec: _PolicySpec, incident: date, amount: int, description: str,
           history: list[tuple[str, datetime, str]]) -> Claim:
    claim = Claim(
        claim_number=number,
        policy_number=spec.number,
        customer_id=spec.customer_id,
        insurance_type=spec.kind,
        incident_date=incident,
        amount=Decimal(amount),
        description=description,
        status=history[-1][0],
        fast_track=True,
        created_at=history[0][1],
    )
    claim.events = [ClaimEvent(status=s, at=at, note=note) for s, at, note in history]
    return claim


def seed_session(session: Session) -> list[str]:
    """Reset and insert the demo rows; returns summary lines. The caller commits."""
    today = clock.today()
    now = clock.utcnow()
    _reset(session)
    session.flush()

    session.add_all([
        Customer(customer_id="C0001", name="王芳", phone="13800138000",
                 id_number="110101199003071234", preferred_language="zh"),
        Customer(customer_id="C0002", name="John Smith", phone="13900139000",
                 id_number="310104198507205678", preferred_language="en"),
    ])

    hl_next_due = today + timedelta(days=10)
    hl_start = clock.add_years(hl_next_due, -2)
    au1_end = today + timedelta(days=25)
    lf_start = clock.add_years(today + timedelta(days=200), -4)
    au2_end = today + timedelta(days=200)
    specs = [
        _PolicySpec("HL20240001", "C0001", "health", "安心医疗险", "Anxin Medical Insurance",
                    hl_start, clock.add_years(hl_start, 5) - timedelta(days=1), "王芳", 1_000_000, 1_200, "annual"),
        _PolicySpec("AU20240002", "C0001", "auto", "安心车险", "Anxin Auto Insurance",
                    clock.add_years(au1_end, -1) + timedelta(days=1), au1_end, "王芳", 300_000, 4_800, "single"),
        _PolicySpec("LF20230007", "C0002", "life", "安心定期寿险", "Anxin Term Life",
                    lf_start, clock.add_years(lf_start, 20) - timedelta(days=1), "John Smith", 2_000_000, 3_600, "annual"),
        _PolicySpec("AU20230009", "C0002", "auto", "安心车险", "Anxin Auto Insurance",
                    clock.add_years(au2_end, -1) + timedelta(days=1), au2_end, "John Smith", 300_000, 5_200, "single"),
    ]
    session.flush()  # customers first: policies reference them
    for spec in specs:
        policy = Policy(
            policy_number=spec.number, customer_id=spec.customer_id, insurance_type=spec.kind,
            product_name_zh=spec.name_zh, product_name_en=spec.name_en, status="active",
            start_date=spec.start, end_date=spec.end, insured_name=spec.insured,
            sum_insured=Decimal(spec.sum_insured), annual_premium=Decimal(spec.premium),
            payment_frequency="annual" if spec.frequency == "single" else spec.frequency,
        )
        policy.premiums = _premium_schedule(spec, today)
        session.add(policy)
    session.flush()
    for spec in specs:
        session.add(Document(policy_number=spec.number, code_hash=hash_code(spec.number, DEMO_CODES[spec.number]),
                             issued_at=_at(spec.start, 9)))

    hl, au2 = specs[0], specs[3]
    in_review = _claim("CL20250001", hl, today - timedelta(days=7), 3_200,
               "急性肠胃炎门诊治疗 / Outpatient treatment for acute gastroenteritis",
               [("reported", now - timedelta(days=5), "客户报案 / Reported by customer"),
                ("reviewing", now - timedelta(days=3), "材料已收齐 / Documents received")])
    # In the adjusters' queue, as the review leaves a claim whose invoice did not match.
    in_review.review_queue = "adjuster"
    in_review.review_findings = json.dumps({"kind": "medical_invoice", "amount": "3250.00", "amount_in_words": "3250.00",
                                            "invoice_date": (today - timedelta(days=7)).isoformat(),
                                            "payee": "北京协和医院", "invoice_number": "DEMO0001",
                                            "plate": None, "quality_problem": None, "confidence": 0.93},
                                           ensure_ascii=False)
    in_review.review_problems = json.dumps([{"code": "amount_mismatch",
                                             "zh": "发票金额 3,250.00 元与报案金额 3,200.00 元不符。",
                                             "en": "The invoice amount CNY 3,250.00 does not match the claimed "
                                                   "CNY 3,200.00."}], ensure_ascii=False)
    session.add_all([
        in_review,
        _claim("CL20250002", au2, today - timedelta(days=35), 8_000,
               "停车场单方事故，后保险杠受损 / Single-vehicle accident in a car park, rear bumper damaged",
               [("reported", now - timedelta(days=32), "客户报案 / Reported by customer"),
                ("reviewing", now - timedelta(days=30), "定损完成 / Damage assessed"),
                ("paying", now - timedelta(days=25), "审核通过 / Approved"),
                ("paid", now - timedelta(days=23), "赔款已到账 / Payout received")]),
    ])

    lines = []
    for spec in specs:
        lines.append(f"{spec.customer_id} {spec.number} {spec.kind:<6} {spec.name_en:<24} "
                     f"{spec.start} → {spec.end}  e-policy code {DEMO_CODES[spec.number]}")
    lines.append("C0001 王芳 phone " + mask_phone("13800138000") + " ID …1234; "
                 "C0002 John Smith phone " + mask_phone("13900139000") + " ID …5678")
    lines.append(f"HL20240001 next premium 1,200.00 CNY due {hl_next_due}; claims CL20250001 (reviewing), "
                 "CL20250002 (paid)")
    return lines


def seed(database_url: str | None = None) -> list[str]:
    engine = make_engine(database_url or get_settings().database_url)
    try:
        ensure_schema(engine)
        with Session(engine) as session:
            lines = seed_session(session)
            imported = import_files(session)
            session.commit()
    finally:
        engine.dispose()
    lines.append("knowledge base: " + ", ".join(f"{lang} {sum(c.values()) - c['removed']} entries"
                                                for lang, c in imported.items()))
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Reset the policy API's demo data.")
    parser.add_argument("--database-url", help="defaults to $DATABASE_URL or var/policy.db")
    args = parser.parse_args(argv)
    for line in seed(args.database_url):
        print(line)
    print("demo data reset.")


if __name__ == "__main__":
    main()
