"""PyInstaller's entry script: the frozen program is `neural-playground`.

playground/__main__.py uses a relative import, which a top-level script
cannot, so the frozen build starts here instead.
"""

import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
