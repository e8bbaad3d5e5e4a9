"""``naskah serve``: the HTTP API (see :mod:`naskah.serve`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from naskah.cli.common import EXIT_OK
from naskah.errors import InputError


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    if not 0 < args.port < 65536:
        raise InputError(f"--port: {args.port} is not a TCP port", [("port", "out of range")])
    if args.workers < 1:
        raise InputError("--workers must be 1 or more", [("workers", "below 1")])
    import uvicorn

    from naskah.serve.layanan import open_database
    from naskah.serve.settings import Settings

    trust = tuple(Path(p).resolve() for p in args.trust or ())
    for path in trust:
        if not path.is_file():
            raise InputError(f"--trust: {path} is not a file", [("trust", "not a file")])
    settings = Settings.from_env(db=args.db, data=args.data, url_publik=args.url_publik,
                                 trust=trust or None)
    # The schema is brought up to date once, here, before any worker process starts.
    open_database(settings.db).dispose()
    # Each worker process builds its app from the environment (uvicorn's factory form).
    os.environ["NASKAH_DB"] = settings.db
    os.environ["NASKAH_DATA"] = str(settings.data)
    if settings.url_publik:
        os.environ["NASKAH_URL_PUBLIK"] = settings.url_publik
    if settings.trust:
        os.environ["NASKAH_TRUST"] = os.pathsep.join(str(p) for p in settings.trust)
    print(f"naskah serve: http://{args.host}:{args.port}/docs  (data {settings.data})",
          flush=True)
    uvicorn.run("naskah.serve:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, proxy_headers=args.proxy,
                forwarded_allow_ips="127.0.0.1" if args.proxy else None,
                timeout_graceful_shutdown=30)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah serve`` to the ``naskah`` parser."""
    p = sub.add_parser("serve", help="run the HTTP API (FastAPI on uvicorn)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--db", metavar="URL", help="database: sqlite:///FILE or "
                   "postgresql+psycopg://USER:PASSWORD@HOST/DB (default $NASKAH_DB, else "
                   "naskah.db in the data folder)")
    p.add_argument("--data", metavar="DIR", help="trails, temporary files (default "
                   "$NASKAH_DATA, else $XDG_DATA_HOME/naskah or ~/.local/share/naskah)")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes, each with its own LibreOffice pool (default 1)")
    p.add_argument("--url-publik", metavar="URL",
                   help="base of the verification URLs in the QR codes of signed letters")
    p.add_argument("--trust", action="append", metavar="CA.pem",
                   help="trust roots for /v1/verifikasi and new trails (repeatable; "
                        "default $NASKAH_TRUST)")
    p.add_argument("--proxy", action="store_true",
                   help="trust X-Forwarded-For/-Proto from a reverse proxy on 127.0.0.1")
    p.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(handler=cmd_serve)


__all__ = ["add_commands"]
