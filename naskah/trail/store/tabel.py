"""The database trail store's tables (created by migration 0005 of the register).

A trail is a row of ``trail_berkas`` (its header and head), one ``trail_entri`` row per
ledger entry (``UNIQUE(trail_id, seq)``: two steps can never both become step *n*, so a
forked chain cannot be stored), and ``trail_file`` rows naming each recorded file by
its SHA-256 in ``trail_blob``, the content-addressed store of the files themselves.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

trail_blob = sa.Table(
    "trail_blob", metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("ukuran", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

trail_berkas = sa.Table(
    "trail_berkas", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("berkas", sa.String(64), nullable=False, unique=True),
    sa.Column("format", sa.String(40), nullable=False),
    sa.Column("header", sa.Text, nullable=False),
    sa.Column("langkah", sa.Integer, nullable=False),
    sa.Column("hash_akhir", sa.String(64), nullable=False),
    sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
    sa.Column("diubah_pada", sa.DateTime(timezone=True), nullable=False),
)

trail_entri = sa.Table(
    "trail_entri", metadata,
    sa.Column("trail_id", sa.String(64), sa.ForeignKey("trail_berkas.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

trail_file = sa.Table(
    "trail_file", metadata,
    sa.Column("trail_id", sa.String(64), sa.ForeignKey("trail_berkas.id"), primary_key=True),
    sa.Column("path", sa.String(300), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("trail_blob.sha256"), nullable=False),
)

__all__ = ["metadata", "trail_berkas", "trail_blob", "trail_entri", "trail_file"]
