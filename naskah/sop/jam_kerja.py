"""Working time: how long a step took in the office's working hours.

A step's *waktu* in the SOP ("60 Menit", "1 Hari") is working time: a step handed over
at 15:55 on Friday and finished at 08:00 on Monday took 35 minutes, not 64 hours.
:class:`JamKerja` lives in :mod:`naskah.kalender` with the holidays it is counted
against; this module keeps its old import path.
"""

from __future__ import annotations

from naskah.kalender import JamKerja

__all__ = ["JamKerja"]
