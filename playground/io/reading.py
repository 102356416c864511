"""Opening a file to read, safely: only a regular file, never blocking, never unbounded.

Every reader of the app opens what a person names through here.  A named pipe
would block `open()` forever and a device (/dev/zero) never ends, so the file
is opened without blocking, checked to be a regular file, and its size is
checked against the reader's limit before a byte is read; reading then stops
at the limit even if the file grows meanwhile (a read past it is refused).

`printable_path` names a file in a message: one line whatever the name holds.
"""

from __future__ import annotations

import io
import os
import stat
from typing import BinaryIO

# O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting
# (POSIX; Windows has no FIFOs of this kind and no flag, so 0 there)
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS |= getattr(os, "O_BINARY", 0)


class UnreadableFile(ValueError):
    """Why a file cannot be read, as a sentence without the file's name (callers add it)."""


class FileTooLarge(UnreadableFile):
    """A regular file over the reader's limit (`size` and `limit` in bytes), for its own message."""

    def __init__(self, message: str, size: int, limit: int) -> None:
        super().__init__(message)
        self.size, self.limit = size, limit


def open_regular(path: str | os.PathLike[str], limit: int) -> BinaryIO:
    """`path` opened for binary reading, if it is a regular file of at most `limit` bytes.

    Raises UnreadableFile (not regular, too large) or OSError (missing, no
    permission).  The caller closes the file.  The file reads as if it ended
    at `limit`; a read beyond that raises FileTooLarge (it grew meanwhile).
    """
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"is not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise FileTooLarge(
                f"is {info.st_size:,} bytes, over the {limit:,}-byte limit", info.st_size, limit
            )
        return io.BufferedReader(_Bounded(fd, limit, os.fspath(path)))
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole of a regular file of at most `limit` bytes (see open_regular)."""
    with open_regular(path, limit) as handle:
        return handle.read()


def printable_path(path: str | bytes | os.PathLike) -> str:
    """`path` for a message: as it is, or quoted with escapes (repr) when it holds a
    newline, a control character or anything else a terminal would not show as itself."""
    text = os.fsdecode(path)
    return text if text.isprintable() else repr(text)


class _Bounded(io.RawIOBase):
    """A file descriptor read as if the file ended at `limit`; data beyond it is an error."""

    def __init__(self, fd: int, limit: int, name: str) -> None:
        super().__init__()
        self._fd, self._limit = fd, limit
        self.name = name

    def fileno(self) -> int:
        return self._fd

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return os.lseek(self._fd, offset, whence)

    def tell(self) -> int:
        return os.lseek(self._fd, 0, os.SEEK_CUR)

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        room = self._limit - self.tell()
        if room <= 0:  # at the limit: the file has ended, unless it grew past the limit
            if view.nbytes and os.read(self._fd, 1):
                size = os.fstat(self._fd).st_size
                raise FileTooLarge(f"is over the {self._limit:,}-byte limit", size, self._limit)
            return 0
        data = os.read(self._fd, min(view.nbytes, room))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                os.close(self._fd)
            finally:
                super().close()


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
