"""Audit entries beyond an agent opening a customer's data (Records.audit): a supervisor watching a
conversation, exporting or erasing a customer. Written before the answer, so a refused or failed
export or erasure is on record too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoff.models import AuditEntry
from handoff.records import Records

if TYPE_CHECKING:  # the hub's service imports this module
    from handoff.service import User

WATCH = "watch_conversation"
EXPORT = "export_customer"
ERASE = "erase_customer"


async def record(records: Records, user: User, action: str, customer_id: str | None,
                 conversation_id: str | None = None) -> None:
    # customer_id "" : a conversation nobody verified (the column predates unverified entries).
    await records.now(lambda session: session.add(AuditEntry(
        username=user.username, role=user.role, customer_id=customer_id or "", conversation_id=conversation_id,
        action=action)))
