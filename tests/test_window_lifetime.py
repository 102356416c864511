"""A closed window is freed: nothing (a lambda, a closure, a thread) keeps it alive."""

import gc
import os

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication

from playground.app.main_window import MainWindow
from playground.bridge.session import TrainingSession
from playground.core import Config
from playground.core.trainer import Trainer

CYCLES = 5


def _live(cls) -> int:
    # type(), not isinstance(): some objects (torch's deprecated aliases) warn when
    # asked for __class__, and warnings are errors here
    return sum(issubclass(type(o), cls) for o in gc.get_objects())


def _settle() -> None:
    """Deletions Qt has queued (windows closed by earlier tests), then Python's."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()


def test_closed_windows_their_sessions_and_trainers_are_freed(qtbot, tmp_path):
    _settle()
    before = {cls: _live(cls) for cls in (MainWindow, TrainingSession, Trainer)}
    for i in range(CYCLES):
        settings = QSettings(os.fspath(tmp_path / f"s{i}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Config(hidden=(4, 4)), settings=settings)
        window.files.ask_discard = lambda: "discard"
        window.show()
        window.session.play()
        qtbot.waitUntil(
            lambda w=window: w.experiment.snapshot is not None and w.experiment.snapshot.epoch > 2,
            timeout=8000,
        )
        window.close()
        del window
    _settle()
    after = {cls: _live(cls) for cls in before}
    assert after == before, f"still alive after closing {CYCLES} windows: {after} (before {before})"
