"""Payout confirmation: claims in 赔付中 (paying) whose payout the gateway reports settled move to 到账 (paid).

Runs inside the policy API (a background task of each worker process, every CLAIM_PAYOUT_POLL_S); several
workers may look at the same claim, and the conditional status change lets only one of them move it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from common.clock import utcnow
from desk_db.tables.policy import Claim, ClaimEvent
from policy_api.claim_flow import SYSTEM, TransitionRefused, move
from policy_api.payments import PayoutGateway

log = logging.getLogger("policy_api")


def sent_at(session: Session, claim: Claim) -> datetime | None:
    return session.scalars(select(ClaimEvent.at).where(ClaimEvent.claim_number == claim.claim_number,
                                                       ClaimEvent.kind == "status", ClaimEvent.status == "paying")
                           .order_by(ClaimEvent.at.desc()).limit(1)).first()


def confirm_payouts(session_factory: sessionmaker[Session], payouts: PayoutGateway, now: datetime) -> list[str]:
    """Move every claim whose payout settled to paid; the claim numbers moved."""
    with session_factory() as session:
        numbers = list(session.scalars(select(Claim.claim_number).where(Claim.status == "paying")
                                       .order_by(Claim.claim_number)))
    moved = []
    for number in numbers:
        with session_factory() as session:
            claim = session.get(Claim, number)
            if claim is None or claim.status != "paying" or not claim.payout_reference:
                continue
            since = sent_at(session, claim)
            if since is None or payouts.payout_status(reference=claim.payout_reference, sent_at=since,
                                                      now=now) != "settled":
                continue
            try:
                move(session, claim, "paid", now, "赔款已到账 / Payout received", SYSTEM)
                session.commit()
            except TransitionRefused:  # another worker confirmed it first
                session.rollback()
                continue
            moved.append(number)
    return moved


async def run_forever(session_factory: sessionmaker[Session], payouts: PayoutGateway, poll_s: float) -> None:
    while True:
        try:
            moved = await asyncio.to_thread(confirm_payouts, session_factory, payouts, utcnow())
            if moved:
                log.info("payouts confirmed: %d claim(s) paid", len(moved))
        except Exception:  # the database may be briefly away: try again next round
            log.exception("payout confirmation failed")
        await asyncio.sleep(poll_s)
