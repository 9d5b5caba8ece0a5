"""Claim materials: the photos and PDFs customers send for a claim, stored re-encoded under random
file names in MATERIALS_DIR; this table holds what each one is and how its review stands.

Revision ID: 0002_uploads
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0002_uploads"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database made by create_all before migrations already has the table: adopted as it is (see 0001).
    adopting = bool(context.config.attributes.get("adopt_existing"))
    op.create_table("claim_materials",
        sa.Column("material_id", sa.String(length=32), nullable=False),
        sa.Column("claim_number", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["claim_number"], ["claims.claim_number"], ),
        sa.PrimaryKeyConstraint("material_id"),
        sa.UniqueConstraint("claim_number", "sha256", name="uq_claim_materials_content"),
        sa.UniqueConstraint("stored_name"),
        if_not_exists=adopting,
    )
    op.create_index(op.f("ix_claim_materials_claim_number"), "claim_materials", ["claim_number"], unique=False,
                    if_not_exists=adopting)


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_materials_claim_number"), table_name="claim_materials")
    op.drop_table("claim_materials")
