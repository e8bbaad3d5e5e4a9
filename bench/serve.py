"""Benchmark: naskah serve against Carbone behind a minimal Node HTTP server, same machine,
same run, same template and data.

- ``pdf``: 8 concurrent clients request nota dinas PDFs (the example letter, each request
  with its own hal) from ``naskah serve`` (one process, its warm LibreOffice pool) and from
  Carbone 3 (``carbone.render`` of the same letter as a Carbone template: the DOCX naskah
  renders, with the request's fields put back as ``{d.…}`` markers, ``factories`` = the
  same number of LibreOffice processes). Throughput, p50/p95 latency, and ratios.
- ``batch``: the grouped batch path on the same letters, in one warm process
  (``naskah.batch.render_batch(..., pdf=True)``, what ``render-batch --pdf`` runs), for
  ``--jobs 1`` and the default (one per core); the service's PDF rate against the better.
- ``docx``: DOCX over HTTP (8 clients) against the library in-process on the same cores
  (``load_naskah`` + ``Renderer.render`` of the same JSON in one thread).
- ``rss``: the service's resident memory over ``--rss-requests`` (10,000) DOCX requests,
  sampled after the first 1,000 and at the end (and the LibreOffice processes').

Carbone is installed with npm into a temporary folder and runs with ``PATH`` starting at
LibreOffice's program folder (as ``bench/pdf.py`` does). Prints one JSON object.
Targets (issue 18): pdf throughput >= 2x Carbone, p95 <= 0.5x Carbone, service PDF rate
>= 0.8x the batch path, DOCX over HTTP >= 0.7x in-process, RSS within +-10 %.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIBREOFFICE_PROGRAM = "/usr/lib/libreoffice/program"
NODIN = json.loads((ROOT / "examples" / "data" / "nota-dinas.json").read_text(encoding="utf-8"))

_CARBONE_SERVER = """
const http = require('http');
const carbone = require('carbone');
const [template, port, factories] = process.argv.slice(2);
carbone.set({factories: Number(factories), startFactory: true});
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let data;
    try { data = JSON.parse(Buffer.concat(chunks)); }
    catch (e) { res.writeHead(400); return res.end(); }
    carbone.render(template, data, {convertTo: 'pdf'}, (err, pdf) => {
      if (err) { res.writeHead(500); return res.end(String(err)); }
      res.writeHead(200, {'Content-Type': 'application/pdf'});
      res.end(pdf);
    });
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
"""

_BATCH_CHILD = """
import json, sys, time
from pathlib import Path
from naskah.batch import render_batch
out, n, jobs = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
base = json.loads(sys.argv[4])
rows = [{"hal": f"{base['hal']} ({i})"} for i in range(n)]
render_batch("nota-dinas", rows[:16], out / "warm", base=base, pdf=True, jobs=jobs)
start = time.perf_counter()
result = render_batch("nota-dinas", rows, out / "timed", base=base, pdf=True, jobs=jobs)
took = time.perf_counter() - start
print(json.dumps({"docs": len(result.written), "failed": result.failed_rows, "s": took}))
"""

_DOCX_CHILD = """
import json, sys, time
from naskah.docx.renderer import Renderer
from naskah.inputs import load_naskah
n, base = int(sys.argv[1]), json.loads(sys.argv[2])
texts = [json.dumps({**base, "hal": f"{base['hal']} ({i})"}) for i in range(n)]
renderer = Renderer(font_check="off")
for text in texts[:50]:
    renderer.render(load_naskah("nota-dinas", text))
start = time.perf_counter()
for text in texts:
    renderer.render(load_naskah("nota-dinas", text))
print(json.dumps({"docs": n, "s": time.perf_counter() - start}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _body(i: int) -> dict[str, Any]:
    doc = copy.deepcopy(NODIN)
    doc["hal"] = f"{NODIN['hal']} ({i})"
    return doc


def _load(url: str, clients: int, count: int, headers: dict[str, str], *, pdf: bool,
          warmup: int = 16) -> dict[str, Any]:
    """``count`` requests from ``clients`` threads; throughput and latency percentiles."""
    def one(client: httpx.Client, i: int) -> float:
        start = time.perf_counter()
        r = client.post(url, json=_body(i), headers=headers)
        took = time.perf_counter() - start
        if r.status_code != 200 or not r.content.startswith(b"%PDF" if pdf else b"PK"):
            raise RuntimeError(f"{url}: HTTP {r.status_code} {r.text[:300]}")
        return took

    with httpx.Client(timeout=300) as client:  # warm-up, not counted
        threads = [threading.Thread(target=lambda k=k: one(client, 10_000_000 + k))
                   for k in range(min(warmup, clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for k in range(max(0, warmup - clients)):
            one(client, 20_000_000 + k)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        with httpx.Client(timeout=300) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                try:
                    took = one(client, i)
                except Exception as exc:  # counted, and the run reported as failing
                    with lock:
                        errors.append(str(exc)[:200])
                    continue
                with lock:
                    latencies.append(took)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"requests": count, "errors": len(errors), "first_error": errors[0] if errors else None,
            "seconds": round(wall, 2), "per_s": round(len(latencies) / wall, 2),
            "p50_ms": round(q[49] * 1000), "p95_ms": round(q[94] * 1000)}


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _descendants_rss_kb(pid: int) -> int:
    """Resident memory of the server's descendants (its LibreOffice processes)."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    total = 0
    for child in found:
        try:
            total += _rss_kb(child)
        except OSError:
            continue
    return total


def _carbone_template(root: Path, docx: bytes) -> tuple[Path, int]:
    """The letter naskah renders, with the request's fields as Carbone markers."""
    markers = {"hal": NODIN["hal"], "nomor": NODIN["nomor"], "dari": NODIN["dari"],
               "kepada": NODIN["kepada"]}
    source = zipfile.ZipFile(__import__("io").BytesIO(docx))
    xml = source.read("word/document.xml").decode("utf-8")
    replaced = 0
    for field, value in markers.items():
        if isinstance(value, str) and escape(value) in xml:
            xml = xml.replace(escape(value), f"{{d.{field}}}", 1)
            replaced += 1
    target = root / "nota-dinas-carbone.docx"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = xml.encode("utf-8") if item.filename == "word/document.xml" else (
                source.read(item.filename))
            out.writestr(item, data)
    return target, replaced


def _start(command: list[str], env: dict[str, str], cwd: Path, ready: str,
           log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{command[0]} exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(ready, timeout=1).status_code < 500:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{command[0]} did not start: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _child(code: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True,
                         capture_output=True, text=True, timeout=1800)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _rss(base: str, pid: int, args: argparse.Namespace, auth: dict[str, str]
         ) -> dict[str, Any]:
    """The service's resident memory over ``args.rss_requests`` DOCX requests: the first
    1,000 settle the process, then a sample after every 1,000."""
    url = f"{base}/v1/dokumen/nota-dinas"
    settle = min(1000, args.rss_requests // 2)
    _load(url, args.clients, settle, auth, pdf=False)
    samples = [_rss_kb(pid)]
    remaining = args.rss_requests - settle
    while remaining > 0:
        step = min(settle, remaining)
        _load(url, args.clients, step, auth, pdf=False, warmup=0)
        samples.append(_rss_kb(pid))
        remaining -= step
    return {"requests": args.rss_requests, "settled_kb": samples[0],
            "end_kb": samples[-1], "max_kb": max(samples), "samples_kb": samples,
            "change": round(samples[-1] / samples[0] - 1, 3),
            "max_change": round(max(samples) / samples[0] - 1, 3),
            "children_kb": _descendants_rss_kb(pid)}


def _carbone_server(root: Path, template_docx: bytes, args: argparse.Namespace
                    ) -> tuple[subprocess.Popen[bytes], str, int]:
    """Carbone 3 behind the minimal Node server: the process, its URL, markers placed."""
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "carbone@3"],
                   cwd=root, check=True, stdout=subprocess.DEVNULL)
    (root / "server.js").write_text(_CARBONE_SERVER, encoding="utf-8")
    template, markers = _carbone_template(root, template_docx)
    port = _free_port()
    env = {**os.environ, "PATH": f"{LIBREOFFICE_PROGRAM}:/usr/bin:/bin",
           "NODE_PATH": str(root / "node_modules")}
    server = _start(["node", str(root / "server.js"), str(template), str(port),
                     str(args.processes)], env, root, f"http://127.0.0.1:{port}/",
                    root / "carbone.log")
    return server, f"http://127.0.0.1:{port}/render", markers


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k, v in runs[0].items() if isinstance(v, int | float)]
    out = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    out["runs"] = [{k: r[k] for k in ("per_s", "p50_ms", "p95_ms") if k in r} for r in runs]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=240, help="PDF requests per side")
    parser.add_argument("--docx-requests", type=int, default=2000)
    parser.add_argument("--rss-requests", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2, help="LibreOffice processes")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds, the sides alternating in each; medians reported")
    parser.add_argument("--no-carbone", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": os.getloadavg()},
        "clients": args.clients, "libreoffice_processes": args.processes,
        "rounds": args.rounds}
    runs: dict[str, list[dict[str, Any]]] = {
        "naskah_pdf": [], "carbone_pdf": [], "batch_jobs_1": [], "batch_jobs_cores": [],
        "docx_http": [], "docx_in_process": []}
    with tempfile.TemporaryDirectory(prefix="naskah-bench-serve-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NASKAH_CACHE_DIR": str(root / "cache"),
               "NASKAH_PDF_PROCESSES": str(args.processes), "NASKAH_DATA": str(root / "data"),
               "NASKAH_SERVE_WORKER": "0"}
        env.pop("NASKAH_DB", None)
        token = subprocess.run([sys.executable, "-m", "naskah", "pengguna", "tambah", "bench",
                                "--peran", "operator"], env=env, check=True, capture_output=True,
                               text=True).stdout.strip()
        auth = {"Authorization": f"Bearer {token}"}
        port = _free_port()
        server = _start([sys.executable, "-m", "naskah", "serve", "--port", str(port),
                         "--log-level", "warning"], env, root, f"http://127.0.0.1:{port}/health",
                        root / "serve.log")
        base = f"http://127.0.0.1:{port}"
        carbone = None
        try:
            template_docx = httpx.post(f"{base}/v1/dokumen/nota-dinas", json=NODIN,
                                       headers=auth, timeout=60).content
            if not args.no_carbone and shutil.which("npm"):
                carbone, carbone_url, markers = _carbone_server(root, template_docx, args)
                result["carbone_markers"] = markers
            for r in range(args.rounds):
                runs["naskah_pdf"].append(_load(f"{base}/v1/dokumen/nota-dinas?format=pdf",
                                                args.clients, args.requests, auth, pdf=True))
                if carbone is not None:
                    runs["carbone_pdf"].append(_load(carbone_url, args.clients,
                                                     args.requests, {}, pdf=True))
                for jobs, key in ((1, "batch_jobs_1"), (os.cpu_count() or 1,
                                                        "batch_jobs_cores")):
                    found = _child(_BATCH_CHILD, str(root / f"batch-{r}-{jobs}"),
                                   str(args.requests), str(jobs), json.dumps(NODIN), env=env)
                    found["per_s"] = round(found["docs"] / found["s"], 2)
                    runs[key].append(found)
                runs["docx_http"].append(_load(f"{base}/v1/dokumen/nota-dinas", args.clients,
                                               args.docx_requests, auth, pdf=False))
                inproc = _child(_DOCX_CHILD, str(args.docx_requests), json.dumps(NODIN),
                                env=env)
                inproc["per_s"] = round(inproc["docs"] / inproc["s"], 2)
                runs["docx_in_process"].append(inproc)
            result["groups_converted"] = httpx.get(f"{base}/health").json()[
                "libreoffice"]["kelompok"]
            result["rss"] = _rss(base, server.pid, args, auth)
        finally:
            _stop(server)
            if carbone is not None:
                _stop(carbone)
    med = {k: _median(v) for k, v in runs.items() if v}
    result["medians"] = med

    def ratio(a: str, b: str, key: str = "per_s") -> float | None:
        return round(med[a][key] / med[b][key], 2) if a in med and b in med else None

    batch_key = max(("batch_jobs_1", "batch_jobs_cores"), key=lambda k: med[k]["per_s"])
    result["ratios"] = {
        "pdf_throughput_vs_carbone": ratio("naskah_pdf", "carbone_pdf"),
        "pdf_p95_vs_carbone": ratio("naskah_pdf", "carbone_pdf", "p95_ms"),
        "pdf_service_vs_batch": ratio("naskah_pdf", batch_key),
        "batch_compared": batch_key,
        "docx_http_vs_in_process": ratio("docx_http", "docx_in_process"),
        "rss_change": result["rss"]["change"],
    }
    result["machine"]["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
