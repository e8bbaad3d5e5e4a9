"""The job worker: a thread in each instance that claims batch jobs and sends webhooks.

Jobs and deliveries are rows (:mod:`naskah.serve.pekerjaan`), so a job started by one
instance finishes on whichever is alive: after a restart this worker claims the jobs
whose lease ran out and carries on from the first row without a result. A batch's
rows are rendered here and their PDFs go through the instance's pool
(:mod:`naskah.serve.konversi`), where rows of one template are converted together.
A webhook is POSTed when a job ends, retried with doubling delays until it answers
2xx or the attempts run out.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from naskah.errors import InputError, NaskahError
from naskah.serve import baris, pekerjaan
from naskah.serve.pekerjaan import Hasil

if TYPE_CHECKING:
    from naskah.serve.layanan import Layanan

log = logging.getLogger("naskah.serve.worker")
CHUNK = 16  # rows written per transaction: the unit of progress and of the lease's renewal


def check_webhook(url: str, izin: Sequence[str]) -> str:
    """A webhook URL the service may call: http(s), with a host, on the allow-list when
    one is set (``NASKAH_WEBHOOK_IZIN``); InputError naming ``webhook`` otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise InputError("webhook: an http:// or https:// URL with a host",
                         [("webhook", "not an http(s) URL")])
    if parts.username or parts.password:
        raise InputError("webhook: no credentials in the URL", [("webhook", "credentials")])
    host = parts.hostname.lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if izin and host not in izin and f"{host}:{port}" not in izin:
        raise InputError(f"webhook: {host}:{port} is not on this service's allow-list",
                         [("webhook", "host not allowed")])
    return url


class Worker:
    """Claims and runs jobs, sends webhooks; :meth:`start`, :meth:`stop`."""

    def __init__(self, layanan: Layanan) -> None:
        self.layanan = layanan
        self.id = f"{socket.gethostname()[:30]}-{os.getpid()}-{secrets.token_hex(3)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="naskah-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def status(self) -> dict[str, Any]:
        return {"id": self.id, "berjalan": self._thread is not None and self._thread.is_alive(),
                "pekerjaan": self.current}

    def _loop(self) -> None:
        settings = self.layanan.settings
        while not self._stop.is_set():
            try:
                busy = self.job_once() or self.webhook_once()
            except Exception:  # the database went away for a moment: wait and go on
                log.exception("worker %s: round failed", self.id)
                busy = False
            if not busy:
                self._stop.wait(settings.poll_s)

    # ------------------------------------------------------------ jobs

    def job_once(self) -> bool:
        """Claim and run one job; False when there was none."""
        settings = self.layanan.settings
        job = pekerjaan.klaim(self.layanan.engine, self.id, settings.sewa_s)
        if job is None:
            return False
        self.current = job.id
        try:
            self._run(job)
        except Exception:
            log.exception("job %s failed in worker %s; given back", job.id, self.id)
            pekerjaan.lepas(self.layanan.engine, job.id, self.id)
        finally:
            self.current = None
        return True

    def _run(self, job: Any) -> None:
        engine, settings = self.layanan.engine, self.layanan.settings
        params: dict[str, Any] = json.loads(job.parameter)
        base: dict[str, Any] = json.loads(job.dasar)
        try:
            rows = baris.read(bytes(job.masukan), params["kind"], settings.batas.baris,
                              self.layanan.tmp)
        except InputError as exc:
            pekerjaan.akhiri(engine, job.id, self.id, galat=str(exc))
            return
        done = pekerjaan.baris_selesai(engine, job.id)
        todo = [(i, row) for i, row in enumerate(rows, 1) if i not in done]
        log.info("job %s: %d rows, %d to do (worker %s)", job.id, len(rows), len(todo), self.id)
        names = _names(params["nama_berkas"], base, rows)
        renderer = self.layanan.renderer(params.get("profil"), params.get("kertas"),
                                         params.get("pdfa"))
        for start in range(0, len(todo), CHUNK):
            if self._stop.is_set():
                pekerjaan.lepas(engine, job.id, self.id)
                return
            chunk = todo[start:start + CHUNK]
            results = self._chunk(chunk, params, base, names, renderer)
            if not pekerjaan.simpan(engine, job.id, self.id, results, total=len(rows),
                                    sewa_s=settings.sewa_s):
                log.warning("job %s: lease lost by worker %s; stopping", job.id, self.id)
                return
        if not todo:
            pekerjaan.simpan(engine, job.id, self.id, [], total=len(rows),
                             sewa_s=settings.sewa_s)
        pekerjaan.akhiri(engine, job.id, self.id)

    def _chunk(self, chunk: list[tuple[int, Any]], params: dict[str, Any],
               base: dict[str, Any], names: dict[int, str], renderer: Any) -> list[Hasil]:
        from naskah.docx.properties import pdf_info
        from naskah.inputs import load_naskah
        from naskah.mailmerge import merge
        from naskah.pdf.group import group_key
        from naskah.serve.routes.umum import no_server_files

        to_pdf = params["format"] == "pdf"
        results: dict[int, Hasil] = {}
        waiting: list[tuple[int, Future[bytes]]] = []
        for number, row in chunk:
            try:
                if isinstance(row, InputError):
                    raise row
                data = merge(base, row)
                no_server_files(data)
                model = load_naskah(params["jenis"], data, f"row {number}")
                docx = renderer.render(model)
            except InputError as exc:
                results[number] = Hasil(number, None, None, exc.errors or [("", str(exc))])
                continue
            except NaskahError as exc:
                results[number] = Hasil(number, None, None, [("", str(exc))])
                continue
            if not to_pdf:
                results[number] = Hasil(number, f"{names[number]}.docx", docx, None)
                continue
            kunci = None if renderer.pdfa else group_key(docx)
            waiting.append((number, self.layanan.pdf.submit(
                docx, pdf_info(model), pdfa=renderer.pdfa, kunci=kunci)))
        timeout = self.layanan.settings.pdf_timeout_s * 4
        for number, future in waiting:
            try:
                results[number] = Hasil(number, f"{names[number]}.pdf",
                                        future.result(timeout=timeout), None)
            except NaskahError as exc:
                results[number] = Hasil(number, None, None, [("", str(exc))])
        return [results[n] for n, _row in chunk]

    # ------------------------------------------------------------ webhooks

    def webhook_once(self) -> bool:
        """Send one due webhook; False when none was due."""
        import httpx

        engine, settings = self.layanan.engine, self.layanan.settings
        row = pekerjaan.klaim_webhook(engine, tunda_s=60)
        if row is None:
            return False
        job = pekerjaan.get(engine, row.id)
        payload = {"id": job.id, "status": job.status, "total": job.total,
                   "selesai": job.selesai, "gagal": job.gagal,
                   "hasil": f"/v1/jobs/{job.id}/hasil" if job.status == "selesai" else None}
        galat: str | None = None
        try:
            check_webhook(row.webhook_url, settings.webhook_izin)
            answer = httpx.post(row.webhook_url, json=payload, timeout=10.0, trust_env=False,
                                follow_redirects=False,
                                headers={"X-Naskah-Pekerjaan": job.id,
                                         "User-Agent": "naskah-serve"})
            ok = 200 <= answer.status_code < 300
            galat = None if ok else f"HTTP {answer.status_code}"
        except InputError as exc:
            ok, galat = False, str(exc)
        except httpx.HTTPError as exc:
            ok, galat = False, type(exc).__name__
        attempts = row.webhook_percobaan + 1
        berikut = None
        if not ok and attempts < settings.webhook_percobaan:
            delay = settings.webhook_jeda_s * 2 ** (attempts - 1)
            berikut = pekerjaan.now() + timedelta(seconds=delay)
        pekerjaan.webhook_hasil(engine, job.id, ok=ok, galat=galat, berikut=berikut)
        log.info("webhook of job %s: attempt %d %s", job.id, attempts, "ok" if ok else galat)
        return True


def _names(pattern: str, base: dict[str, Any], rows: list[Any]) -> dict[int, str]:
    """Each row's file name (from the pattern; a name used twice gets the row number)."""
    from naskah.mailmerge import merge, output_name

    names: dict[int, str] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows, 1):
        try:
            data = merge(base, row) if isinstance(row, dict) else base
            name = output_name(pattern, number, data)
        except (InputError, ValueError, KeyError, IndexError):
            name = f"{number:04d}"
        if name.lower() in seen:
            name = f"{name}-{number}"
        seen.add(name.lower())
        names[number] = name
    return names


__all__ = ["CHUNK", "Worker", "check_webhook"]
