"""Benchmark: DOCX -> PDF for the 14-step trail's documents, batched against one by one.

Runs the demo trail (no PDFs) into a temporary berkas, then converts its documents

- with one ``soffice`` invocation for all of them (what naskah does), and
- with one invocation per document,

and prints the times, the per-document cost of the batch, and the ratio. Carbone
publishes about 50 ms per document on a warm LibreOffice pool; ``vs_carbone`` is the
batch's per-document time divided by that. Needs LibreOffice.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from naskah import demo
from naskah.pdf import convert_to_pdf

CARBONE_MS_PER_DOC = 50.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of each way")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="naskah-bench-pdf-") as tmp:
        root = Path(tmp)
        demo.run(root / "berkas")
        docs = sorted((root / "berkas" / "dokumen").glob("*.docx"))
        batch, single = [], []
        for r in range(args.rounds):
            start = time.perf_counter()
            convert_to_pdf(docs, root / f"batch-{r}")
            batch.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            for doc in docs:
                convert_to_pdf([doc], root / f"single-{r}")
            single.append((time.perf_counter() - start) * 1000)
    batch_ms, single_ms = statistics.median(batch), statistics.median(single)
    per_doc = batch_ms / len(docs)
    result = {
        "documents": len(docs),
        "batch_ms": round(batch_ms, 1),
        "one_call_per_document_ms": round(single_ms, 1),
        "ratio": round(single_ms / batch_ms, 2),
        "batch_ms_per_document": round(per_doc, 1),
        "carbone_ms_per_document": CARBONE_MS_PER_DOC,
        "vs_carbone": round(per_doc / CARBONE_MS_PER_DOC, 2),
        "rounds": args.rounds,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{len(docs)} documents: one soffice call {batch_ms:.0f} ms "
              f"({per_doc:.0f} ms/document), one call each {single_ms:.0f} ms; "
              f"batching is {single_ms / batch_ms:.1f}x faster; "
              f"{per_doc / CARBONE_MS_PER_DOC:.1f}x Carbone's {CARBONE_MS_PER_DOC:.0f} ms/document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
