"""Pages of the simulated payment gateway. No API key: the customer opens the link in a browser,
and the unguessable payment id is what authorises it."""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.clock import utcnow
from desk_db.tables.policy import Payment, Premium
from policy_api.deps import SessionDep
from policy_api.errors import PaymentNotFound, PremiumAlreadyPaid
from policy_api.renewals import apply_if_renewal
from policy_api.routers import error_docs
from policy_api.schemas import PaymentConfirmed

router = APIRouter(prefix="/pay", tags=["simulated-gateway"])

_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}
.amount{{font-size:2rem;margin:.5rem 0}}button{{font-size:1.1rem;padding:.6rem 1.5rem}}
.note{{color:#777;font-size:.85rem}}</style></head>
<body>{body}<p class="note">模拟支付网关，不会产生真实扣款 / Simulated gateway: no real money moves.</p>
</body></html>"""


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body), status_code=status_code)


def _load(session: Session, payment_id: str, lock: bool = False) -> Payment:
    stmt = select(Payment).where(Payment.payment_id == payment_id)
    if lock:  # serialises concurrent confirms on PostgreSQL; SQLite locks the whole file anyway
        stmt = stmt.with_for_update()
    payment = session.scalars(stmt).first()
    if payment is None:
        raise PaymentNotFound()
    return payment


# The page is HTML; its errors are the API's JSON (documented as such: response_class would call them HTML).
@router.get("/{payment_id}", responses={**error_docs(404), 200: {"content": {"text/html": {}}}})
def payment_page(payment_id: str, session: SessionDep) -> HTMLResponse:
    payment = _load(session, payment_id)
    policy = payment.premium.policy
    details = (
        f"<h1>保费支付 / Premium payment</h1>"
        f"<p>{escape(policy.product_name_zh)} / {escape(policy.product_name_en)}<br>"
        f"保单号 / Policy: {escape(policy.policy_number)}<br>"
        f"应缴日期 / Due: {payment.premium.due_date.isoformat()}</p>"
        f'<p class="amount">¥{payment.amount:,.2f}</p>'
    )
    if payment.status == "paid":
        return _page("已支付 / Paid", details + "<p><strong>已支付 / Paid</strong></p>")
    form = (
        f'<form method="post" action="/pay/{escape(payment.payment_id)}/confirm">'
        f'<button type="submit">确认支付 / Pay</button></form>'
    )
    return _page("保费支付 / Premium payment", details + form)


@router.post(
    "/{payment_id}/confirm",
    response_model=PaymentConfirmed,
    responses={**error_docs(404, 409), 200: {"content": {"text/html": {}}}},
)
def confirm_payment(payment_id: str, request: Request, session: SessionDep) -> JSONResponse | HTMLResponse:
    """Mark the payment and its premium paid. Idempotent: confirming twice is fine."""
    payment = _load(session, payment_id, lock=True)
    if payment.status != "paid":
        premium = session.scalars(
            select(Premium).where(Premium.id == payment.premium_id).with_for_update()
        ).one()
        if premium.status == "paid":  # settled through another payment link
            raise PremiumAlreadyPaid()
        now = utcnow()
        payment.status, payment.paid_at = "paid", now
        premium.status, premium.paid_at = "paid", now
        apply_if_renewal(session, premium, now)
        session.commit()
    # Browsers (form posts) ask for text/html; API clients get JSON.
    if "text/html" in request.headers.get("accept", ""):
        return _page("支付成功 / Paid", f"<h1>支付成功 / Paid</h1><p>¥{payment.amount:,.2f}</p>")
    return JSONResponse(PaymentConfirmed(payment_id=payment.payment_id, status="paid").model_dump())
