"""Deprecated: the berkas moved to :mod:`naskah.trail.berkas`; this alias goes in 0.4."""

import warnings

from naskah.trail.berkas import HasilBerkas, build_berkas

warnings.warn("naskah.berkas is deprecated: import naskah.trail.berkas instead",
              DeprecationWarning, stacklevel=2)

__all__ = ["HasilBerkas", "build_berkas"]
