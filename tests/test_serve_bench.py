"""bench/serve.py runs and reports what it promises (speed is never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.serve_support import ROOT

pytestmark = [pytest.mark.serve, pytest.mark.pdf]


def test_serve_bench_reports_every_part(soffice: str) -> None:
    done = subprocess.run(
        [sys.executable, "bench/serve.py", "--no-carbone", "--clients", "4", "--requests", "12",
         "--docx-requests", "40", "--rss-requests", "80"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    med = report["medians"]
    assert med["naskah_pdf"]["errors"] == 0 and med["naskah_pdf"]["per_s"] > 0
    assert med["docx_http"]["errors"] == 0 and med["batch_jobs_1"]["docs"] == 12
    assert report["ratios"]["docx_http_vs_in_process"] == round(
        med["docx_http"]["per_s"] / med["docx_in_process"]["per_s"], 2)
    assert report["ratios"]["pdf_throughput_vs_carbone"] is None  # --no-carbone
    assert len(report["rss"]["samples_kb"]) == 2 and report["rss"]["settled_kb"] > 0
