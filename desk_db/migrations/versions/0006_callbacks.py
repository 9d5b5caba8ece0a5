"""Callbacks: the calls promised to customers who chose "稍后回电" (hub_callbacks), with owner, deadline and outcome.

Revision ID: 0006_callbacks
Revises: 0005_claimflow
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0006_callbacks"
down_revision: str | None = "0005_claimflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database made by create_all before migrations already has the table (desk_db/migrate.py adopts it).
    adopting = bool(context.config.attributes.get("adopt_existing"))
    op.create_table("hub_callbacks",
        sa.Column("callback_id", sa.String(length=40), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("phone_masked", sa.String(length=32), nullable=False),
        sa.Column("phone_source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("callback_id"),
        if_not_exists=adopting,
    )
    op.create_index(op.f("ix_hub_callbacks_conversation_id"), "hub_callbacks", ["conversation_id"], unique=False,
                    if_not_exists=adopting)
    op.create_index(op.f("ix_hub_callbacks_created_at"), "hub_callbacks", ["created_at"], unique=False, if_not_exists=adopting)
    op.create_index(op.f("ix_hub_callbacks_due_at"), "hub_callbacks", ["due_at"], unique=False, if_not_exists=adopting)


def downgrade() -> None:
    op.drop_index(op.f("ix_hub_callbacks_due_at"), table_name="hub_callbacks")
    op.drop_index(op.f("ix_hub_callbacks_created_at"), table_name="hub_callbacks")
    op.drop_index(op.f("ix_hub_callbacks_conversation_id"), table_name="hub_callbacks")
    op.drop_table("hub_callbacks")
