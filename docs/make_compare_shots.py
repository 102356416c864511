"""Render the timeline and Compare Runs screenshots, in the window.

    Xvfb :99 -screen 0 1280x720x24 &
    DISPLAY=:99 python docs/make_compare_shots.py [OUT_DIR] [WxH]

XOR through three tanh layers of 8, trained twice for 300 epochs: once from
weights drawn with sigma 0.01 (signals fade layer by layer, so it hardly
learns), once from Xavier's normal initialization.  Each run is pinned; the
screenshots are OUT_DIR/timeline.png (the second run scrubbed back to an early
checkpoint, the first pin's curve faint in the loss plot) and
OUT_DIR/compare-runs.png (the screen with Compare Runs open over the window).
In a real X11 window when there is a display (else offscreen); settings in a
temporary folder (yours are untouched).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtGui import QGuiApplication

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import Config

CONFIG = Config(dataset="xor", hidden=(8, 8, 8), init="normal", init_scale=0.01, init_seed=2)
EPOCHS = 300


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def train_until(window: MainWindow, epochs: int, seconds: float = 120) -> None:
    window.session.set_stop_at(epochs)
    window.set_playing(True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pump(100)
        snap = window.experiment.snapshot
        if snap is not None and snap.epoch >= epochs and not window.session.is_running:
            break
    window.session.set_stop_at(0)
    pump(800)


def shoot_screen(path: Path, window: MainWindow) -> None:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        window.grab().save(str(path))
        return
    QGuiApplication.primaryScreen().grabWindow(0).save(str(path))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1280x720").split("x"))
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(CONFIG, settings=settings)
        window.files.ask_discard = lambda: "discard"
        window.resize(width, height)
        window.move(0, 0)
        window.show()
        pump(500)
        train_until(window, EPOCHS)
        window.timeline.pin()
        window.experiment.propose({"init": "xavier_normal"})
        pump(500)
        train_until(window, EPOCHS)
        window.timeline.pin()
        window.timeline.refresh()
        epochs = window.experiment.records.timeline.epochs
        bar = window.output.timeline_bar
        bar.slider.setValue(epochs.index(min(epochs, key=lambda e: abs(e - 40))))
        pump(1200)
        shoot_screen(out / "timeline.png", window)
        bar.now_button.click()
        pump(500)
        compare = window.runs.show_compare()
        compare.resize(min(900, width - 80), min(560, height - 60))
        compare.move(40, 40)
        pump(1000)
        shoot_screen(out / "compare-runs.png", window)
        pins = window.experiment.records.pins
        print([(p.name, p.config.init, round(p.metrics.test_loss, 4)) for p in pins])
        compare.close()
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
