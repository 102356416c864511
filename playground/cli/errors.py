"""How the command line ends: its name in messages, the one error a person can
cause, and the exit statuses."""

from __future__ import annotations

PROG = "neural-playground"
EXIT_DIVERGED = 1  # trained, but the loss blew up (the results are still written)
EXIT_USAGE = 2  # a bad flag or input file
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report it
EXIT_BROKEN_PIPE = 141  # output to a closed pipe: 128 + SIGPIPE, as shells report it


class UsageError(Exception):
    """A mistake in the command line or an input file: one line, exit status 2."""
