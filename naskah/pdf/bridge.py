"""Bridge between naskah and one running LibreOffice, over UNO. Not imported by naskah.

LibreOffice's Python binding (Debian's ``python3-uno``) only works in the Python it
was built for, ``/usr/bin/python3``, not in the project's virtual environment. So
:mod:`naskah.pdf.warm` runs this file as a script under that interpreter:

    /usr/bin/python3 soffice_bridge.py SOFFICE_BIN PROFILE_DIR PIPE_NAME [WARMUP.docx]

When naskah sends its first line (``start``; end of input instead means naskah was
interrupted while starting it: then it exits at once), it starts LibreOffice headless
with its own user profile, listening on a named pipe, connects to it, prints
``{"ready": true}``, converts WARMUP.docx (if given) to
load what every conversion needs, and then converts one document per request: a
JSON line ``{"src": DOCX, "dst": PDF, "options": {...}}`` (the PDF export filter's
options, e.g. ``{"SelectPdfVersion": 2}`` for PDF/A-2b) on stdin gets a JSON line
``{"ok": true}`` or ``{"ok": false, "error": "..."}`` on stdout. At end of input it
closes LibreOffice and exits. If LibreOffice dies, it exits with code 3 and naskah
starts a fresh bridge; if this Python has no ``uno`` module, it prints ``{"ready":
false, "uno": false, ...}`` and exits with code 4 (naskah then converts with one
``soffice --convert-to`` run instead).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_DOCX_FILTER = "MS Word 2007 XML"
_PR_SET_PDEATHSIG = 1
_QUIET_UPDATE = 1  # com.sun.star.document.UpdateDocMode.QUIET_UPDATE: never ask, never wait
_RESTART = 81  # soffice.bin's exit code for "start me again" (the wrapper script loops)
_NO_UNO = 4  # exit code: this Python has no uno module


def _die_with_parent() -> None:
    # LibreOffice is killed with the bridge, whatever way the bridge goes.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _reply(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def _answer(error: str | None) -> None:
    if error is None:
        _reply(ok=True)
    else:
        _reply(ok=False, error=error)


def main(argv: list[str]) -> int:
    # The bridge itself ends at end of input, when naskah exits or dies (no death
    # signal here: naskah may start it from a worker thread that ends before it).
    soffice, profile, pipe = argv[1], argv[2], argv[3]
    warmup = argv[4] if len(argv) > 4 else None
    command = [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
         "--nodefault", "--nocrashreport", "--nofirststartwizard",
         f"-env:UserInstallation={Path(profile).as_uri()}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]

    def launch() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp"},
            # Linux only: the death signal is a prctl, and Windows has no preexec_fn.
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    # Only once naskah has kept this bridge (its first line): a bridge it started but could
    # not keep, interrupted, gets end of input instead and must not start LibreOffice.
    if not sys.stdin.readline():
        return 0
    # LibreOffice first: it takes most of a second to start, importing uno meanwhile.
    office = launch()
    try:
        import uno
        from com.sun.star.beans import PropertyValue
        from com.sun.star.connection import NoConnectException
    except ImportError as exc:
        office.kill()
        _reply(ready=False, uno=False, error=f"this Python cannot import uno ({exc}); "
               "install python3-uno or set NASKAH_UNO_PYTHON")
        return _NO_UNO

    def prop(name: str, value: Any) -> Any:
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() == _RESTART:
                office = launch()  # first start in a new profile: soffice.bin asks for one
            elif office.poll() is not None or time.monotonic() > deadline:
                _reply(ready=False, error="LibreOffice did not start")
                return 3
            time.sleep(0.02)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    load_options = (prop("Hidden", True), prop("ReadOnly", True),
                    prop("UpdateDocMode", _QUIET_UPDATE), prop("FilterName", _DOCX_FILTER))

    def convert(src: str, dst: str, options: dict[str, Any], done: Any) -> None:
        """Convert; ``done(error or None)`` is called before the document is closed.
        ``options`` are the PDF export filter's (FilterData), e.g. SelectPdfVersion."""
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                               load_options)
        except Exception as exc:
            if office.poll() is not None:
                raise
            done(f"LibreOffice cannot open it: {exc}")
            return
        if doc is None:
            done("LibreOffice cannot open it as a DOCX document")
            return
        try:
            url = uno.systemPathToFileUrl(dst)
            if options:
                data = uno.Any("[]com.sun.star.beans.PropertyValue",
                               tuple(prop(name, value) for name, value in options.items()))
                store = (prop("FilterName", "writer_pdf_Export"), prop("FilterData", data))
                uno.invoke(doc, "storeToURL", (url, store))
            else:
                doc.storeToURL(url, (prop("FilterName", "writer_pdf_Export"),))
            done(None)  # naskah carries on while LibreOffice closes the document
        except Exception as exc:
            if office.poll() is not None:
                raise
            done(f"LibreOffice cannot export it: {exc}")
        finally:
            with contextlib.suppress(Exception):
                doc.close(True)

    _reply(ready=True)
    try:
        if warmup:
            # The first document in a LibreOffice costs 3-4 times the next ones (libraries,
            # fonts): pay that now, while naskah is still rendering its first document.
            target = os.path.join(profile, "tmp", "warmup.pdf")
            convert(warmup, target, {}, lambda error: None)
            with contextlib.suppress(OSError):
                os.unlink(target)
        for line in sys.stdin:
            job = json.loads(line)
            convert(job["src"], job["dst"], dict(job.get("options") or {}), _answer)
    except Exception:
        return 3  # LibreOffice went away: naskah starts a new bridge
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
