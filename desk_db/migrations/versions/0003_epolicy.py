"""E-policy copies: each PDF printed for a customer's download, with its own code's hash and the file's hash.

Revision ID: 0003_epolicy
Revises: 0002_uploads
Created: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0003_epolicy"
down_revision: str | None = "0002_uploads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database made by create_all before migrations already has the table (desk_db/migrate.py adopts it).
    adopting = bool(context.config.attributes.get("adopt_existing"))
    op.create_table("epolicy_copies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("policy_number", sa.String(length=10), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["policy_number"], ["policies.policy_number"], ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id"),
        if_not_exists=adopting,
    )
    op.create_index(op.f("ix_epolicy_copies_file_sha256"), "epolicy_copies", ["file_sha256"], unique=False,
                    if_not_exists=adopting)
    op.create_index(op.f("ix_epolicy_copies_policy_number"), "epolicy_copies", ["policy_number"], unique=False,
                    if_not_exists=adopting)


def downgrade() -> None:
    op.drop_index(op.f("ix_epolicy_copies_policy_number"), table_name="epolicy_copies")
    op.drop_index(op.f("ix_epolicy_copies_file_sha256"), table_name="epolicy_copies")
    op.drop_table("epolicy_copies")
