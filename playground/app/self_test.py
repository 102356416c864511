"""`neural-playground --self-test OUT.png`: prove a build can open its window.

Opens the main window (with throwaway settings, so a person's own are never
touched), trains until a few epochs have passed, saves a screenshot and exits
0; anything missing (a Qt plugin, a module a frozen build left out) fails
with a message and exit status 1.  The installer's CI runs this.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

EPOCHS = 20
TIMEOUT_S = 60.0


def run_self_test(out: str) -> int:
    try:
        from PySide6.QtCore import QSettings

        from ..bridge.session import backend
        from ..core.config import Config
        from .application import make_application
        from .main_window import MainWindow

        app = make_application()  # as the real start, icon included
        if app.windowIcon().isNull():
            raise RuntimeError("the app icon is missing from this build")
        with tempfile.TemporaryDirectory() as folder:
            settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)
            window = MainWindow(Config(dataset="spiral", hidden=(8, 8)), settings=settings)
            window.files.ask_discard = lambda: "discard"
            try:
                epoch = _train_and_shoot(app, window, out)
                where = window.session.where
                if where != backend():  # a build whose child process cannot start
                    raise RuntimeError(f"the trainer ran in a {where}, not in a {backend()}")
            finally:
                window.close()  # always: the trainer thread must end before Python does
    except Exception as exc:  # a broken build: say what, never a traceback
        print(f"neural-playground: self-test failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"neural-playground: self-test passed ({epoch} epochs, the trainer in a {where}, "
        f"screenshot {out})"
    )
    return 0


def _train_and_shoot(app, window, out: str) -> int:
    """Show the window, train until it has drawn a few epochs, save its picture."""
    window.show()
    window.session.play()
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        app.processEvents()
        snap = window.experiment.snapshot
        if snap is not None and snap.epoch >= EPOCHS and snap.grids is not None:
            break
        time.sleep(0.005)
    else:
        raise RuntimeError(f"the window did not train {EPOCHS} epochs in {TIMEOUT_S:.0f} s")
    window.session.pause()
    app.processEvents()
    if not window.grab().save(out):
        raise RuntimeError(f"cannot write the screenshot {out}")
    return window.experiment.snapshot.epoch
