"""``python -m naskah.cli``."""

import sys

from naskah.__main__ import run

sys.exit(run())
