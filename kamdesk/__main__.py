"""``python -m kamdesk``."""

import multiprocessing
import sys

from kamdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the PDF render process in a PyInstaller bundle
    sys.exit(main())
