"""`python3 -m digitlab` (with pysrc on the path): see cli.py."""

import sys

from .cli import main

sys.exit(main())
