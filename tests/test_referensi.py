"""Page images of every document type under every shipped profile, against reviewed ones.

The references in ``tests/referensi/<profil>/<jenis>-<page>.png`` (8-bit grayscale, 40
dpi) were looked at page by page before they were committed. A rendering that moves
text by a line, changes a font or a width, or adds or loses a page differs from them by
far more than the tolerance; anti-aliasing noise does not. After a deliberate layout
change, regenerate them with ``NASKAH_REFERENSI=tulis pytest tests/test_referensi.py``,
look at every page, and commit them with the change.

pusat and kemenko-polhukam render the examples (the Kemenko kop); pemda renders the
``*-pemda.json`` variants (a Sekretariat Daerah kop with the placeholder logo).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import naskah
from tests.helpers import ALL_JENIS, EXAMPLES
from tests.pdf_layout import difference, gray_png

pytestmark = [pytest.mark.libreoffice, pytest.mark.pdf]

REFERENSI = Path(__file__).parent / "referensi"
PROFILES = ("pusat", "kemenko-polhukam", "pemda")
DPI = 40
MEAN_LIMIT = 1.5
"""Mean absolute difference allowed, on 0-255 (a line of text moved is well above 5)."""
SHARE_LIMIT = 0.003
"""Share of pixels allowed to differ by more than a quarter of the range."""


def _document(profil: str, jenis: str) -> naskah.NaskahDinas:
    path = EXAMPLES / (f"{jenis}-pemda.json" if profil == "pemda" else f"{jenis}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("kop", {}).get("logo"):
        data["kop"]["logo"] = str(EXAMPLES / data["kop"]["logo"])
    return naskah.load_naskah(jenis, data, path.name)


@pytest.fixture(scope="module")
def pages(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every page image, by "profil/jenis"."""
    base = tmp_path_factory.mktemp("referensi")
    out: dict[str, list[Path]] = {}
    for profil in PROFILES:
        folder = base / profil
        folder.mkdir()
        items = [(_document(profil, jenis), folder / f"{jenis}.pdf") for jenis in ALL_JENIS]
        naskah.Renderer(profil=profil, font_check="error").save_many(items)
        for jenis in ALL_JENIS:
            out[f"{profil}/{jenis}"] = gray_png(folder / f"{jenis}.pdf", folder / "png", DPI)
    if os.environ.get("NASKAH_REFERENSI") == "tulis":
        shutil.rmtree(REFERENSI, ignore_errors=True)
        for key, images in out.items():
            target = REFERENSI / key.split("/")[0]
            target.mkdir(parents=True, exist_ok=True)
            for image in images:
                shutil.copy(image, target / image.name)
    return out


@pytest.mark.parametrize("profil", PROFILES)
@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_pages_match_the_reviewed_references(pages: dict[str, list[Path]], profil: str,
                                             jenis: str) -> None:
    images = pages[f"{profil}/{jenis}"]
    references = sorted((REFERENSI / profil).glob(f"{jenis}-*.png"))
    assert references, f"no reference pages for {profil}/{jenis} in {REFERENSI}"
    assert [p.name for p in images] == [p.name for p in references], (
        f"{profil}/{jenis}: {len(images)} pages, the reference has {len(references)}")
    for image, reference in zip(images, references, strict=True):
        mean, share = difference(image, reference)
        assert mean <= MEAN_LIMIT and share <= SHARE_LIMIT, (
            f"{profil}/{reference.name}: mean difference {mean:.2f}, {share:.2%} of pixels "
            "far off; look at the page (NASKAH_TEST_PAGES) or regenerate the references")
