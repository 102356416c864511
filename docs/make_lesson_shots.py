"""Render docs/lessons/*.png: every shipped lesson in the window, part way through.

    Xvfb :99 -screen 0 1280x720x24 &
    DISPLAY=:99 python docs/make_lesson_shots.py [OUT_DIR] [WxH]

Each lesson is opened as from the Lessons menu, its first step's action is
taken (as tests/test_lessons.py takes it), and the network trains until the
first step ticks or 300 epochs pass; then the window is taken.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from make_diagnostics_shots import pump, shoot, train_until  # same folder
from PySide6.QtCore import QSettings

from playground.app import make_application
from playground.app.main_window import MainWindow
from playground.core.config import Config
from playground.io.lesson_file import read_lesson

LESSONS = Path(__file__).resolve().parent.parent / "resources" / "lessons"
FIRST_ACTIONS = {"06-dead-relu": {"lr": 1.0}}  # what a person does before step 1 ticks
EPOCHS = {"03-one-neuron": 60, "05-symmetry": 60, "08-debugging": 120}


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "lessons")
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1280x720").split("x"))
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted(LESSONS.glob("*.lesson")):
            settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
            window = MainWindow(Config(), settings=settings)
            window.files.ask_discard = lambda: "discard"
            window.resize(width, height)
            window.move(0, 0)
            window.show()
            pump(400)
            window.lessons.start(read_lesson(path))
            if path.stem in FIRST_ACTIONS:
                window.experiment.propose(FIRST_ACTIONS[path.stem])
            train_until(window, EPOCHS.get(path.stem, 300))
            shoot(window, out / f"{path.stem}.png")
            view = window.lessons_view
            print(f"{path.stem}: epoch {window.experiment.snapshot.epoch}, "
                  f"steps done {view.done}")  # fmt: skip
            window.close()
            app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
