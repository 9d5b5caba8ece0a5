"""Writes to the database, off the event loop: one worker thread takes them in order, so SQLite
sees one writer and the hub's live path never waits for a disk.

What is stored for display and analytics (transcripts, notes, handoff summaries) has its personal
numbers masked (privacy/)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from sqlalchemy import Engine, event, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from common.clock import as_utc
from desk_db import engine as policy_db
from desk_db.tables.hub import AuditEntry, HandoffRecord, HubUser, Note, TranscriptLine
from privacy.numbers import mask_text
from privacy.records import scrub

log = logging.getLogger("handoff.records")


@dataclass(frozen=True)
class _NewRequest:
    """A handoff record to insert (batched with the others queued with it)."""

    row: dict[str, Any]

    def __call__(self, session: Session) -> None:  # _run_batch batches it; this keeps it a plain job too
        session.execute(insert(HandoffRecord), [self.row])


T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """The policy API's engine (same URL handling, SQLite and PostgreSQL), with the hub's SQLite pragmas."""
    engine = policy_db.make_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(conn: Any, _record: Any) -> None:
    # WAL lets the policy API read while the hub writes; NORMAL syncs at checkpoints, not every commit.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")


def ts(epoch: float | str | None) -> dt.datetime | None:
    if epoch in (None, ""):
        return None
    return dt.datetime.fromtimestamp(float(epoch), dt.UTC)


class Records:
    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        policy_db.ensure_schema(self.engine)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._queue: asyncio.Queue[tuple[Callable[[Session], Any], asyncio.Future | None]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._work())

    async def stop(self) -> None:
        await self._queue.join()
        if self._task:
            self._task.cancel()
        self.engine.dispose()

    async def _work(self) -> None:
        """Take whatever jobs are queued (up to 200) and run them in one transaction: under a burst of
        handoffs that is a few commits instead of hundreds. A failing job is retried on its own."""
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < 200:
                batch.append(self._queue.get_nowait())
            try:
                results = await asyncio.to_thread(self._run_batch, [job for job, _ in batch])
            except Exception as exc:
                log.warning("record batch failed (%r); retrying its jobs one by one", exc)
                results = []
                for job, _ in batch:
                    try:
                        results.append(await asyncio.to_thread(self._run_batch, [job]))
                    except Exception as job_exc:  # a failed record must not stop the live path
                        log.error("record write failed: %r", job_exc)
                        results.append(job_exc)
                results = [r[0] if isinstance(r, list) else r for r in results]
            for (_, future), result in zip(batch, results, strict=True):
                if future and not future.done():
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
                self._queue.task_done()

    def _run_batch(self, jobs: list[Callable[[Session], Any]]) -> list[Any]:
        with self.sessions() as session:
            # New handoff records go in as one multi-row insert where the first of them stood (a burst
            # of handoffs is hundreds of them; row by row through the ORM the thread would hold the GIL
            # the event loop needs). Later jobs, such as their updates, still see them.
            new_rows = [job.row for job in jobs if isinstance(job, _NewRequest)]
            results: list[Any] = []
            for job in jobs:
                if isinstance(job, _NewRequest):
                    if new_rows:
                        session.execute(insert(HandoffRecord), new_rows)
                        new_rows = []
                    results.append(None)
                else:
                    results.append(job(session))
            session.commit()
            return results

    def later(self, job: Callable[[Session], Any]) -> None:
        """Queue a write; the caller does not wait."""
        self._queue.put_nowait((job, None))

    async def now(self, job: Callable[[Session], T]) -> T:
        """Queue a job and wait for it (reads, and writes that must exist before we answer)."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((job, future))
        return await future

    # --- the jobs -----------------------------------------------------------------------------------
    def record_request(self, req: dict[str, Any], summary: list[dict[str, str]]) -> None:
        self.later(_NewRequest({
            "request_id": req["rid"], "conversation_id": req["cid"], "reason": req["reason"],
            "language": req["language"], "channel": req["channel"], "customer_id": req.get("customer_id") or None,
            "summary": scrub(summary), "created_at": ts(req["created"])}))

    def update_request(self, rid: str, **fields: Any) -> None:
        def job(session: Session) -> None:
            done = session.execute(update(HandoffRecord).where(HandoffRecord.request_id == rid).values(**fields))
            if not done.rowcount:
                log.warning("no record for request %s", rid)
        self.later(job)

    def save_transcript(self, cid: str, entries: list[dict[str, Any]]) -> None:
        def job(session: Session) -> None:
            session.add_all(TranscriptLine(
                conversation_id=cid, seq=e["seq"], sender=e.get("sender", "system"), author=e.get("author"),
                text=mask_text(e.get("title") or e.get("text") or ""), suppressed=bool(e.get("suppressed")), at=ts(e["at"]))
                for e in entries)
        self.later(job)

    def add_note(self, rid: str, cid: str, author: str, text: str) -> None:
        self.later(lambda session: session.add(Note(request_id=rid, conversation_id=cid, author=author,
                                                    text=mask_text(text))))

    async def notes(self, rid: str) -> list[dict[str, Any]]:
        def job(session: Session) -> list[dict[str, Any]]:
            rows = session.scalars(select(Note).where(Note.request_id == rid).order_by(Note.id))
            return [{"author": n.author, "text": n.text, "at": n.at.timestamp()} for n in rows]
        return await self.now(job)

    async def audit(self, username: str, role: str, customer_id: str, cid: str | None) -> None:
        await self.now(lambda session: session.add(AuditEntry(
            username=username, role=role, customer_id=customer_id, conversation_id=cid)))

    async def audit_rows(self, limit: int = 100) -> list[dict[str, Any]]:
        def job(session: Session) -> list[dict[str, Any]]:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
            return [{"at": r.at.isoformat(), "username": r.username, "role": r.role, "customer_id": r.customer_id,
                     "conversation_id": r.conversation_id, "action": r.action, "subject": r.subject} for r in rows]
        return await self.now(job)

    async def users(self) -> list[HubUser]:
        return await self.now(lambda session: list(session.scalars(select(HubUser))))

    async def user(self, username: str) -> HubUser | None:
        return await self.now(lambda session: session.get(HubUser, username))

    async def today_figures(self, target_s: float) -> dict[str, Any]:
        def job(session: Session) -> dict[str, Any]:
            start = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            rows = session.execute(select(HandoffRecord.accept_ms, HandoffRecord.created_at, HandoffRecord.csat)
                                   # a transfer's second leg is no new handoff (handoff/wrapup.py counts them)
                                   .where(HandoffRecord.created_at >= start,
                                          HandoffRecord.transferred_from.is_(None))).all()
            accepted = sorted(r.accept_ms for r in rows if r.accept_ms is not None)
            now = dt.datetime.now(dt.UTC)
            # A request still waiting counts once its 30 s have passed (it can no longer make it).
            decided = [r for r in rows if r.accept_ms is not None
                       or (now - as_utc(r.created_at)).total_seconds() > target_s]
            within = sum(1 for r in decided if r.accept_ms is not None and r.accept_ms <= target_s * 1000)
            scores = [r.csat for r in rows if r.csat is not None]
            csat_avg = session.scalar(select(func.avg(HandoffRecord.csat)).where(
                HandoffRecord.created_at >= start, HandoffRecord.csat.is_not(None)))
            return {"handoffs": len(rows), "accepted": len(accepted),
                    "accept_p50_s": _pct(accepted, 0.5), "accept_p95_s": _pct(accepted, 0.95),
                    "within_target_share": round(within / len(decided), 3) if decided else None,
                    "csat_avg": round(float(csat_avg), 2) if csat_avg is not None else None,
                    "csat_count": len(scores)}
        return await self.now(job)




def _pct(values_ms: list[float], q: float) -> float | None:
    if not values_ms:
        return None
    return round(values_ms[min(len(values_ms) - 1, int(round(q * (len(values_ms) - 1))))] / 1000, 2)
