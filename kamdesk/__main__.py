"""``python -m kamdesk``."""

import sys

from kamdesk.cli import main

sys.exit(main())
