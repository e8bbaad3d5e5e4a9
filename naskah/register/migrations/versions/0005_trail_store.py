"""The database trail store: trails, their ledger entries (UNIQUE(trail, seq)) and their
files in a content-addressed blob table (naskah.trail.store.tabel).

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trail_blob",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("ukuran", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "trail_berkas",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("berkas", sa.String(64), nullable=False, unique=True),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("langkah", sa.Integer, nullable=False),
        sa.Column("hash_akhir", sa.String(64), nullable=False),
        sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diubah_pada", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "trail_entri",
        sa.Column("trail_id", sa.String(64), sa.ForeignKey("trail_berkas.id"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "trail_file",
        sa.Column("trail_id", sa.String(64), sa.ForeignKey("trail_berkas.id"),
                  primary_key=True),
        sa.Column("path", sa.String(300), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("trail_blob.sha256"),
                  nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trail_file")
    op.drop_table("trail_entri")
    op.drop_table("trail_berkas")
    op.drop_table("trail_blob")
