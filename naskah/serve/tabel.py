"""The service's tables (SQLAlchemy Core), beside the register's on the same database.

Everything two instances must agree on is here, so any number of instances can share
one database: accounts and their API tokens (hashed), the audit trail of every
state-changing request, idempotency keys, batch jobs with their lease and each row's
result, the trails the service runs, and the officials' enrolled PKCS#12 keys (still
encrypted with the official's own passphrase, which is never stored). The migration
``0002_serve`` creates them; ``0004_halaman`` adds the public verification records;
``0007_konsep`` the console's saved drafts.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
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

TZ = DateTime(timezone=True)

pengguna = Table(
    "pengguna", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nama", String(100), nullable=False, unique=True),
    Column("peran", String(10), nullable=False),  # admin | operator | pejabat
    Column("nip", String(18)),  # a pejabat's NIP: the only official whose steps it may do
    Column("password_hash", String(200)),  # argon2id, for the console's login
    Column("aktif", Boolean, nullable=False),
    Column("dibuat_pada", TZ, nullable=False),
    Column("dicabut_pada", TZ),
)

token = Table(
    "token_api", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pengguna_id", Integer, ForeignKey("pengguna.id"), nullable=False, index=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("awalan", String(16), nullable=False),  # first characters, to tell tokens apart
    Column("dibuat_pada", TZ, nullable=False),
    Column("dicabut_pada", TZ),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("waktu", TZ, nullable=False),
    Column("pengguna", String(100)),  # None: not authenticated
    Column("peran", String(10)),
    Column("metode", String(10), nullable=False),
    Column("jalur", String(500), nullable=False),
    Column("status", Integer, nullable=False),
    Column("request_id", String(100), nullable=False),
    Column("alamat", String(64)),
    Column("keterangan", Text, nullable=False),
)
Index("ix_audit_waktu", audit.c.waktu)

idempotensi = Table(
    "idempotensi", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pengguna_id", Integer, ForeignKey("pengguna.id"), nullable=False),
    Column("kunci", String(200), nullable=False),
    Column("jalur", String(300), nullable=False),
    Column("sidik", String(64), nullable=False),  # SHA-256 of method, path and body
    Column("status", Integer, nullable=False),
    Column("respons", Text, nullable=False),
    Column("dibuat_pada", TZ, nullable=False),
    UniqueConstraint("pengguna_id", "kunci", name="uq_idempotensi_kunci"),
)

pekerjaan = Table(
    "pekerjaan", metadata,
    Column("id", String(32), primary_key=True),
    Column("jenis", String(20), nullable=False),  # batch
    Column("status", String(10), nullable=False),  # antri | berjalan | selesai | gagal
    Column("pemilik", Integer, ForeignKey("pengguna.id"), nullable=False),
    Column("parameter", Text, nullable=False),  # JSON: jenis naskah, format, profil, ...
    Column("masukan", LargeBinary, nullable=False),  # the uploaded rows, as sent
    Column("dasar", Text, nullable=False),  # the base document (JSON)
    Column("total", Integer),
    Column("selesai", Integer, nullable=False),
    Column("gagal", Integer, nullable=False),
    Column("galat", Text),
    Column("dibuat_pada", TZ, nullable=False),
    Column("mulai_pada", TZ),
    Column("selesai_pada", TZ),
    Column("pemegang", String(64)),  # the worker holding the lease
    Column("sewa_sampai", TZ),
    Column("percobaan", Integer, nullable=False),
    Column("webhook_url", String(2000)),
    Column("webhook_status", String(10)),  # menunggu | terkirim | gagal
    Column("webhook_percobaan", Integer, nullable=False),
    Column("webhook_berikut", TZ),
    Column("webhook_galat", Text),
)
Index("ix_pekerjaan_status", pekerjaan.c.status)

pekerjaan_baris = Table(
    "pekerjaan_baris", metadata,
    Column("pekerjaan_id", String(32), ForeignKey("pekerjaan.id"), primary_key=True),
    Column("baris", Integer, primary_key=True),  # row number, from 1: written once
    Column("nama", String(300)),
    Column("data", LargeBinary),
    Column("galat", Text),  # JSON [[field, reason], ...] when the row failed
    Column("pemegang", String(64), nullable=False),
)

trail = Table(
    "trail_layanan", metadata,
    Column("id", String(32), primary_key=True),
    Column("folder", String(500), nullable=False),
    Column("dibuat_oleh", String(100), nullable=False),
    Column("dibuat_pada", TZ, nullable=False),
)

kunci = Table(
    "kunci_pkcs12", metadata,
    Column("nip", String(18), primary_key=True),
    Column("p12", LargeBinary, nullable=False),  # encrypted with the official's passphrase
    Column("sertifikat", Text, nullable=False),  # PEM, for the trail roster
    Column("pengguna_id", Integer, ForeignKey("pengguna.id"), nullable=False),
    Column("dibuat_pada", TZ, nullable=False),
)

tanda_tangan = Table(
    "verifikasi_publik", metadata,
    # SHA-256 of the QR's token: the page looks a token up by its hash, so the table
    # never holds what a URL needs, and a lookup costs the same for any token.
    Column("token_sha256", String(64), primary_key=True),
    Column("dokumen_sha256", String(64), nullable=False, index=True),  # the signed original
    Column("jenis", String(100)),
    Column("nomor", String(200), index=True),
    Column("tanggal", String(10)),  # ISO date of the letter
    Column("hal", Text),
    Column("sifat", String(20)),  # klasifikasi keamanan: Biasa | Terbatas | Rahasia | ...
    Column("penandatangan", String(300), nullable=False),
    Column("nip", String(18)),
    Column("jabatan", String(300)),
    Column("ditandatangani_pada", TZ, nullable=False),
    Column("sumber_waktu", String(20), nullable=False),  # tsa | penanda-tangan
    Column("penerbit", String(500)),  # the certificate's issuer
    Column("berlaku_dari", TZ),
    Column("berlaku_sampai", TZ),
    Column("asal", String(100), nullable=False),  # tanda-tangan | trail/ID
    Column("dicatat_pada", TZ, nullable=False),
    Column("diganti_pada", TZ),  # a later signed version of the same nomor replaced it
    Column("dicabut_pada", TZ),
    Column("alasan_cabut", Text),
    Column("dicabut_oleh", String(100)),  # the account that revoked it
)

sesi = Table(
    "sesi_konsol", metadata,
    Column("sha256", String(64), primary_key=True),  # of the session cookie's value
    Column("pengguna_id", Integer, ForeignKey("pengguna.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),  # the token every form of the session sends
    Column("dibuat_pada", TZ, nullable=False),
    Column("berakhir_pada", TZ, nullable=False),
)

gagal_masuk = Table(
    "gagal_masuk", metadata,
    Column("nama", String(100), primary_key=True),  # the account name tried
    Column("jumlah", Integer, nullable=False),  # failures in a row
    Column("terakhir", TZ, nullable=False),
    Column("terkunci_sampai", TZ),
)

konsep = Table(
    "konsep", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("jenis", String(40), nullable=False),
    Column("data", Text, nullable=False),  # the document's JSON, validated when saved
    Column("hal", String(300), nullable=False),  # for the list (the model's hal_singkat)
    Column("pembuat", String(100), nullable=False),  # account name of who made it
    Column("pengubah", String(100), nullable=False),  # ... and of who saved it last
    Column("dibuat_pada", TZ, nullable=False),
    Column("diubah_pada", TZ, nullable=False),
    Column("versi", Integer, nullable=False),  # +1 on every save: optimistic concurrency
)
Index("ix_konsep_diubah", konsep.c.diubah_pada)

__all__ = ["audit", "gagal_masuk", "idempotensi", "konsep", "kunci", "metadata", "pekerjaan",
           "pekerjaan_baris", "pengguna", "sesi", "tanda_tangan", "token", "trail"]
