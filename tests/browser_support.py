"""Chromium driven by Playwright against a real ``naskah serve`` on 127.0.0.1: the
browser, accessibility checks with the vendored axe-core, screenshots as artefacts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.serve_support import ROOT, Server, free_port

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
ARTEFAK = ROOT / "tests" / "artefak"
"""Screenshots of the pages (gitignored): look at them after a run."""
DESKTOP = {"width": 1280, "height": 900}
PONSEL = {"width": 360, "height": 740}


def need_browser() -> None:
    """Skip unless Chromium and Playwright are installed (``make test`` installs both)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (bash tools/install-system-deps.sh)")
    pytest.importorskip("playwright.sync_api")


@contextmanager
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (Playwright cannot download its own browser here)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def server(tmp: Path, **env: str) -> Iterator[Server]:
    """A real uvicorn whose public URL is its own 127.0.0.1 address (the QR codes of the
    letters it signs open its pages)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp / "data"
    srv = Server(data, f"sqlite:///{tmp / 'naskah.db'}",
                 {"NASKAH_URL_PUBLIK": url, "NASKAH_HALAMAN_PER_MENIT": "1000", **env},
                 port=port).start()
    try:
        yield srv
    finally:
        srv.stop()


def axe_serious(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as shown (WCAG 2 A/AA)."""
    # Evaluated through the DevTools protocol: the pages' CSP (no inline script) stays on.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def no_horizontal_scroll(page: Any) -> bool:
    """Whether the page fits the viewport's width (no sideways scrolling)."""
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"))


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot kept under tests/artefak/."""
    ARTEFAK.mkdir(parents=True, exist_ok=True)
    path = ARTEFAK / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def keep(path: Path, name: str) -> None:
    """Copy an artefact to docs/img/ (the README's screenshots) when
    ``NASKAH_UJI_GAMBAR_README=1``: a test run leaves the checkout as it was."""
    if os.environ.get("NASKAH_UJI_GAMBAR_README") != "1":
        return
    target = ROOT / "docs" / "img" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)


__all__ = ["ARTEFAK", "AXE", "CHROMIUM", "DESKTOP", "PONSEL", "axe_serious", "browser",
           "keep", "need_browser", "no_horizontal_scroll", "screenshot", "server"]
