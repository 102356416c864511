"""The command line (`neural-playground`): the window with no arguments, headless
commands otherwise.  Qt is imported only to open the window or draw a picture.

    errors.py         the program's name, UsageError (exit status 2), exit statuses
    arguments.py      the parser, and the Config its flags describe
    train.py          train and render
    model_files.py    parameter and experiment files in and out (--init-from, --export)
    own_data.py       --data FILE.csv: a person's own points
    file_commands.py  predict and inspect
    diagnose.py       diagnose, and train --diagnose: the doctor's findings
    entry.py          main(): the window or a command
"""

from .arguments import build_parser, config_from_args
from .entry import main

__all__ = ["build_parser", "config_from_args", "main"]
