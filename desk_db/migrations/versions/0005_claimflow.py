"""Claims that move: approved amount, payout reference and review state on claims; the kind and
actor of claim events; used invoice numbers (unique: never paid twice); the outbox of claim progress messages.

Revision ID: 0005_claimflow
Revises: 0004_console
Created: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0005_claimflow"
down_revision: str | None = "0004_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add_column(table: str, column: sa.Column) -> None:
    """ADD COLUMN unless the table has it (a database adopted from create_all of newer models does): SQLite has
    no ADD COLUMN IF NOT EXISTS, so ask the inspector."""
    if column.name not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
        op.add_column(table, column)


def upgrade() -> None:
    # A database made by create_all from models that already had these (adopted, see 0001) keeps what it has.
    adopting = bool(context.config.attributes.get("adopt_existing"))
    _add_column("claims", sa.Column("approved_amount", sa.Numeric(precision=14, scale=2), nullable=True))
    _add_column("claims", sa.Column("payout_reference", sa.String(length=40), nullable=True))
    _add_column("claims", sa.Column("review_queue", sa.String(length=16), nullable=True))
    _add_column("claims", sa.Column("review_findings", sa.Text(), nullable=True))
    _add_column("claims", sa.Column("review_problems", sa.Text(), nullable=True))
    op.create_index(op.f("ix_claims_payout_reference"), "claims", ["payout_reference"], unique=True, if_not_exists=adopting)
    op.create_index(op.f("ix_claims_review_queue"), "claims", ["review_queue"], unique=False, if_not_exists=adopting)
    # Existing events are status changes; the default fills them.
    _add_column("claim_events", sa.Column("kind", sa.String(length=24), server_default="status", nullable=False))
    _add_column("claim_events", sa.Column("actor", sa.String(length=80), nullable=True))
    _add_column("claim_events", sa.Column("detail", sa.Text(), nullable=True))
    op.create_table("used_invoices",
        sa.Column("invoice_number", sa.String(length=64), nullable=False),
        sa.Column("claim_number", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_number"], ["claims.claim_number"], ),
        sa.PrimaryKeyConstraint("invoice_number"),
        if_not_exists=adopting,
    )
    op.create_index(op.f("ix_used_invoices_claim_number"), "used_invoices", ["claim_number"], unique=False, if_not_exists=adopting)
    op.create_table("claim_notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("claim_number", sa.String(length=10), nullable=False),
        sa.Column("customer_id", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_number"], ["claims.claim_number"], ),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.customer_id"], ),
        sa.ForeignKeyConstraint(["event_id"], ["claim_events.id"], ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "channel", name="uq_claim_notifications_channel"),
        if_not_exists=adopting,
    )
    op.create_index(op.f("ix_claim_notifications_claim_number"), "claim_notifications", ["claim_number"], unique=False, if_not_exists=adopting)
    op.create_index(op.f("ix_claim_notifications_customer_id"), "claim_notifications", ["customer_id"], unique=False, if_not_exists=adopting)
    op.create_index(op.f("ix_claim_notifications_event_id"), "claim_notifications", ["event_id"], unique=False, if_not_exists=adopting)
    op.create_index(op.f("ix_claim_notifications_status"), "claim_notifications", ["status"], unique=False, if_not_exists=adopting)


def downgrade() -> None:
    op.drop_table("claim_notifications")
    op.drop_table("used_invoices")
    with op.batch_alter_table("claim_events") as batch:
        batch.drop_column("detail")
        batch.drop_column("actor")
        batch.drop_column("kind")
    op.drop_index(op.f("ix_claims_review_queue"), table_name="claims")
    op.drop_index(op.f("ix_claims_payout_reference"), table_name="claims")
    with op.batch_alter_table("claims") as batch:
        for column in ("review_problems", "review_findings", "review_queue", "payout_reference", "approved_amount"):
            batch.drop_column(column)
