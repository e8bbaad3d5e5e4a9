"""Console "Buat naskah": the form generated from the model's JSON Schema, lists that
grow and shrink with JavaScript off, the library's own messages beside the fields, and
a letter made from the form equal to the same letter from JSON (in-process)."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import naskah
from tests.helpers import docx_text, load_example, load_example_data
from tests.serve_support import in_process
from tests.test_halaman_konsol import PASSWORD, _csrf, _user, login

pytestmark = pytest.mark.serve


class _Form(HTMLParser):
    """The named fields of the page's document form, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.labels: set[str] = set()
        self.ids: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self.labels.add(a.get("for", ""))
        if (tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", None)) \
                or tag in ("select", "textarea"):
            self.ids.add(a.get("id", ""))
        name = a.get("name", "")
        if tag == "input" and (name.startswith(("f.", "n.")) or name == "csrf"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = "\0"  # its text follows
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._select and self.fields.get(self._select) == "\0":
            self.fields[self._select] = data
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None


def _parse(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


@pytest.fixture
def client(tmp_path: Path) -> Any:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as c:
        _user(db)
        assert login(c, "operator1", PASSWORD).status_code == 303
        yield c


@pytest.mark.parametrize("jenis", ["nota-dinas", "undangan", "laporan"])
def test_form_equals_json(client: Any, jenis: str) -> None:
    page = client.get(f"/konsol/naskah/{jenis}?contoh=1")
    assert page.status_code == 200
    form = _parse(page.text)
    # every input has its label
    assert form.ids and form.ids <= form.labels, form.ids - form.labels
    r = client.post(f"/konsol/naskah/{jenis}", data={**form.fields, "aksi": "docx"})
    assert r.status_code == 200, r.text[-3000:]
    assert r.headers["content-disposition"].startswith("attachment")
    made = docx_text(r.content)
    assert made == docx_text(naskah.render(load_example(jenis)))
    r = client.post(f"/konsol/naskah/{jenis}", data={**form.fields, "aksi": "json"})
    data = load_example_data(jenis)
    for path in ("logo", "lambang"):  # server paths are not on the form
        data.get("kop", {}).pop(path, None)
    assert r.json() == data


def test_lists_grow_and_shrink_without_script(client: Any) -> None:
    page = client.get("/konsol/naskah/nota-dinas")
    form = _parse(page.text)
    assert "f.isi.0" in form.fields and "f.isi.1" not in form.fields
    r = client.post("/konsol/naskah/nota-dinas", data={**form.fields, "f.isi.0": "Satu",
                                                       "aksi": "tambah:isi"})
    form = _parse(r.text)
    assert form.fields["f.isi.0"] == "Satu" and form.fields["f.isi.1"] == ""
    r = client.post("/konsol/naskah/nota-dinas", data={
        **form.fields, "f.isi.1": "Dua", "aksi": "tambah:isi"})
    form = _parse(r.text)
    r = client.post("/konsol/naskah/nota-dinas", data={
        **form.fields, "f.isi.2": "Tiga", "aksi": "hapus:isi.0"})
    form = _parse(r.text)
    assert [form.fields.get(f"f.isi.{i}") for i in range(3)] == ["Dua", "Tiga", None]


def test_nip_checked_with_the_librarys_message(client: Any) -> None:
    form = _parse(client.get("/konsol/naskah/nota-dinas?contoh=1").text)
    bad = {**form.fields, "f.penandatangan.pejabat.nip": "197013451995031001",
           "aksi": "periksa"}
    r = client.post("/konsol/naskah/nota-dinas", data=bad)
    assert r.status_code == 422
    from naskah.errors import InputError

    data = load_example_data("nota-dinas")
    data["penandatangan"]["pejabat"]["nip"] = "197013451995031001"
    from naskah.inputs import load_naskah

    with pytest.raises(InputError) as exc:
        load_naskah("nota-dinas", data)
    message = dict(exc.value.errors)["penandatangan.pejabat.nip"]
    import html as html_module

    assert (f'id="f-penandatangan-pejabat-nip-galat">{message}<'
            in html_module.unescape(r.text)), message
    assert 'aria-invalid="true" aria-describedby="f-penandatangan-pejabat-nip-galat"' in r.text
    ok = client.post("/konsol/naskah/nota-dinas", data={**form.fields, "aksi": "periksa"})
    assert ok.status_code == 200 and "Data naskah sah." in ok.text
    # no CSRF token: refused
    assert client.post("/konsol/naskah/nota-dinas", data={
        **form.fields, "csrf": "x", "aksi": "docx"}).status_code == 403
    assert _csrf(ok.text)


@pytest.mark.pdf
def test_preview_pdf(client: Any, soffice: str) -> None:
    form = _parse(client.get("/konsol/naskah/nota-dinas?contoh=1").text)
    r = client.post("/konsol/naskah/nota-dinas", data={**form.fields, "aksi": "pratinjau"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Penyampaian Laporan Hasil Pelaksanaan" in text
