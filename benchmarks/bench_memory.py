"""Memory over many open / train / close cycles of the window, in one process.

    python benchmarks/bench_memory.py [--cycles 200] [--train-ms 150]

Prints the resident memory (RSS) after the first cycle and every 20th, and the
growth from the first to the last.  A closed window must be freed, so the
growth stays small (issue target: within 50 MB over 200 cycles).  Offscreen;
settings in a temporary folder.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core import Config


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; else the peak from resource)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def cycle(settings: QSettings, train_ms: int) -> None:
    window = MainWindow(Config(dataset="spiral", hidden=(8, 8)), settings=settings)
    window.files.ask_discard = lambda: "discard"  # nothing to save here
    window.show()
    window.session.play()
    pump(train_ms)
    window.close()
    del window
    QApplication.sendPostedEvents(None, 0)
    gc.collect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--train-ms", type=int, default=150, help="training per cycle")
    args = parser.parse_args()
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        readings = []
        for i in range(1, args.cycles + 1):
            cycle(settings, args.train_ms)
            if i == 1 or i % 20 == 0:
                readings.append((i, rss_mb()))
                print(f"after cycle {i:4d}: {readings[-1][1]:7.1f} MB", flush=True)
    app.processEvents()
    first, last = readings[0][1], readings[-1][1]
    print(f"growth from cycle 1 to {readings[-1][0]}: {last - first:+.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
