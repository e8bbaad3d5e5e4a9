"""Benchmark: DOCX -> PDF, naskah's warm converter against Carbone's, same documents, same run.

For each N (15 and 100) and for 1 and 2 LibreOffice processes, on each side:

- ``warm_ms_per_doc``: a fresh child starts its converter, converts the 14-step demo
  trail's DOCX files (cycled to N files) once, then again: the second pass, timed, is
  the warm figure (converter already running). ``convert_e2e_ms`` is the first pass,
  from spawning the child.
- ``e2e_ms``: from process start to the last PDF of N undangan (one per invitee), as a
  user sees it: for naskah ``naskah render-batch undangan ... --pdf --jobs 1`` (JSON rows
  in, PDFs out: validation and rendering included), for Carbone converting the same N
  DOCX files (rendered beforehand) from a fresh node process.

naskah's side runs with a fresh per-user cache (``NASKAH_CACHE_DIR``), which the
first child fills with the LibreOffice profile seed (:mod:`naskah.pdf.profile`),
as the first PDF on a user's machine does.

Carbone (npm package ``carbone``) is installed into a temporary folder when ``npm``
is present; its child runs with ``PATH`` starting at LibreOffice's program folder
(``soffice.bin``) and ``/usr/bin`` (Debian's ``python3`` with ``python3-uno``, which
Carbone's converter needs). Without npm, only naskah's figures are printed.

``--rounds R`` repeats every case R times, the two sides alternating, and reports
medians (on a shared machine single runs vary by 15 % or more). ``--json`` prints one
object; ``ratios`` holds naskah/Carbone for each case (targets:
warm <= 1.0, e2e <= 0.75).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
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
from naskah import pdf
from naskah.pdf import warm as pdf_warm
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


def _run_child(command: list[str], env: dict[str, str], cwd: Path,
               done: str = "done") -> tuple[float, float | None]:
    """Spawn; the time to the line starting with ``done``, and the 'warm' time if printed."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    e2e = warm = None
    for line in proc.stdout:
        if line.startswith(done) and e2e is None:
            e2e = (time.perf_counter() - start) * 1000
        elif line.startswith("warm"):
            warm = float(line.split()[1])
    proc.wait(timeout=900)
    if proc.returncode != 0 or e2e is None:
        raise RuntimeError(f"{command[0]} failed: {proc.stderr.read() if proc.stderr else ''}")
    return e2e, warm


def _side(warm_cmd: list[str], e2e_cmd: list[str], env: dict[str, str], cwd: Path, n: int,
          done: str) -> dict[str, float]:
    convert_e2e, warm = _run_child(warm_cmd, env, cwd)
    e2e, _ = _run_child(e2e_cmd, env, cwd, done)
    assert warm is not None
    return {"warm_ms_per_doc": round(warm / n, 1), "convert_e2e_ms": round(convert_e2e),
            "e2e_ms": round(e2e), "e2e_ms_per_doc": round(e2e / n, 1)}


def _undangan(folder: Path, n: int, env: dict[str, str]) -> tuple[Path, list[Path]]:
    """N undangan rows (one invitee each) and the same documents as DOCX files."""
    folder.mkdir(parents=True)
    rows = folder / "rows.jsonl"
    rows.write_text("".join(json.dumps({"kepada": [f"Kepala Biro Nomor {i}"]}) + "\n"
                            for i in range(n)), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "naskah", "render-batch", "undangan",
                    str(ROOT / "examples" / "data" / "undangan.json"), str(rows), "-o",
                    str(folder / "docx"), "--jobs", "1"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return rows, sorted((folder / "docx").glob("*.docx"))


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
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each case, naskah and Carbone alternating; medians")
    args = parser.parse_args(argv)
    from naskah import demo

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="naskah-bench-pdf-") as tmp:
        root = Path(tmp)
        demo.run(root / "berkas")
        trail_docs = sorted((root / "berkas" / "dokumen").glob("*.docx"))
        carbone = None if args.no_carbone else _install_carbone(root)
        # The cache of LibreOffice profile seeds, fresh: the first child's LibreOffice
        # makes the seed every later naskah process starts from (as on a user's machine
        # after the first PDF).
        naskah_env = {**os.environ, "PYTHONPATH": str(ROOT),
                      "NASKAH_CACHE_DIR": str(root / "naskah-cache")}
        carbone_env = {**os.environ,
                       "PATH": f"{LIBREOFFICE_PROGRAM}:/usr/bin:/bin",
                       "NODE_PATH": str(root / "node_modules")}
        for n in (int(x) for x in args.sizes.split(",")):
            docs = _documents(root / f"docs-{n}", n, trail_docs)
            rows, undangan = _undangan(root / f"undangan-{n}", n, naskah_env)
            for processes in (int(x) for x in args.processes.split(",")):
                case = f"n{n}_p{processes}"
                env = {**naskah_env, "NASKAH_PDF_PROCESSES": str(processes)}
                runs: dict[str, list[dict[str, float]]] = {"naskah": [], "carbone": []}
                for r in range(args.rounds):
                    runs["naskah"].append(_side(
                        [sys.executable, "-c", _NASKAH_CHILD,
                         str(root / f"out-{case}-{r}-naskah"), *map(str, docs)],
                        [sys.executable, "-m", "naskah", "render-batch", "undangan",
                         str(ROOT / "examples" / "data" / "undangan.json"), str(rows), "-o",
                         str(root / f"e2e-{case}-{r}-naskah"), "--pdf", "--jobs", "1"],
                        env, root, n, "render-batch:"))
                    if carbone is not None:
                        runs["carbone"].append(_side(
                            ["node", str(carbone), str(processes),
                             str(root / f"out-{case}-{r}-c"), *map(str, docs)],
                            ["node", str(carbone), str(processes),
                             str(root / f"e2e-{case}-{r}-c"), *map(str, undangan)],
                            carbone_env, root, n, "done"))
                results[case] = {side: {key: statistics.median(run[key] for run in values)
                                        for key in values[0]}
                                 for side, values in runs.items() if values}
                if carbone is not None:
                    ours, theirs = results[case]["naskah"], results[case]["carbone"]
                    results[case]["ratios"] = {
                        "warm": round(ours["warm_ms_per_doc"] / theirs["warm_ms_per_doc"], 2),
                        "e2e": round(ours["e2e_ms"] / theirs["e2e_ms"], 2),
                    }
    report = {"cases": results, "rounds": args.rounds, "targets": {"warm": 1.0, "e2e": 0.75},
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
