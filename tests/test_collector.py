"""Garbage is collected in the GUI thread only while a window lives (app/collector.py)."""

from __future__ import annotations

import gc
import threading


def test_a_window_moves_collection_to_the_gui_thread_and_gives_it_back(
    qtbot, tmp_path, close_later
):
    from PySide6.QtCore import QSettings

    from playground.app import collector
    from playground.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(None, settings=settings)
    close_later(win)
    win.show()
    assert not gc.isenabled()  # no collection in the trainer link's threads

    collected_in = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            collected_in.append(threading.current_thread().name)

    for _ in range(2000):  # past generation 0's threshold
        Cycle()
    qtbot.waitUntil(lambda: bool(collected_in), timeout=5000)
    assert set(collected_in) == {threading.main_thread().name}
    win.close()  # ours gone: Python collects again, unless another test's window lives on
    assert id(win) not in collector._holders
    assert gc.isenabled() == (not collector._holders)
