"""The kop a document renders with (issue 17, items 7 and 8).

naskah prints no kop of its own: the document's, the renderer's or the profile's (by
the document's date: the Kemenko's name changed on 21 October 2024), and the DOCX
records which. Every example renders under every profile; a kepala daerah signing on
the Sekretariat Daerah's kop is warned about; a trail records the kop it used.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import naskah
from naskah import demo
from naskah.cli import main as cli
from naskah.docx.kop import KopWarning
from naskah.errors import InputError
from naskah.trail import Trail
from tests.helpers import EXAMPLES, docx_lines, load_example, load_example_data
from tests.trail_keys import SESMENKO, TrailPki

LAMA = "POLITIK, HUKUM, DAN KEAMANAN"
BARU = "POLITIK DAN KEAMANAN"


def _tanpa_kop(jenis: str, **changes: Any) -> naskah.NaskahDinas:
    data = load_example_data(jenis)
    del data["kop"]
    data.update(changes)
    return naskah.load_naskah(jenis, data)


def test_a_document_without_kop_is_refused_without_one_anywhere() -> None:
    model = _tanpa_kop("nota-dinas")
    assert model.kop is None
    for profil in ("pusat", "pemda"):
        with pytest.raises(InputError, match=r"^kop: this nota-dinas names no kop") as info:
            naskah.Renderer(profil=profil).render(model)
        assert info.value.errors[0][0] == "kop"
    with pytest.raises(InputError, match="kop"):
        naskah.render(model)  # the default renderer (pusat) has none either


def test_cli_refuses_it_and_writes_nothing(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = load_example_data("undangan")
    del data["kop"]
    source = tmp_path / "undangan.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "undangan.docx"
    assert cli(["render", "undangan", str(source), "-o", str(target)]) == 2
    assert "kop: this undangan names no kop" in capsys.readouterr().err
    assert not target.exists()


def test_the_renderers_kop_and_where_it_came_from(tmp_path: Path) -> None:
    kop = naskah.Instansi(nama=["BADAN CONTOH"], unit="SEKRETARIAT UTAMA",
                          alamat="Jalan Contoh 1, Bandung", kota="Bandung")
    model = _tanpa_kop("laporan", tempat=None)
    renderer = naskah.Renderer(kop=kop)
    data = renderer.render(model)
    lines = docx_lines(data)
    assert "BADAN CONTOH" in lines and "SEKRETARIAT UTAMA" in lines
    assert any(line.startswith("Bandung, ") for line in lines)  # the kop's city
    meta = naskah.read_metadata(data)
    assert meta.kop is not None and meta.kop.sumber == "renderer"
    assert meta.kop.instansi["nama"] == ["BADAN CONTOH"]
    assert meta.naskah["kop"] is None and meta.content_hash == model.content_hash()
    assert renderer.kop_untuk(model).sumber == "renderer"
    # the document's own kop always wins, and then nothing extra is recorded
    own = load_example("laporan")
    assert renderer.kop_untuk(own).sumber == "dokumen"
    assert naskah.read_metadata(renderer.render(own)).kop is None


@pytest.mark.parametrize(("tanggal", "nama"), [("2024-10-20", LAMA), ("2024-10-21", BARU),
                                               ("2026-11-25", BARU)])
def test_the_kemenko_profile_kop_follows_the_date(tanggal: str, nama: str) -> None:
    model = _tanpa_kop("nota-dinas", tanggal=tanggal)
    data = naskah.Renderer(profil="kemenko-polhukam").render(model)
    lines = docx_lines(data)
    start = lines.index("KEMENTERIAN KOORDINATOR BIDANG")
    assert lines[start + 1] == nama
    meta = naskah.read_metadata(data)
    assert meta.kop is not None and meta.kop.sumber == "profil kemenko-polhukam"
    from datetime import date

    assert naskah.Instansi.kemenko_polhukam(date.fromisoformat(tanggal)).nama[1] == nama


def test_the_example_kop_carries_the_current_name() -> None:
    # The examples are dated 2026: the ministry's name since Perpres 139/2024 ...
    for jenis in ("nota-dinas", "undangan", "laporan", "notulen", "disposisi"):
        kop = load_example(jenis).kop
        assert kop is not None and kop.nama[1] == BARU, jenis
    # ... while the SOP keeps the owner it was issued under.
    from naskah.sop.model import Sop

    assert Sop.tata_kelola_data().instansi == (
        "Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan Republik Indonesia")


def _examples() -> list[tuple[str, Path]]:
    return [(path.stem.removesuffix("-pemda"), path) for path in sorted(EXAMPLES.glob("*.json"))]


@pytest.mark.parametrize("profil", ["pusat", "kemenko-polhukam", "pemda"])
def test_every_example_renders_under_every_profile(profil: str) -> None:
    renderer = naskah.Renderer(profil=profil)
    seen = set()
    for jenis, path in _examples():
        model = naskah.load_naskah(jenis, path.read_text(encoding="utf-8"), path.name)
        with warnings.catch_warnings():
            warnings.simplefilter("error", KopWarning)
            lines = [line for line in docx_lines(renderer.render(model, aset=EXAMPLES))
                     if line.strip()]
        first = "PEMERINTAH KABUPATEN SUKAMAJU" if path.stem.endswith("-pemda") else \
            "KEMENTERIAN KOORDINATOR BIDANG"
        assert lines[0] == first, (profil, path.name)
        seen.add(path.stem)
    assert {f"{j}-pemda" for j in naskah.JENIS} <= seen and set(naskah.JENIS) <= seen


def _pemda_undangan(**penandatangan: Any) -> naskah.NaskahDinas:
    data = json.loads((EXAMPLES / "undangan-pemda.json").read_text(encoding="utf-8"))
    data["kop"]["logo"] = str(EXAMPLES / "logo-contoh.png")
    data["penandatangan"] = penandatangan
    return naskah.load_naskah("undangan", data)


def test_a_kepala_daerah_on_the_sekretariat_daerah_kop_is_warned() -> None:
    bupati = {"nama": "H. Ahmad Sulaeman, S.Sos., M.Si.", "jabatan": "Bupati Sukamaju"}
    model = _pemda_undangan(pejabat=bupati, pimpinan_daerah="kepala-daerah")
    renderer = naskah.Renderer(profil="pemda")
    with pytest.warns(KopWarning, match="kepala daerah signs this document, but the kop is "
                                        "the Sekretariat Daerah's"):
        renderer.render(model)
    # The Sekda signing a.n. the Bupati on the same kop is the rule: no warning.
    sekda = {"nama": "Dr. Hendra Kusuma, S.H., M.Si.", "jabatan": "Sekretaris Daerah",
             "nip": "197203151998031004"}
    ok = _pemda_undangan(pejabat=sekda, atas_nama="Bupati Sukamaju",
                         pimpinan_daerah="sekretaris-daerah")
    with warnings.catch_warnings():
        warnings.simplefilter("error", KopWarning)
        renderer.render(ok)


def test_cli_kop_option_says_where_the_kop_came_from(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kop"
    folder.mkdir()
    (folder / "logo.png").write_bytes((EXAMPLES / "logo-contoh.png").read_bytes())
    kop = folder / "kop.json"
    kop.write_text(json.dumps({"nama": ["DINAS CONTOH"], "alamat": "Jalan Contoh 2",
                               "kota": "Bogor", "logo": "logo.png"}), encoding="utf-8")
    data = load_example_data("nota-dinas")
    del data["kop"]
    source = tmp_path / "nd.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "nd.docx"
    assert cli(["render", "nota-dinas", str(source), "-o", str(target), "--kop", str(kop)]) == 0
    err = capsys.readouterr().err
    assert f"memakai kop dari --kop {kop}: DINAS CONTOH" in err
    assert "DINAS CONTOH" in docx_lines(target)
    assert naskah.read_metadata(target).kop.sumber == "renderer"  # type: ignore[union-attr]
    assert cli(["render", "nota-dinas", str(source), "-o", str(tmp_path / "p.docx"),
                "--profil", "kemenko-polhukam"]) == 0
    assert "memakai kop dari profil kemenko-polhukam" in capsys.readouterr().err


def _step_one(kop: bool) -> dict[str, Any]:
    data = demo.DataLangkah.load(demo.data_dir() / "langkah-01.json").perform_kwargs()
    dokumen = {kode: dict(model) for kode, model in data["dokumen"].items()}
    if not kop:
        for model in dokumen.values():
            model.pop("kop", None)
    return {**data, "dokumen": dokumen}


@pytest.mark.slow
def test_a_trail_records_the_kop_of_its_profile(tmp_path: Path, trail_pki: TrailPki) -> None:
    trail = Trail.init(tmp_path / "b", trail_pki.roster(), dibuat=demo.MULAI,
                       profil="kemenko-polhukam", **trail_pki.init_kwargs(SESMENKO))
    step = _step_one(kop=False)
    trail.perform(1, **step, signer=trail_pki.signer(step["oleh"]))
    meta = naskah.read_metadata(tmp_path / "b" / "dokumen" / "01-disposisi-sesmenko.docx")
    # stored in the document itself (its content hash covers it): the berkas never
    # depends on the renderer that rendered it
    assert meta.naskah["kop"]["nama"][1] == BARU and meta.kop is None
    assert trail.verify().utuh
    plain = Trail.init(tmp_path / "p", trail_pki.roster(), dibuat=demo.MULAI,
                       **trail_pki.init_kwargs(SESMENKO))
    with pytest.raises(InputError, match=r"^dokumen 'disposisi-sesmenko': kop: "):
        plain.perform(1, **step, signer=trail_pki.signer(step["oleh"]))
    assert not (tmp_path / "p" / "dokumen" / "01-disposisi-sesmenko.docx").exists()
