"""The register's tables (SQLAlchemy Core). Alembic migrations create and change them.

Tables: ``pola`` (numbering patterns), ``penghitung`` (one counter row per scope, the
row every number-taking transaction locks), ``nomor`` (every number issued, provisional,
final or cancelled: never deleted), ``riwayat_nomor`` (who did what to a number, when,
for which document), ``agenda`` and ``scan`` (incoming letters and their scans),
``disposisi`` (the routing tree of an incoming letter), ``jangkar_trail`` (the head of
each trail's ledger, anchored outside its folder) and ``nomor_trail`` (which trail step
took a number).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

pola = Table(
    "pola", metadata,
    Column("nama", String(50), primary_key=True),
    Column("format", String(200), nullable=False),
    Column("keterangan", Text, nullable=False, default=""),
    Column("per_kka", Boolean, nullable=False, default=False),
)

penghitung = Table(
    "penghitung", metadata,
    # 'nomor|surat|Ses.PO||2026' or 'agenda|2026': one counter per scope, reset by year.
    Column("lingkup", String(300), primary_key=True),
    Column("terakhir", Integer, nullable=False),
)

nomor = Table(
    "nomor", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pola", String(50), ForeignKey("pola.nama"), nullable=False),
    Column("lingkup", String(300), nullable=False),
    Column("unit", String(60), nullable=False),
    Column("kka", String(60)),
    Column("kode_keamanan", String(2), nullable=False),
    Column("tanggal", Date, nullable=False),
    Column("urut", Integer),  # NULL while provisional
    Column("sisipan", String(1), nullable=False, default=""),
    Column("teks", String(300), nullable=False),
    Column("status", String(10), nullable=False),  # sementara | final | batal
    Column("dokumen", String(300), nullable=False, default=""),
    Column("content_hash", String(64)),
    Column("dibuat_oleh", String(200), nullable=False),
    Column("dibuat_pada", DateTime(timezone=True), nullable=False),
    Column("batal_oleh", String(200)),
    Column("batal_pada", DateTime(timezone=True)),
    Column("alasan_batal", Text),
    UniqueConstraint("lingkup", "urut", "sisipan", name="uq_nomor_lingkup_urut"),
)
Index("ix_nomor_teks", nomor.c.teks)

riwayat_nomor = Table(
    "riwayat_nomor", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nomor_id", Integer, ForeignKey("nomor.id"), nullable=False, index=True),
    Column("aksi", String(10), nullable=False),  # sementara | final | sisipan | batal
    Column("teks", String(300), nullable=False),
    Column("oleh", String(200), nullable=False),
    Column("waktu", DateTime(timezone=True), nullable=False),
    Column("content_hash", String(64)),
    Column("keterangan", Text, nullable=False, default=""),
)

scan = Table(
    "scan", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("ukuran", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

agenda = Table(
    "agenda", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tahun", Integer, nullable=False),
    Column("nomor_agenda", Integer, nullable=False),
    Column("pengirim", String(300), nullable=False),
    Column("nomor_surat", String(300), nullable=False),
    Column("tanggal_surat", Date, nullable=False),
    Column("hal", Text, nullable=False),
    Column("sifat", String(20), nullable=False),
    Column("klasifikasi", String(20), nullable=False),
    Column("diterima_tanggal", Date, nullable=False),
    Column("scan_nama", String(300)),
    Column("scan_sha256", String(64), ForeignKey("scan.sha256")),
    Column("dicatat_oleh", String(200), nullable=False),
    Column("dicatat_pada", DateTime(timezone=True), nullable=False),
    UniqueConstraint("tahun", "nomor_agenda", name="uq_agenda_tahun_nomor"),
)

disposisi = Table(
    "disposisi", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agenda_id", Integer, ForeignKey("agenda.id"), nullable=False, index=True),
    Column("induk_id", Integer, ForeignKey("disposisi.id"), index=True),
    Column("dari", String(300), nullable=False),
    Column("kepada", String(300), nullable=False),
    Column("instruksi", Text, nullable=False),
    Column("tanggal", Date, nullable=False),
    Column("batas_waktu", Date),
    # belum_dibaca -> dibaca -> ditindaklanjuti -> selesai; batal only while unread
    Column("status", String(20), nullable=False),
    Column("catatan", Text, nullable=False, default=""),
    Column("dibuat_pada", DateTime(timezone=True), nullable=False),
    Column("diubah_oleh", String(200), nullable=False),
    Column("diubah_pada", DateTime(timezone=True), nullable=False),
)

jangkar_trail = Table(
    "jangkar_trail", metadata,
    # One row per trail (its berkas id): the entry count and last entry hash of its ledger.
    Column("berkas", String(64), primary_key=True),
    Column("langkah", Integer, nullable=False),
    Column("hash_akhir", String(64), nullable=False),
    Column("diubah_pada", DateTime(timezone=True), nullable=False),
)

nomor_trail = Table(
    "nomor_trail", metadata,
    # The trail step that took a number, written in the number's own transaction.
    Column("nomor_id", Integer, ForeignKey("nomor.id"), primary_key=True),
    Column("berkas", String(64), nullable=False, index=True),
    Column("langkah", Integer, nullable=False),
    Column("kode", String(100), nullable=False),
)

__all__ = ["agenda", "disposisi", "jangkar_trail", "metadata", "nomor", "nomor_trail",
           "penghitung", "pola", "riwayat_nomor", "scan"]
