"""The HTTP service's tables: accounts, tokens, audit, idempotency keys, jobs, trails, keys.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The tables as naskah.serve.tabel defines them at this revision: created from the
# definitions themselves so the two cannot drift apart.
_TABLES = ("pengguna", "token_api", "audit", "idempotensi", "pekerjaan", "pekerjaan_baris",
           "trail_layanan", "kunci_pkcs12")


def upgrade() -> None:
    from naskah.serve.tabel import metadata

    bind = op.get_bind()
    metadata.create_all(bind, tables=[metadata.tables[name] for name in _TABLES])


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
