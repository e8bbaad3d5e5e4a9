"""Benchmark: DOCX -> PDF, naskah's warm converter against Carbone's, same documents, same run.

The documents are the 14-step demo trail's DOCX files (rendered into a temporary
berkas), cycled to N = 15 and N = 100 files. For each N and for 1 and 2 LibreOffice
processes, naskah and Carbone each run in a fresh child process that

1. starts its converter and converts the N files: ``e2e_ms`` is the time from
   spawning the child to the last PDF (what a user of a one-off batch sees);
2. converts the same N files again: ``warm_ms_per_doc`` (converter already running).

Carbone (npm package ``carbone``) is installed into a temporary folder when ``npm``
is present; its child runs with ``PATH`` starting at LibreOffice's program folder
(``soffice.bin``) and ``/usr/bin`` (Debian's ``python3`` with ``python3-uno``, which
Carbone's converter needs). Without npm, only naskah's figures are printed.

``--json`` prints one object; ``ratios`` holds naskah/Carbone for each case (targets:
warm <= 1.0, e2e <= 0.75).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIBREOFFICE_PROGRAM = "/usr/lib/libreoffice/program"

_NASKAH_CHILD = """
import sys, time
from pathlib import Path
from naskah import pdf, pdf_warm
out, docs = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
pdf.convert_to_pdf(docs, out / "a")
print("done", flush=True)
start = time.perf_counter()
pdf.convert_to_pdf(docs, out / "b")
print("warm", (time.perf_counter() - start) * 1000, flush=True)
pdf_warm.shutdown()
"""

_CARBONE_CHILD = """
const carbone = require('carbone');
const fs = require('fs');
const path = require('path');
const [factories, out, ...docs] = process.argv.slice(2);
carbone.set({factories: Number(factories), startFactory: true});
function convertAll(folder) {
  fs.mkdirSync(folder, {recursive: true});
  return Promise.all(docs.map((doc) => new Promise((resolve, reject) => {
    carbone.convert(fs.readFileSync(doc), {convertTo: 'pdf', extension: 'docx'}, (err, pdf) => {
      if (err) return reject(err);
      fs.writeFileSync(path.join(folder, path.basename(doc) + '.pdf'), pdf);
      resolve();
    });
  })));
}
(async () => {
  await convertAll(path.join(out, 'a'));
  console.log('done');
  const start = process.hrtime.bigint();
  await convertAll(path.join(out, 'b'));
  console.log('warm', Number(process.hrtime.bigint() - start) / 1e6);
  process.exit(0);
})().catch((err) => { console.error(String(err)); process.exit(1); });
"""


def _documents(folder: Path, n: int, trail_docs: list[Path]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(n):
        target = folder / f"{i:03d}-{trail_docs[i % len(trail_docs)].name}"
        shutil.copy(trail_docs[i % len(trail_docs)], target)
        docs.append(target)
    return docs


def _run_child(command: list[str], env: dict[str, str], n: int, cwd: Path) -> dict[str, float]:
    """Spawn, time to the 'done' line (e2e), read the warm time; per-document figures."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    e2e = warm = None
    for line in proc.stdout:
        if line.startswith("done"):
            e2e = (time.perf_counter() - start) * 1000
        elif line.startswith("warm"):
            warm = float(line.split()[1])
    proc.wait(timeout=600)
    if proc.returncode != 0 or e2e is None or warm is None:
        raise RuntimeError(f"{command[0]} failed: {proc.stderr.read() if proc.stderr else ''}")
    return {"e2e_ms": round(e2e, 1), "e2e_ms_per_doc": round(e2e / n, 1),
            "warm_ms_per_doc": round(warm / n, 1)}


def _install_carbone(folder: Path) -> Path | None:
    npm = shutil.which("npm")
    if npm is None:
        return None
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", "carbone@3"],
                   cwd=folder, check=True, stdout=subprocess.DEVNULL)
    script = folder / "convert.js"
    script.write_text(_CARBONE_CHILD, encoding="utf-8")
    return script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sizes", default="15,100", help="document counts (default 15,100)")
    parser.add_argument("--processes", default="1,2", help="LibreOffice processes (1,2)")
    parser.add_argument("--no-carbone", action="store_true", help="naskah only")
    args = parser.parse_args(argv)
    from naskah import demo

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="naskah-bench-pdf-") as tmp:
        root = Path(tmp)
        demo.run(root / "berkas")
        trail_docs = sorted((root / "berkas" / "dokumen").glob("*.docx"))
        carbone = None if args.no_carbone else _install_carbone(root)
        naskah_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        carbone_env = {**os.environ,
                       "PATH": f"{LIBREOFFICE_PROGRAM}:/usr/bin:/bin",
                       "NODE_PATH": str(root / "node_modules")}
        for n in (int(x) for x in args.sizes.split(",")):
            docs = _documents(root / f"docs-{n}", n, trail_docs)
            for processes in (int(x) for x in args.processes.split(",")):
                case = f"n{n}_p{processes}"
                env = {**naskah_env, "NASKAH_PDF_PROCESSES": str(processes)}
                results[case] = {"naskah": _run_child(
                    [sys.executable, "-c", _NASKAH_CHILD, str(root / f"out-{case}-naskah"),
                     *map(str, docs)], env, n, root)}
                if carbone is not None:
                    results[case]["carbone"] = _run_child(
                        ["node", str(carbone), str(processes), str(root / f"out-{case}-c"),
                         *map(str, docs)], carbone_env, n, root)
                    ours, theirs = results[case]["naskah"], results[case]["carbone"]
                    results[case]["ratios"] = {
                        "warm": round(ours["warm_ms_per_doc"] / theirs["warm_ms_per_doc"], 2),
                        "e2e": round(ours["e2e_ms"] / theirs["e2e_ms"], 2),
                    }
    report = {"cases": results, "targets": {"warm": 1.0, "e2e": 0.75},
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"python {platform.python_version()}"}
    if args.json:
        print(json.dumps(report))
    else:
        for case, r in results.items():
            line = f"{case:10} naskah warm {r['naskah']['warm_ms_per_doc']:6.1f} ms/doc, " \
                   f"e2e {r['naskah']['e2e_ms']:7.0f} ms"
            if "carbone" in r:
                line += (f" | carbone warm {r['carbone']['warm_ms_per_doc']:6.1f} ms/doc, "
                         f"e2e {r['carbone']['e2e_ms']:7.0f} ms | ratios {r['ratios']}")
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
