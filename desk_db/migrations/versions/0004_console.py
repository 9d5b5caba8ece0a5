"""Console: wrap-up label and summary, transfers, and an index to find a customer's past conversations.

Revision ID: 0004_console
Revises: 0003_epolicy
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_console"
down_revision: str | None = "0003_epolicy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database adopted from create_all (desk_db/adopt.py) may have them already: only what is missing.
    inspector = sa.inspect(op.get_bind())
    have = {column["name"] for column in inspector.get_columns("hub_handoffs")}
    new = [sa.Column("label", sa.String(length=32), nullable=True),
           sa.Column("wrapup", sa.String(length=200), nullable=True),
           sa.Column("transferred_from", sa.String(length=40), nullable=True)]
    for column in new:
        if column.name not in have:  # nullable: ADD COLUMN in place on SQLite and PostgreSQL alike
            op.add_column("hub_handoffs", column)
    if "ix_hub_handoffs_customer_id" not in {index["name"] for index in inspector.get_indexes("hub_handoffs")}:
        op.create_index(op.f("ix_hub_handoffs_customer_id"), "hub_handoffs", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_hub_handoffs_customer_id"), table_name="hub_handoffs")
    with op.batch_alter_table("hub_handoffs") as batch:
        batch.drop_column("transferred_from")
        batch.drop_column("wrapup")
        batch.drop_column("label")
