"""``python -m naskah`` and the ``naskah`` script: the command line as a program.

The program, not the library, owns the process's signals: SIGTERM is made to unwind
like Ctrl-C (so temporary files are removed and LibreOffice is stopped) and the exit
status is then 143, whatever error the unwinding caused on the way (a conversion cut
short is not the failure to report; a library may even wrap the SystemExit into an
error of its own, as pydantic's schema build does).
"""

import gc
import signal
import sys
import threading

_EXIT_TERMINATED = 128 + signal.SIGTERM
_terminated = threading.Event()


def _on_sigterm(signum: int, frame: object) -> None:
    _terminated.set()
    raise SystemExit(128 + signum)


def install_sigterm_handler() -> None:
    """Make SIGTERM unwind the program, where SIGTERM still has its default action."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)


def run() -> int:
    """Run :func:`naskah.cli.main` on this process's arguments, as a short-lived process.

    Start-up (pydantic models, jinja2, lxml) allocates many objects and frees almost
    none, so the garbage collector does not run while importing, and what start-up
    built is then frozen out of every later collection's way (:func:`gc.freeze`);
    collection runs as usual during the command. At the end what is left is frozen
    too: the process exits next, and its last full collection would only slow the
    exit. Together about 30 ms of a one-document render (bench/startup.py).
    """
    install_sigterm_handler()
    gc.disable()
    try:
        from naskah.cli import main
    finally:
        gc.freeze()
        gc.enable()
    try:
        status = main()
    except BaseException:
        if _terminated.is_set():
            return _EXIT_TERMINATED
        raise
    finally:
        gc.freeze()
    return _EXIT_TERMINATED if _terminated.is_set() else status


if __name__ == "__main__":
    sys.exit(run())
