"""Trail anchors: each trail's ledger head, and which trail step took a number.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jangkar_trail",
        sa.Column("berkas", sa.String(64), primary_key=True),
        sa.Column("langkah", sa.Integer, nullable=False),
        sa.Column("hash_akhir", sa.String(64), nullable=False),
        sa.Column("diubah_pada", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "nomor_trail",
        sa.Column("nomor_id", sa.Integer, sa.ForeignKey("nomor.id"), primary_key=True),
        sa.Column("berkas", sa.String(64), nullable=False),
        sa.Column("langkah", sa.Integer, nullable=False),
        sa.Column("kode", sa.String(100), nullable=False),
    )
    op.create_index("ix_nomor_trail_berkas", "nomor_trail", ["berkas"])


def downgrade() -> None:
    op.drop_index("ix_nomor_trail_berkas", "nomor_trail")
    op.drop_table("nomor_trail")
    op.drop_table("jangkar_trail")
