"""``python -m naskah`` and the ``naskah`` script: the command line as a program."""

import gc
import sys


def run() -> int:
    """Run :func:`naskah.cli.main` on this process's arguments, as a short-lived process.

    Start-up (pydantic models, jinja2, lxml) allocates many objects and frees almost
    none, so the garbage collector does not run while importing, and what start-up
    built is then frozen out of every later collection's way (:func:`gc.freeze`);
    collection runs as usual during the command. At the end what is left is frozen
    too: the process exits next, and its last full collection would only slow the
    exit. Together about 30 ms of a one-document render (bench/startup.py).
    """
    gc.disable()
    try:
        from naskah.cli import main
    finally:
        gc.freeze()
        gc.enable()
    try:
        return main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    sys.exit(run())
