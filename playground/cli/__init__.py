"""The command line (`neural-playground`): the window with no arguments, headless
commands otherwise.  Qt is imported only to open the window or draw a picture."""

from .entry import build_parser, config_from_args, main

__all__ = ["build_parser", "config_from_args", "main"]
