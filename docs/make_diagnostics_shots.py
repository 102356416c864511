"""Render the Diagnostics screenshots: a network whose ReLUs died, in the window.

    Xvfb :99 -screen 0 1440x900x24 &
    DISPLAY=:99 python docs/make_diagnostics_shots.py [OUT_DIR] [WxH]

A circle (the easiest dataset) with two hidden ReLU layers of 8, biases starting
at -0.5 and a learning rate of 1: after 60 epochs most units of both layers
never fire on any training point, and test accuracy is a coin toss.  Writes
OUT_DIR/dead-relu.png (the graph's marks, a hover read-out over a dead unit and
the doctor's bar) and OUT_DIR/diagnostics-dock.png (the window with the
Diagnostics tab chosen: the weighted sums into hidden layer 2, all below 0).
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

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import Config
from playground.core.diagnostics_types import QUANTITIES

CONFIG = Config(
    dataset="circle",
    features=("x1", "x2", "x1sq", "x2sq"),
    hidden=(8, 8),
    activation="relu",
    bias_value=-0.5,
    lr=1.0,
    init_seed=1,
)
EPOCHS = 60


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def train_until(window: MainWindow, epochs: int, seconds: float = 120) -> None:
    """Play until the window shows `epochs` and training has stopped there."""
    window.session.set_stop_at(epochs)
    window.session.play()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pump(100)
        snap = window.experiment.snapshot
        if snap is not None and snap.epoch >= epochs and not window.session.is_running:
            break
    pump(800)  # the last pictures drawn


def shoot(window: MainWindow, path: Path) -> None:
    """The window as the screen shows it (frame and all), or as drawn offscreen."""
    screen = window.screen()
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        window.grab().save(str(path))
        return
    frame = window.frameGeometry()
    shot = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    shot.save(str(path))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1440x900").split("x"))
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(CONFIG, settings=settings)
        window.files.ask_discard = lambda: "discard"
        window.resize(width, height)
        window.move(0, 0)
        window.show()
        window.session.set_stop_at(EPOCHS)
        window.session.play()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pump(50)
            snap = window.experiment.snapshot
            if snap is not None and snap.epoch >= EPOCHS and not window.session.is_running:
                break
        pump(800)  # the last diagnostics and pictures drawn
        snap = window.experiment.snapshot
        diag = snap.diagnostics
        dead = [int(u) for u in diag.layers[0].units.dead.nonzero()[0]] if diag else []
        view = window.network_view
        if dead:  # a read-out over a dead unit, as a pointer resting on it shows
            view._hover_at(view._tiles[1].pos() + _node_centre(view, 1, dead[0]))
        pump(300)
        shoot(window, out / "dead-relu.png")
        view._hover_at(None)

        window.diagnostics_dock.raise_()
        pump(500)  # drawn once it is in sight: the layers are named then
        dock = window.diagnostics_view
        dock.layer.setCurrentIndex(1)
        dock.quantity.setCurrentIndex(QUANTITIES.index("pre_activations"))
        pump(800)
        shoot(window, out / "diagnostics-dock.png")
        print(f"epoch {snap.epoch}, test accuracy {snap.metrics.test_accuracy:.2f}, "
              f"findings: {[f.message for f in snap.findings]}")  # fmt: skip
        window.close()
    app.processEvents()
    return 0


def _node_centre(view, column: int, unit: int):
    """A node's centre relative to its column's tiles."""
    from PySide6.QtCore import QPointF

    col = view._layout.columns[column]
    return QPointF(col.size / 2, unit * col.step + col.size / 2)


if __name__ == "__main__":
    sys.exit(main())
