"""The trail with a register and a format profile (issues 10 and 11 wired into the trail).

The demo (run once per session, ``demo_master``) runs into a berkas with a fresh SQLite
register: its signed documents carry
the register's numbers (read back from the DOCX text and metadata), the register's
history names the documents' hashes, a failed signing leaves its numbers cancelled
with a reason, and the berkas verifies after being moved. Every step is signed with the
demo's test keys; the signed originals of steps 10 and 14 are PDFs of the numbered documents.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from naskah import demo
from naskah.cli import main as cli
from naskah.docx.metadata import read_metadata
from naskah.docx.renderer import Renderer
from naskah.errors import InputError, TamperError, TrailError
from naskah.register import Register
from naskah.trail import Trail
from naskah.trail.verification import JenisMasalah, verify
from tests.trail_keys import SESMENKO, TrailPki, cli_init_args, key_args

NODIN = "dokumen/14-nodin-pengantar.docx"
LAPORAN = "dokumen/14-laporan.docx"
UNDANGAN = "dokumen/10-undangan-rapat.docx"


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def register_of(folder: Path) -> Register:
    return Register(f"sqlite:///{folder / 'register.db'}")


def step(folder: Path, n: int) -> dict[str, object]:
    """perform() keyword arguments of step n of the example data, signed with the key the
    demo made for its performer in ``folder``."""
    data = demo.DataLangkah.load(demo.data_dir() / f"langkah-{n:02d}.json").perform_kwargs()
    return data | {"signer": demo.signer(folder, data["oleh"])}


@pytest.fixture(scope="module")
def berkas(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's demo berkas (its register is a fresh SQLite one), copied once for
    this module: opening its register may write to it."""
    out = tmp_path_factory.mktemp("demo") / "out"
    shutil.copytree(demo_master, out)
    return out


def test_demo_letters_are_numbered_by_the_register(berkas: Path) -> None:
    entries = Trail.open(berkas).entries()
    signed = {r.file: r for e in entries if e.step in (10, 14) for r in e.keluaran}
    with register_of(berkas) as reg:
        numbers = reg.daftar()
        assert [(n.pola, n.teks, n.status) for n in numbers] == [
            ("surat", "B-1/Ses.PO/OT.01.02/11/2026", "final"),
            ("nota-dinas", "1/Ses.PO/OT.01.02/11/2026", "final"),
            ("nota-dinas", "2/Ses.PO/OT.01.02/11/2026", "final"),
        ]
        by_hash = {n.content_hash: n for n in numbers}
        for rel, nomor_printed in ((UNDANGAN, True), (LAPORAN, False), (NODIN, True)):
            meta = read_metadata(berkas / rel)
            nomor = by_hash[meta.content_hash]  # the register names the signed document
            assert signed[rel].content_hash == meta.content_hash
            assert meta.pengesahan.tanda_tangan is not None
            assert meta.naskah["tanggal"] == "2026-11-25"  # filled at signing
            if nomor_printed:
                assert meta.nomor == nomor.teks and nomor.teks in text_of(berkas / rel)
            else:  # a laporan prints no nomor (Contoh 18): the register keeps it
                assert "nomor" not in meta.naskah
            history = reg.riwayat(nomor.id)
            assert [(h.aksi, h.content_hash) for h in history] == [("final", meta.content_hash)]
        # the example JSON's own numbers are not used
        assert "27/Ses.PO" not in text_of(berkas / NODIN)
        assert "B-215/" not in text_of(berkas / UNDANGAN)


def test_paraf_on_the_konsep_survive_numbering(berkas: Path) -> None:
    konsep = read_metadata(berkas / "dokumen/13-nodin-pengantar.docx")
    final = read_metadata(berkas / NODIN)
    assert "nomor" not in konsep.naskah or konsep.naskah["nomor"] is None
    assert "…" in text_of(berkas / "dokumen/13-nodin-pengantar.docx")  # room for the number
    paraf = final.pengesahan.paraf
    assert [p.pejabat.nama for p in paraf] == ["Rina Kusumawati, S.Kom., M.T."]
    assert paraf[0].konsep_hash is not None and paraf[0].content_hash is None
    assert final.content_hash != konsep.content_hash
    assert Trail.open(berkas).verify().utuh


def test_agenda_and_disposisi_in_the_register(berkas: Path) -> None:
    book = openpyxl.load_workbook(berkas / "agenda.xlsx")
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    flat = " ".join(str(v) for row in rows for v in row)
    assert "ND-412/Ses.PO/OT.01.02/11/2026" in flat and "Program Kerja" in flat
    with register_of(berkas) as reg:
        (surat,) = reg.agenda.daftar()
        (root,) = reg.disposisi.pohon(surat.id)
    assert surat.agenda == "1/2026"
    chain = [root, root.turunan[0], root.turunan[0].turunan[0]]
    assert [(i.dari, i.kepada) for i in chain] == [
        ("Sekretaris Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan",
         "Kepala Biro Perencanaan dan Organisasi"),
        ("Kepala Biro Perencanaan dan Organisasi", "Kepala Bagian Data dan Informasi"),
        ("Kepala Bagian Data dan Informasi", "Kepala Subbagian Data"),
    ]
    assert chain[1].induk_id == root.id
    meta = read_metadata(berkas / "dokumen/01-disposisi-sesmenko.docx")
    assert meta.naskah["nomor_agenda"] == "1/2026"


def test_demo_profile_and_logo(berkas: Path) -> None:
    settings = Trail.open(berkas).pengaturan
    assert settings.profil is not None and settings.profil.nama == "kemenko-polhukam"
    assert json.loads((berkas / "profil.json").read_text())["nama"] == "kemenko-polhukam"
    with zipfile.ZipFile(berkas / NODIN) as z:
        names = z.namelist()
        xml = z.read("word/document.xml").decode() + z.read("word/styles.xml").decode()
    assert any(n.startswith("word/media/") for n in names)  # the kop logo
    assert "Bookman Old Style" in xml
    logo = read_metadata(berkas / NODIN).naskah["kop"]["logo"]
    assert logo.startswith("aset/") and (berkas / logo).read_bytes() == demo.logo().read_bytes()


def test_moved_berkas_verifies_from_another_folder(berkas: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    moved = tmp_path / "elsewhere" / "berkas"
    shutil.copytree(berkas, moved)
    monkeypatch.chdir(tmp_path)
    result = Trail.open(moved).verify()
    assert result.utuh, result.pertama
    # the settings are fixed: an edit is found and refused
    (moved / "pengaturan.json").write_text(
        (moved / "pengaturan.json").read_text().replace("register.db", "lain.db"))
    problems = Trail.open(moved).verify().masalah
    assert problems and problems[0].jenis is JenisMasalah.FILE_CHANGED
    assert "pengaturan.json was changed" in str(problems[0])
    assert verify(moved).masalah == problems
    with pytest.raises(TamperError, match="refusing to extend"):
        Trail.open(moved).perform(14, **step(moved, 14))


def test_changed_profile_copy_is_found(berkas: Path, tmp_path: Path) -> None:
    copy = tmp_path / "berkas"
    shutil.copytree(berkas, copy)
    profil = json.loads((copy / "profil.json").read_text())
    profil["huruf"]["nama"] = "Comic Sans MS"
    (copy / "profil.json").write_text(json.dumps(profil))
    (problem,) = Trail.open(copy).verify().masalah
    assert problem.jenis is JenisMasalah.FILE_CHANGED and "profil.json" in problem.pesan


def test_failed_signing_cancels_its_numbers(soffice: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    trail, result = demo.run(out, sampai=13, mulai=demo.MULAI)
    assert result.utuh
    # a file staff left where step 14 writes: the step fails after numbering
    (out / NODIN).write_bytes(b"not ours")
    with pytest.raises(Exception, match="14-nodin-pengantar"):
        trail.perform(14, **step(out, 14))
    with register_of(out) as reg:
        cancelled = reg.daftar(pola="nota-dinas")
        assert [(n.teks, n.status) for n in cancelled] == [
            ("1/Ses.PO/OT.01.02/11/2026", "batal"), ("2/Ses.PO/OT.01.02/11/2026", "batal")]
        assert all("step 14 failed" in str(n.alasan_batal) for n in cancelled)
        assert [h.aksi for h in reg.riwayat(cancelled[0].id)] == ["final", "batal"]
    (out / NODIN).unlink()
    trail.perform(14, **step(out, 14))
    assert read_metadata(out / NODIN).nomor == "4/Ses.PO/OT.01.02/11/2026"
    assert trail.verify().utuh


def test_konsep_nomor_is_replaced_by_the_register_at_signing(soffice: str,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    trail, _ = demo.run(out, sampai=7, mulai=demo.MULAI)
    trail.perform(8, **step(out, 8))  # the example undangan carries B-215/...
    assert read_metadata(out / "dokumen/08-undangan-rapat.docx").nomor.startswith("B-215/")
    for n in (9, 10):
        trail.perform(n, **step(out, n))
    signed = read_metadata(out / UNDANGAN)
    assert signed.nomor == "B-1/Ses.PO/OT.01.02/11/2026"
    assert signed.pengesahan.paraf[0].konsep_hash is not None  # the paraf still holds
    assert trail.verify().utuh


@pytest.mark.slow
def test_trail_without_register_keeps_the_json_nomor(tmp_path: Path,
                                                    trail_pki: TrailPki) -> None:
    trail = Trail.init(tmp_path / "b", trail_pki.roster(), dibuat=demo.MULAI,
                       **trail_pki.init_kwargs(SESMENKO))
    assert not (tmp_path / "b" / "pengaturan.json").exists()
    assert trail.pengaturan.db is None and trail.header.pengaturan_sha256 is None
    for n in range(1, 9):
        data = demo.DataLangkah.load(demo.data_dir() / f"langkah-{n:02d}.json").perform_kwargs()
        trail.perform(n, **data, signer=trail_pki.signer(data["oleh"]))
    meta = read_metadata(tmp_path / "b" / "dokumen/08-undangan-rapat.docx")
    assert meta.nomor == "B-215/Ses.PO/OT.01.02/11/2026"


@pytest.mark.slow
def test_profil_pemda_from_cli_renders_the_pemda_layout(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str],
                                                       trail_pki: TrailPki) -> None:
    own = tmp_path / "milik-kami.toml"
    own.write_text('nama = "kabupaten-contoh"\njudul = "Kabupaten Contoh"\nextends = "pemda"\n')
    folder = tmp_path / "b"
    monkeypatch.setenv("NASKAH_DB", f"sqlite:///{tmp_path / 'books.db'}")
    assert cli(["trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path),
                "--mulai", "2026-11-24T07:55+07:00", "--profil", str(own)]) == 0
    assert "kabupaten-contoh" in capsys.readouterr().out
    own.unlink()  # the berkas keeps its own copy
    settings = Trail.open(folder).pengaturan
    assert settings.db == f"sqlite:///{tmp_path / 'books.db'}"
    disposisi = json.loads((demo.data_dir().parent / "disposisi.json").read_text())
    kop = json.loads((demo.data_dir().parent / "undangan-pemda.json").read_text())["kop"]
    disposisi["kop"] = {**kop, "logo": str(demo.logo())}
    (tmp_path / "disposisi.json").write_text(json.dumps(disposisi))
    assert cli(["trail", "do", str(folder), "1", "--data",
                str(demo.data_dir() / "langkah-01.json"),
                "--dokumen", f"disposisi-sesmenko={tmp_path / 'disposisi.json'}",
                *key_args(trail_pki, SESMENKO)]) == 0
    doc = folder / "dokumen/01-disposisi-sesmenko.docx"
    with zipfile.ZipFile(doc) as z:
        xml = z.read("word/document.xml").decode() + z.read("word/styles.xml").decode()
    assert "Arial" in xml and "Bookman" not in xml
    assert "PEMERINTAH KABUPATEN" in text_of(doc)  # the kop daerah
    assert Trail.open(folder).verify().utuh
    with pytest.raises(TrailError, match="renders with profile 'kabupaten-contoh'"):
        Trail.open(folder, Renderer(profil="pusat"))


def test_broken_profile_writes_nothing(tmp_path: Path, trail_pki: TrailPki) -> None:
    bad = tmp_path / "rusak.toml"
    bad.write_text('extends = "pemda"\n[huruf]\nisi = "besar"\n')
    with pytest.raises(InputError, match=r"huruf\.isi"):
        Trail.init(tmp_path / "b", trail_pki.roster(), profil=bad,
                   **trail_pki.init_kwargs(SESMENKO))
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())


def test_register_in_the_berkas_is_not_an_unrecorded_file(berkas: Path) -> None:
    problems = Trail.open(berkas).verify().masalah
    assert not [m for m in problems if m.file in ("register.db", "agenda.xlsx")]


def test_register_password_is_never_written_into_the_berkas(tmp_path: Path,
                                                           trail_pki: TrailPki) -> None:
    trail = Trail.init(tmp_path / "b", trail_pki.roster(),
                       register="postgresql://naskah:rahasia-sekali@db.example:5432/buku",
                       **trail_pki.init_kwargs(SESMENKO))
    assert trail.pengaturan.db == "postgresql+psycopg://naskah@db.example:5432/buku"
    for path in (tmp_path / "b").iterdir():
        assert b"rahasia-sekali" not in path.read_bytes(), path.name
