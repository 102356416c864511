"""Atomic file writes: a failed or interrupted write leaves the old file intact."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", **kwargs):
    """Open a temporary file beside `path`; on success it replaces `path`.

    The temporary file lives in the same folder, so the final os.replace is a
    rename on one file system, which is atomic on POSIX and Windows.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        # have (or the replaced file's), so an exported model stays readable by others
        with contextlib.suppress(OSError, AttributeError):
            os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
