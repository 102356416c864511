import sys

from .cli import main

# (guarded: the trainer's process, spawned, imports this module again under another name)
if __name__ == "__main__":
    sys.exit(main())
