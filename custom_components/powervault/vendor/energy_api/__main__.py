"""Run the `energy_api` command line."""

import sys

from .cli import main

sys.exit(main())
