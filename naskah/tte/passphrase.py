"""Where a passphrase (or token PIN) comes from: an environment variable, a getpass
prompt, or a callback. Never the command line (visible in ``ps`` and shell history)
and never a file naskah writes; the value is never logged or put in a message.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from naskah.tte.errors import PassphraseError

PassphraseCallback = Callable[[], str | bytes]
"""Returns the passphrase when asked; lets an application use its own secret store."""


@dataclass(frozen=True, repr=False)
class Passphrase:
    """A way to obtain a passphrase, asked only when a signature is actually made.

    Build one with :meth:`from_env`, :meth:`prompt` or :meth:`from_callback`. The
    ``repr`` shows the source, never the value.
    """

    source: str
    _get: PassphraseCallback

    def __repr__(self) -> str:
        return f"Passphrase({self.source})"

    def get(self) -> bytes:
        """The passphrase as UTF-8 bytes; :class:`PassphraseError` when none is given."""
        value = self._get()
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        if not data:
            raise PassphraseError(f"passphrase: none given ({self.source})")
        return data

    @classmethod
    def from_env(cls, var: str) -> Passphrase:
        """Read from environment variable ``var`` at signing time."""
        def read() -> str:
            value = os.environ.get(var)
            if value is None:
                raise PassphraseError(f"passphrase: environment variable {var} is not set")
            return value
        return cls(f"environment variable {var}", read)

    @classmethod
    def prompt(cls, label: str = "Passphrase: ") -> Passphrase:
        """Ask on the terminal with :func:`getpass.getpass` (refused without a terminal)."""
        def ask() -> str:
            if not sys.stdin or not sys.stdin.isatty():
                raise PassphraseError(
                    "passphrase: no terminal to prompt on; set it in an environment variable")
            return getpass.getpass(label)
        return cls("prompt", ask)

    @classmethod
    def from_callback(cls, callback: PassphraseCallback) -> Passphrase:
        """Ask ``callback`` (e.g. a vault lookup) at signing time."""
        return cls("callback", callback)

    @classmethod
    def literal(cls, value: str | bytes) -> Passphrase:
        """A value already in memory (from the API caller; never from argv)."""
        return cls("given by the caller", lambda: value)
