"""``python -m linkgraph``: the same as the ``linkgraph`` command."""

import sys

from linkgraph.cli import main

sys.exit(main())
