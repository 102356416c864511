"""Render docs/painting.png: points painted by hand, in two classes, and learnt.

    Xvfb :99 -screen 0 1280x720x24 &
    DISPLAY=:99 python docs/make_painting_shot.py [OUT_DIR] [WxH]

Opens the window, turns Paint on, clears the points and paints two classes as a
person would (mouse drags over the output: a ring of one class around a blob of
the other, and an arc), trains 300 epochs and takes the window.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from make_diagnostics_shots import (  # same folder: the X11-or-offscreen helpers
    pump,
    shoot,
    train_until,
)
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import Config

EPOCHS = 300


def drag(window: MainWindow, points: np.ndarray) -> None:
    view = window.output.output_view
    viewport = view.canvas.viewport()

    def at(p) -> QPoint:
        x, y = view.to_pixel(float(p[0]), float(p[1]))
        return QPoint(round(x), round(y))

    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at(points[0]))
    for p in points[1:]:
        QTest.mouseMove(viewport, at(p))
        pump(5)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at(points[-1]))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1280x720").split("x"))
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(
            Config(features=("x1", "x2", "x1sq", "x2sq"), hidden=(6,), lr=0.1), settings=settings
        )
        window.files.ask_discard = lambda: "discard"
        window.resize(width, height)
        window.move(0, 0)
        window.show()
        pump(600)
        bar = window.paint_bar
        bar.toggle.setChecked(True)
        bar.clear.click()
        t = np.linspace(0, 2 * np.pi, 90)
        bar.swatches[0].click()
        for r in (4.2, 4.8):  # a ring of the first class, two strokes
            drag(window, np.c_[r * np.cos(t), r * np.sin(t)])
        bar.swatches[1].click()
        for r in (0.8, 1.6, 2.2):  # a blob of the second
            drag(window, np.c_[r * np.cos(t[::3]), r * np.sin(t[::3])])
        pump(500)
        train_until(window, EPOCHS)
        shoot(window, out / "painting.png")
        snap = window.experiment.snapshot
        n = len(snap.dataset.x_train) + len(snap.dataset.x_test)
        print(f"{n} painted points, epoch {snap.epoch}, test accuracy {snap.metrics.test_accuracy}")
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
