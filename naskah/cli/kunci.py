"""The command line's signing options, shared by ``trail``, ``ttd``, ``berkas`` and
``verify``: a PKCS#12 file or a PKCS#11 token key (its passphrase / PIN from an
environment variable or a prompt, never argv), and the revocation sources of a check."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from naskah.errors import InputError

if TYPE_CHECKING:
    from naskah.tte.signer import Signer


def signer_from_args(args: argparse.Namespace) -> Signer | None:
    """The signer the options name: a PKCS#12 file or a PKCS#11 token key. The
    passphrase / PIN comes from an environment variable or a prompt, never argv."""
    from naskah.tte.passphrase import Passphrase

    secret = (Passphrase.from_env(args.passphrase_env) if args.passphrase_env
              else Passphrase.prompt("Passphrase / PIN: "))
    if args.p12 and args.pkcs11:
        raise InputError("give one signer: --p12 or --pkcs11, not both")
    if args.p12:
        from naskah.tte.pkcs12 import Pkcs12Signer

        return Pkcs12Signer(args.p12, secret)
    if args.pkcs11:
        from naskah.tte.pkcs11 import Pkcs11Signer

        module, token, key = (args.pkcs11 + "::").split(":")[:3]
        if not (module and token and key):
            raise InputError("--pkcs11 takes MODULE.so:TOKEN_LABEL:KEY_LABEL")
        return Pkcs11Signer(module, token, key, secret)
    return None


def add_signer_options(p: argparse.ArgumentParser) -> None:
    """--p12 / --pkcs11 / --passphrase-env on a parser."""
    p.add_argument("--p12", metavar="FILE.p12", help="sign with this PKCS#12 file")
    p.add_argument("--pkcs11", metavar="MODULE:TOKEN:KEY",
                   help="sign with a key on a PKCS#11 token (smart card / HSM)")
    p.add_argument("--passphrase-env", metavar="VAR",
                   help="environment variable holding the passphrase / PIN (else: prompt)")


def add_revocation_options(p: argparse.ArgumentParser) -> None:
    """--crl / --offline / --fetch-revocation on a verifying parser."""
    p.add_argument("--crl", action="append", metavar="FILE.crl",
                   help="certificate revocation list(s) to check against; repeatable")
    p.add_argument("--offline", action="store_true",
                   help="ask no OCSP responder (default: the one a certificate names)")
    p.add_argument("--fetch-revocation", action="store_true",
                   help="also download the CRLs the certificates name")


__all__ = ["add_revocation_options", "add_signer_options", "signer_from_args"]
