"""Python's garbage collection in the GUI thread only, while a window lives.

The collector runs in whichever thread happens to allocate when its counts
cross their thresholds.  A Qt object's wrapper collected in the trainer link's
reader thread (which unpickles every snapshot and checkpoint) destroys its
QObject there, and that can deadlock with the GUI thread: seen here, the
reader's ~QObject waited for the interpreter lock while the GUI thread, holding
it, waited in another ~QObject for a mutex the reader held.  So while a window
is open, automatic collection is off and a timer collects in the GUI thread
instead, by the same thresholds (pyqtgraph's GarbageCollector does the same).
"""

from __future__ import annotations

import functools
import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500

_holders: set[int] = set()  # the windows alive, by id
_timer: QTimer | None = None


def hold(window: QObject) -> None:
    """`window` opened: collect in the GUI thread (call from it) until it is
    destroyed, however it goes (closed, or deleted without a close)."""
    global _timer
    key = id(window)
    window.destroyed.connect(functools.partial(release, key))
    _holders.add(key)
    if _timer is not None:
        return
    gc.disable()
    _timer = QTimer(QCoreApplication.instance())
    _timer.setInterval(INTERVAL_MS)
    _timer.timeout.connect(collect_due)
    _timer.start()


def release(key: int, *_destroyed) -> None:
    """The window `key` (its id) has gone: the last gives collection back to Python."""
    global _timer
    _holders.discard(key)
    if _holders or _timer is None:
        return
    _timer.stop()
    _timer.deleteLater()
    _timer = None
    gc.collect()
    gc.enable()


def collect_due() -> None:
    """Collect the generations whose counts passed their thresholds, as Python would."""
    thresholds = gc.get_threshold()
    for generation, count in enumerate(gc.get_count()):
        if count <= thresholds[generation]:
            break
        gc.collect(generation)
