"""The first register schema: patterns, counters, numbers and their history, agenda, disposisi.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pola",
        sa.Column("nama", sa.String(50), primary_key=True),
        sa.Column("format", sa.String(200), nullable=False),
        sa.Column("keterangan", sa.Text, nullable=False),
        sa.Column("per_kka", sa.Boolean, nullable=False),
    )
    op.create_table(
        "penghitung",
        sa.Column("lingkup", sa.String(300), primary_key=True),
        sa.Column("terakhir", sa.Integer, nullable=False),
    )
    op.create_table(
        "nomor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pola", sa.String(50), sa.ForeignKey("pola.nama"), nullable=False),
        sa.Column("lingkup", sa.String(300), nullable=False),
        sa.Column("unit", sa.String(60), nullable=False),
        sa.Column("kka", sa.String(60)),
        sa.Column("kode_keamanan", sa.String(2), nullable=False),
        sa.Column("tanggal", sa.Date, nullable=False),
        sa.Column("urut", sa.Integer),
        sa.Column("sisipan", sa.String(1), nullable=False),
        sa.Column("teks", sa.String(300), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("dokumen", sa.String(300), nullable=False),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("dibuat_oleh", sa.String(200), nullable=False),
        sa.Column("dibuat_pada", TZ, nullable=False),
        sa.Column("batal_oleh", sa.String(200)),
        sa.Column("batal_pada", TZ),
        sa.Column("alasan_batal", sa.Text),
        sa.UniqueConstraint("lingkup", "urut", "sisipan", name="uq_nomor_lingkup_urut"),
    )
    op.create_index("ix_nomor_teks", "nomor", ["teks"])
    op.create_table(
        "riwayat_nomor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nomor_id", sa.Integer, sa.ForeignKey("nomor.id"), nullable=False),
        sa.Column("aksi", sa.String(10), nullable=False),
        sa.Column("teks", sa.String(300), nullable=False),
        sa.Column("oleh", sa.String(200), nullable=False),
        sa.Column("waktu", TZ, nullable=False),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("keterangan", sa.Text, nullable=False),
    )
    op.create_index("ix_riwayat_nomor_nomor_id", "riwayat_nomor", ["nomor_id"])
    op.create_table(
        "scan",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("ukuran", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "agenda",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tahun", sa.Integer, nullable=False),
        sa.Column("nomor_agenda", sa.Integer, nullable=False),
        sa.Column("pengirim", sa.String(300), nullable=False),
        sa.Column("nomor_surat", sa.String(300), nullable=False),
        sa.Column("tanggal_surat", sa.Date, nullable=False),
        sa.Column("hal", sa.Text, nullable=False),
        sa.Column("sifat", sa.String(20), nullable=False),
        sa.Column("klasifikasi", sa.String(20), nullable=False),
        sa.Column("diterima_tanggal", sa.Date, nullable=False),
        sa.Column("scan_nama", sa.String(300)),
        sa.Column("scan_sha256", sa.String(64), sa.ForeignKey("scan.sha256")),
        sa.Column("dicatat_oleh", sa.String(200), nullable=False),
        sa.Column("dicatat_pada", TZ, nullable=False),
        sa.UniqueConstraint("tahun", "nomor_agenda", name="uq_agenda_tahun_nomor"),
    )
    op.create_table(
        "disposisi",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agenda_id", sa.Integer, sa.ForeignKey("agenda.id"), nullable=False),
        sa.Column("induk_id", sa.Integer, sa.ForeignKey("disposisi.id")),
        sa.Column("dari", sa.String(300), nullable=False),
        sa.Column("kepada", sa.String(300), nullable=False),
        sa.Column("instruksi", sa.Text, nullable=False),
        sa.Column("tanggal", sa.Date, nullable=False),
        sa.Column("batas_waktu", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("catatan", sa.Text, nullable=False),
        sa.Column("dibuat_pada", TZ, nullable=False),
        sa.Column("diubah_oleh", sa.String(200), nullable=False),
        sa.Column("diubah_pada", TZ, nullable=False),
    )
    op.create_index("ix_disposisi_agenda_id", "disposisi", ["agenda_id"])
    op.create_index("ix_disposisi_induk_id", "disposisi", ["induk_id"])


def downgrade() -> None:
    for table in ("disposisi", "agenda", "scan", "riwayat_nomor", "nomor", "penghitung", "pola"):
        op.drop_table(table)
