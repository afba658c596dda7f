"""Run the command line as ``python -m d3fgraph``."""

import sys

from d3fgraph.cli import main

sys.exit(main())
