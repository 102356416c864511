"""Render the big-network screenshots: 16 hidden layers of 64, zoomed out and in.

    Xvfb :99 -screen 0 1280x720x24 &
    DISPLAY=:99 python docs/make_big_network_shots.py [OUT_DIR] [WxH]

The largest network the window allows, on the spiral with all nine features,
trained for a few epochs.  Writes OUT_DIR/big-network.png (the whole network:
each dense pair of layers as its weight matrix, each neuron a cell of its mean
output with its bias beside it) and OUT_DIR/big-network-zoomed.png (zoomed in
about the middle layers, as the wheel does: their edges and pictures, with a
hover read-out on an edge).  In a real X11 window when there is a display
(else offscreen); settings in a temporary folder (yours are untouched).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QPointF, QSettings

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import FEATURES, Config

sys.path.insert(0, str(Path(__file__).parent))
from make_diagnostics_shots import pump, shoot, train_until

CONFIG = Config(
    dataset="spiral", features=FEATURES, hidden=(64,) * 16, activation="tanh", init_seed=2
)
EPOCHS = 6


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
        pump(1500)
        train_until(window, EPOCHS)
        shoot(window, out / "big-network.png")
        view = window.network_view
        lay = view._layout
        middle = lay.columns[8]
        view.zoom_at(QPointF(middle.centre_x, (lay.view_top + lay.view_bottom) / 2), 7.0)
        pump(800)
        lay = view._layout
        widths = view._edges.widths
        # hover the strongest edge whose middle is in sight, as a person would
        for e in np.argsort(-widths)[:200]:
            x = (lay.edge_x0[e] + lay.edge_x1[e]) / 2
            y = (lay.edge_y0[e] + lay.edge_y1[e]) / 2
            if 40 < x < lay.width - 200 and lay.view_top + 20 < y < lay.view_bottom - 120:
                view._hover_at(QPointF(x, y))
                break
        pump(500)
        shoot(window, out / "big-network-zoomed.png")
        window.close()
    app.processEvents()
    print(f"wrote {out / 'big-network.png'} and {out / 'big-network-zoomed.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
