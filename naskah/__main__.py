"""``python -m naskah`` runs the command line."""

import sys

from naskah.cli import main

sys.exit(main())
