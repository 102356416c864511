"""Atomic file writes: a failed or interrupted write leaves the old file intact.

The new content goes to a temporary file beside the target, then replaces it
(os.replace: a rename on one file system, atomic on POSIX and Windows).  A
process killed mid-write (kill -9, a crash, power loss) cannot remove its
temporary file, so the name says who wrote it:

    .NAME.np-tmp-HOST-PID-RANDOM

and every write removes the ones left in its folder whose writer is gone: a
process of this host that no longer runs, or any writer's file untouched for
STALE_AFTER seconds.  Another instance's write in progress (a running process,
or another host's recent file) is left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

TEMP_MARK = ".np-tmp-"
STALE_AFTER = 24 * 3600  # seconds; no write of this app takes a day
_TEMP_NAME = re.compile(
    r"\..*\.np-tmp-(?P<host>[A-Za-z0-9_.]+)-(?P<pid>[1-9][0-9]*)-[a-z0-9_]+", re.DOTALL
)
_MAX_NAME_BYTES = 100  # of the target's name in a temporary name: 255 is the usual maximum


def _host_tag(name: str) -> str:
    """This host's name as a temporary name holds it: no "-", at most 32 characters."""
    return re.sub(r"[^A-Za-z0-9.]", "_", name)[:32] or "host"


HOST = _host_tag(socket.gethostname())


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", **kwargs) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; on success it replaces `path`.

    An OSError of the temporary file's making (no folder, no permission, the
    target a folder) names `path`, not the temporary file.
    """
    target = Path(path)
    folder = target.parent
    remove_stale_temporaries(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(target.name), dir=folder)
    except OSError as exc:
        raise _naming(exc, target) from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        # have (or the replaced file's), so an exported model stays readable by others
        with contextlib.suppress(OSError, AttributeError):
            os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _naming(exc, target) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def temporary_prefix(name: str, pid: int | None = None, host: str = HOST) -> str:
    """The start of a temporary name for the target `name` (mkstemp adds RANDOM)."""
    if len(os.fsencode(name)) > _MAX_NAME_BYTES:
        name = name[: _MAX_NAME_BYTES // 4]  # at most 4 bytes a character
    return f".{name}{TEMP_MARK}{host}-{os.getpid() if pid is None else pid}-"


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[str]:
    """Remove this app's temporary files in `folder` whose writer is gone; their names."""
    removed = []
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(os.fspath(folder) or ".") as entries:
        for entry in entries:
            found = _TEMP_NAME.fullmatch(entry.name) if TEMP_MARK in entry.name else None
            if found is None:
                continue
            with contextlib.suppress(OSError):
                if not entry.is_file(follow_symlinks=False):
                    continue
                age = now - entry.stat(follow_symlinks=False).st_mtime
                gone = found["host"] == HOST and not _running(int(found["pid"]))
                if gone or age > STALE_AFTER:
                    os.unlink(entry.path)
                    removed.append(entry.name)
    return removed


def _running(pid: int) -> bool:
    """Whether process `pid` of this host exists (a process of another user counts)."""
    if os.name == "nt":  # os.kill would end it there: only a file's age counts
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OverflowError:  # no such pid can exist
        return False
    except OSError:  # PermissionError: it exists, as another user's
        return True
    return True


def _naming(exc: OSError, target: Path) -> OSError:
    """The same error (same errno, so the same OSError subclass), about `target`."""
    return OSError(exc.errno, exc.strerror or str(exc), os.fspath(target))


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
