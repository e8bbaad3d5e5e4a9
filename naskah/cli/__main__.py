"""``python -m naskah.cli``."""

import sys

from naskah.cli import main

sys.exit(main())
