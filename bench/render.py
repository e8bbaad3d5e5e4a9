"""Benchmark: naskah rendering against raw docxtpl on the same template and context.

For each document type it times, per document and including the save to bytes:

- ``naskah``: validate the example JSON into the model, build the context, render
  with the compiled template, set properties and metadata;
- ``docxtpl``: ``DocxTemplate(path).render(context, autoescape=True)`` and ``save``
  with the same template file and the same (pre-built) context.

Both run interleaved in the same process, so machine noise hits both alike. Prints
one JSON object with ``--json``: ``{"types": {JENIS: {"naskah_ms", "docxtpl_ms",
"ratio"}}}``; the target is every ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

import naskah
from naskah.pengesahan import Pengesahan
from naskah.render import packaged_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


def _time(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench(jenis: str, rounds: int) -> dict[str, float]:
    data = json.loads((EXAMPLES / f"{jenis}.json").read_text(encoding="utf-8"))
    renderer = naskah.Renderer()
    model = naskah.load_naskah(jenis, data)
    context = {**model.context(), **Pengesahan().context()}
    path = packaged_template(jenis)

    def through_naskah() -> None:
        renderer.render(naskah.load_naskah(jenis, data))

    def through_docxtpl() -> None:
        tpl = DocxTemplate(path)
        tpl.render(context, autoescape=True)
        tpl.save(io.BytesIO())

    for _ in range(3):  # warm-up: imports, first compile, caches
        through_naskah()
        through_docxtpl()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(_time(through_naskah))
        theirs.append(_time(through_docxtpl))
    n, d = statistics.median(ours), statistics.median(theirs)
    return {"naskah_ms": round(n, 3), "docxtpl_ms": round(d, 3), "ratio": round(n / d, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=30, help="documents per type and path")
    args = parser.parse_args(argv)
    results = {jenis: bench(jenis, args.rounds) for jenis in naskah.JENIS}
    if args.json:
        print(json.dumps({"types": results, "rounds": args.rounds}))
    else:
        for jenis, r in results.items():
            print(f"{jenis:12} naskah {r['naskah_ms']:8.2f} ms  docxtpl {r['docxtpl_ms']:8.2f} ms"
                  f"  ratio {r['ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
