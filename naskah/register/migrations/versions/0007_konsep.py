"""The console's saved drafts (``konsep``): a validated document's JSON with a version
counter for optimistic concurrency.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Spelled out (not the table in naskah.serve.tabel): a migration stays what it was.
    op.create_table(
        "konsep",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("jenis", sa.String(40), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("hal", sa.String(300), nullable=False),
        sa.Column("pembuat", sa.String(100), nullable=False),
        sa.Column("pengubah", sa.String(100), nullable=False),
        sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diubah_pada", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versi", sa.Integer, nullable=False),
    )
    op.create_index("ix_konsep_diubah", "konsep", ["diubah_pada"])


def downgrade() -> None:
    op.drop_index("ix_konsep_diubah", "konsep")
    op.drop_table("konsep")
