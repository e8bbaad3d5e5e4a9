"""Who revoked a signed original (the public page's DICABUT): ``dicabut_oleh``.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 0004 creates the table from naskah.serve.tabel as it is now: a database made
    # from scratch has the column already; one made by an older naskah gets it here.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("verifikasi_publik")}
    if "dicabut_oleh" not in columns:
        op.add_column("verifikasi_publik", sa.Column("dicabut_oleh", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("verifikasi_publik") as batch:  # SQLite: copy and move
        batch.drop_column("dicabut_oleh")
