"""Benchmark: naskah rendering against raw docxtpl on the same template and context.

For each document type it times, per document and including the save to bytes:

- ``naskah``: validate the example JSON into the model, build the context, render
  with the compiled template, write core properties and metadata;
- ``docxtpl``: ``DocxTemplate(path).render(context, jinja_env)`` and ``save`` with the
  same (lean, shipped) template file, the same pre-built context and naskah's
  sandboxed Jinja environment;
- ``docxtpl_fat``: the same on the template as python-docx builds it before
  ``tools/lean_template.py`` trims it (what naskah 0.1.0 shipped).

All run interleaved in the same process, so machine noise hits them alike. With
``--rss N`` it also renders N documents in a loop and reports the resident set size
at the start and end of the second half (flat memory: the two are close).

``--json`` prints one object: ``{"types": {JENIS: {"naskah_ms", "docxtpl_ms",
"ratio", "docxtpl_fat_ms", "ratio_fat"}}, "target_ratio": 0.1, ...}``.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402

import naskah  # noqa: E402
from naskah.docx.renderer import packaged_template  # noqa: E402
from naskah.docx.template import make_environment  # noqa: E402
from naskah.models.pengesahan import Pengesahan  # noqa: E402
from naskah.profil import apply as apply_profil  # noqa: E402
from naskah.profil import load_profil, template_context  # noqa: E402
from tools.build_templates import BUILDERS  # noqa: E402

EXAMPLES = ROOT / "examples" / "data"
TARGET = 0.10


def _time(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _fat_templates(folder: Path) -> dict[str, Path]:
    """The templates as python-docx builds them, before trimming."""
    paths = {}
    for jenis in naskah.JENIS:
        name = packaged_template(jenis).name
        BUILDERS[name]().save(folder / name)
        paths[jenis] = folder / name
    return paths


def bench(jenis: str, rounds: int, fat: Path) -> dict[str, float]:
    data = json.loads((EXAMPLES / f"{jenis}.json").read_text(encoding="utf-8"))
    renderer = naskah.Renderer()
    model = naskah.load_naskah(jenis, data)
    # The context Renderer.render gives the template: the document's, then the profile's.
    profil = load_profil(None)
    context = apply_profil(profil, jenis, {**model.context(), **Pengesahan().context()})
    context.update(template_context(profil, jenis))
    path = packaged_template(jenis)
    env = make_environment()

    def through_naskah() -> None:
        renderer.render(naskah.load_naskah(jenis, data))

    def docxtpl_on(template: Path) -> Any:
        def run() -> None:
            tpl = DocxTemplate(template)
            tpl.render(context, jinja_env=env)
            tpl.save(io.BytesIO())
        return run

    through_docxtpl, through_fat = docxtpl_on(path), docxtpl_on(fat)
    for _ in range(3):  # warm-up: imports, first compile, caches
        through_naskah()
        through_docxtpl()
        through_fat()
    ours, lean, fat_times = [], [], []
    for _ in range(rounds):
        ours.append(_time(through_naskah))
        lean.append(_time(through_docxtpl))
        fat_times.append(_time(through_fat))
    n, d, f = (statistics.median(x) for x in (ours, lean, fat_times))
    return {"naskah_ms": round(n, 3), "docxtpl_ms": round(d, 3), "ratio": round(n / d, 3),
            "docxtpl_fat_ms": round(f, 3), "ratio_fat": round(n / f, 3)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    import os
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def rss(count: int) -> dict[str, float]:
    """Resident memory over ``count`` renders (undangan, the largest context)."""
    data = json.loads((EXAMPLES / "undangan.json").read_text(encoding="utf-8"))
    renderer = naskah.Renderer()
    samples = {}
    for i in range(count):
        renderer.render(naskah.load_naskah("undangan", data))
        if i + 1 in (count // 2, count):
            samples["half" if i + 1 == count // 2 else "end"] = _rss_mb()
    return {"renders": count, "rss_mb_half": samples["half"], "rss_mb_end": samples["end"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=30, help="documents per type and path")
    parser.add_argument("--rss", type=int, default=0, metavar="N",
                        help="also render N documents and report resident memory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="naskah-bench-") as tmp:
        fat = _fat_templates(Path(tmp))
        results = {jenis: bench(jenis, args.rounds, fat[jenis]) for jenis in naskah.JENIS}
    report: dict[str, Any] = {
        "types": results, "rounds": args.rounds, "target_ratio": TARGET,
        "meets_target": all(r["ratio"] <= TARGET for r in results.values()),
        "machine": f"{platform.machine()} {platform.processor() or ''} "
                   f"python {platform.python_version()}".replace("  ", " "),
    }
    if args.rss:
        report["memory"] = rss(args.rss)
    if args.json:
        print(json.dumps(report))
    else:
        for jenis, r in results.items():
            print(f"{jenis:12} naskah {r['naskah_ms']:7.2f} ms  docxtpl {r['docxtpl_ms']:7.2f} ms"
                  f" (ratio {r['ratio']:.3f})  docxtpl on fat template "
                  f"{r['docxtpl_fat_ms']:7.2f} ms (ratio {r['ratio_fat']:.3f})")
        if args.rss:
            print(f"memory: {report['memory']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
