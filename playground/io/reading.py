"""Opening a file to read, safely: only a regular file, never blocking, never unbounded.

Every reader of the app opens what a person names through here.  A named pipe
would block `open()` forever and a device (/dev/zero) never ends, so the file
is opened without blocking, checked to be a regular file, and its size is
checked against the reader's limit before a byte is read; reading then stops
at the limit even if the file grows meanwhile.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

# O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting
# (POSIX; Windows has no FIFOs of this kind and no flag, so 0 there)
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS |= getattr(os, "O_BINARY", 0)


class UnreadableFile(ValueError):
    """Why a file cannot be read, as a sentence without the file's name (callers add it)."""


def open_regular(path: str | os.PathLike[str], limit: int) -> BinaryIO:
    """`path` opened for binary reading, if it is a regular file of at most `limit` bytes.

    Raises UnreadableFile (not regular, too large) or OSError (missing, no
    permission).  The caller closes the file.
    """
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"is not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise UnreadableFile(f"is {info.st_size:,} bytes, over the {limit:,}-byte limit")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole of a regular file of at most `limit` bytes (see open_regular)."""
    with open_regular(path, limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew after the size was checked
        raise UnreadableFile(f"is over the {limit:,}-byte limit")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
