"""Benchmark: command-line start-up, hyperfine style (repeated runs, interleaved).

Times, as separate processes: ``python -c pass`` (the interpreter's floor), the
dependency floor (importing what any render needs: pydantic's BaseModel,
jinja2.sandbox, lxml.etree, babel.dates, argparse, zipfile), ``import naskah.cli``,
and ``naskah render nota-dinas EXAMPLE.json -o OUT.docx`` (one document, end to
end). Prints min and median wall time per command; ``--json`` prints one object.
The target for ``render_one_docx`` is 120 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 120
DEPENDENCY_FLOOR = ("from pydantic import BaseModel; "
                    "import jinja2.sandbox, lxml.etree, babel.dates, argparse, zipfile")
"""What rendering cannot start without: naskah's own share is the time above this."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=20, help="runs of each command")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="naskah-bench-") as tmp:
        out = Path(tmp) / "nota.docx"
        commands = {
            "python_pass": [sys.executable, "-c", "pass"],
            "dependency_floor": [sys.executable, "-c", DEPENDENCY_FLOOR],
            "import_naskah_cli": [sys.executable, "-c", "import naskah.cli"],
            "render_one_docx": [sys.executable, "-m", "naskah", "render", "nota-dinas",
                                str(ROOT / "examples" / "data" / "nota-dinas.json"),
                                "-o", str(out)],
        }
        # Byte-code caching on, as on a user's machine (some shells turn it off).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        for command in commands.values():  # warm-up: write the .pyc files
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
                times[name].append((time.perf_counter() - start) * 1000)
    result = {name: {"min_ms": round(min(t), 1), "median_ms": round(statistics.median(t), 1)}
              for name, t in times.items()}
    above = round(result["render_one_docx"]["median_ms"]
                  - result["dependency_floor"]["median_ms"], 1)
    report = {"commands": result, "runs": args.runs, "target_ms": TARGET_MS,
              "render_above_dependency_floor_median_ms": above}
    if args.json:
        print(json.dumps(report))
    else:
        for name, r in result.items():
            print(f"{name:20} min {r['min_ms']:7.1f} ms  median {r['median_ms']:7.1f} ms")
        print(f"render_one_docx is {above} ms (median) above the dependency floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
