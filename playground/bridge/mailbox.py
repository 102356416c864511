"""A latest-value slot between two threads: the worker puts, the GUI takes.

Only the newest value matters (a picture of the training now), so `put`
overwrites instead of queueing: a slow reader skips pictures, it never falls
behind.  (publisher.py decides when the worker puts one.)  No Qt here, so all
of it can be tested without an event loop.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any


class Mailbox:
    """Thread-safe holder of the newest value.

    `merge(pending, new)`, if given, runs (under the lock) when `put` would
    overwrite a value nobody has taken yet, and returns what to store instead.
    """

    def __init__(self, merge: Callable[[Any, Any], Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._value: Any = None
        self._fresh = False  # True while the stored value has not been taken
        self._merge = merge

    def put(self, value: Any) -> None:
        """Store value as the newest, replacing whatever was there."""
        with self._lock:
            if self._fresh and self._merge is not None:
                value = self._merge(self._value, value)
            self._value = value
            self._fresh = True

    def take(self) -> Any:
        """The newest value not yet taken, or None (then None until the next put)."""
        with self._lock:
            if not self._fresh:
                return None
            self._fresh = False
            return self._value

    def waiting(self) -> bool:
        """True while the newest value has not been taken."""
        return self._fresh  # one bool read: no lock needed


def keep_fresh_grids(pending, new):
    """Merge for a mailbox of Snapshots: a picture nobody has seen stays "fresh".

    A snapshot without new grids carries the last ones, marked not fresh.  If
    the one it overwrites brought those very grids and was never taken, the
    reader has not drawn them yet: the newer snapshot must say they are fresh.
    """
    if pending.fresh_grids and not new.fresh_grids and new.grids is pending.grids:
        return dataclasses.replace(new, fresh_grids=True)
    return new
