"""Render docs/own-data.png: two moons imported from a CSV with word labels.

    Xvfb :99 -screen 0 1280x720x24 &
    DISPLAY=:99 python docs/make_own_data_shot.py [OUT_DIR] [WxH]

Writes a CSV of two interleaved half-moons labelled "upper moon" and "lower
moon" off the centre, imports it as File > Import Data does, trains a 8-8 tanh
network for 300 epochs and takes the window (settings in a temporary folder).
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
from PySide6.QtCore import QSettings

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import Config

EPOCHS = 300


def write_moons(path: Path, n: int = 400, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = x * 3 + rng.normal(0, 0.1, (n, 2))
    with open(path, "w", encoding="utf-8") as f:
        f.write("x1,x2,label\n")
        for (a, b), up in zip(x, upper, strict=True):
            f.write(f"{float(a)!r},{float(b)!r},{'upper moon' if up else 'lower moon'}\n")


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1280x720").split("x"))
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "moons.csv"
        write_moons(csv)
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Config(hidden=(8, 8), lr=0.1), settings=settings)
        window.files.ask_discard = lambda: "discard"
        window.resize(width, height)
        window.move(0, 0)
        window.show()
        pump(500)
        assert window.files.data.import_from(csv)
        train_until(window, EPOCHS)
        shoot(window, out / "own-data.png")
        snap = window.experiment.snapshot
        print(f"epoch {snap.epoch}, test accuracy {snap.metrics.test_accuracy:.3f}")
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
