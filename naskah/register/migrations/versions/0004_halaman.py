"""The pages' tables: the public verification records (one row per signed original, by
token hash), the console's sessions and its failed logins (lock-out).

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = ("verifikasi_publik", "sesi_konsol", "gagal_masuk")


def upgrade() -> None:
    from naskah.serve.tabel import metadata

    metadata.create_all(op.get_bind(), tables=[metadata.tables[name] for name in _TABLES])


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
