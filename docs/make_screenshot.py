"""Render the README's screenshot: the window after training a spiral.

    python docs/make_screenshot.py [OUT.png]

Offscreen, 1440 x 900, settings in a temporary folder (yours are untouched).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import Config

CONFIG = Config(
    dataset="spiral",
    noise=0.1,
    features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
    hidden=(8, 8, 6),
    lr=0.02,
    optimizer="adam",
)
EPOCHS = 300


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("screenshot.png"))
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(CONFIG, settings=settings)
        window.files.ask_discard = lambda: "discard"
        window.resize(1440, 900)
        window.show()
        window.session.set_stop_at(EPOCHS)
        window.session.play()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pump(50)
            snap = window.experiment.snapshot
            if snap is not None and snap.epoch >= EPOCHS and not window.session.is_running:
                break
        pump(300)  # the last pictures drawn
        window.grab().save(str(out))
        window.close()
    app.processEvents()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
