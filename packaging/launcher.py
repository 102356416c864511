"""PyInstaller's entry script: the frozen program is `neural-playground`.

playground/__main__.py uses a relative import, which a top-level script
cannot, so the frozen build starts here instead.
"""

import multiprocessing
import sys

from playground.cli import main

if __name__ == "__main__":
    # the trainer runs in a spawned process: in the frozen program that process
    # starts here too, and freeze_support() turns it into the trainer at once
    multiprocessing.freeze_support()
    sys.exit(main())
