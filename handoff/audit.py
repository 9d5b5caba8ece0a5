"""Audit entries beyond an agent opening a customer's data (Records.audit): a supervisor watching a
conversation, exporting or erasing a customer, changing the canned replies or the console's users, listing or opening a claim's files. Written before the answer,
so a refused or failed export or erasure is on record too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desk_db.tables.hub import AuditEntry
from handoff.records import Records

if TYPE_CHECKING:  # the hub's service imports this module
    from handoff.service import User

WATCH = "watch_conversation"
EXPORT = "export_customer"
ERASE = "erase_customer"
CANNED_CREATE = "canned_create"
CANNED_UPDATE = "canned_update"
CANNED_DELETE = "canned_delete"
USER_CREATE = "user_create"
USER_DISABLE = "user_disable"
USER_ENABLE = "user_enable"
USER_RESET = "user_reset"
VIEW_MATERIALS = "view_claim_materials"
OPEN_MATERIAL = "open_claim_material"
JOIN_CALL_AUDIO = "join_call_audio"  # an agent's console took a phone call's audio
# A customer's own download (no console user): username and role "customer".
EPOLICY_DOWNLOAD = "epolicy_download"
CLAIM_VIEW = "claim_view"
CLAIM_APPROVE = "claim_approve"
CLAIM_REJECT = "claim_reject"
CLAIM_MATERIALS = "claim_request_materials"


async def record(records: Records, user: User, action: str, customer_id: str | None,
                 conversation_id: str | None = None, subject: str | None = None) -> None:
    # customer_id "" : a conversation nobody verified, or no customer at all (the column predates both).
    await records.now(lambda session: session.add(AuditEntry(
        username=user.username, role=user.role, customer_id=customer_id or "", conversation_id=conversation_id,
        action=action, subject=subject)))


async def record_customer(records: Records, action: str, customer_id: str, conversation_id: str | None,
                          subject: str | None) -> None:
    """What a customer did to her own data through a link the bot gave her."""
    await records.now(lambda session: session.add(AuditEntry(
        username="customer", role="customer", customer_id=customer_id, conversation_id=conversation_id,
        action=action, subject=subject)))
