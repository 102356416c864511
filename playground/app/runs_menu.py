"""The Runs menu: pin the run, compare the pins, try other seeds, go back to now.

Each window (Compare Runs, Try 5 Seeds) is made once and raised when asked
again; `shutdown()` ends the seeds' processes when the main window closes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from .compare_window import CompareWindow
from .experiment import Experiment
from .seeds_window import SeedsWindow
from .timeline import TimelineController


class RunsActions(QObject):
    said = Signal(str)

    def __init__(
        self, experiment: Experiment, timeline: TimelineController, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.experiment = experiment
        self.timeline = timeline
        self._parent = parent
        self.compare_window: CompareWindow | None = None
        self.seeds_window: SeedsWindow | None = None

    def fill_menu(self, menu: QMenu) -> None:
        """Slots are bound methods: a lambda held by Qt would keep the window alive."""
        for text, slot, keys, tip in (
            ("&Pin This Run", self.timeline.pin, "Ctrl+P",
             "Keep this run's loss curves and output to compare with others"),
            ("&Compare Pinned Runs…", self.show_compare, "Ctrl+K",
             "The pinned runs side by side: what differs and how each ended"),
            ("Try 5 &Seeds…", self.try_seeds, "Ctrl+5",
             "Train 5 copies from other initialization seeds, in parallel"),
            ("Back to &Now", self.experiment.leave_past, None,
             "Show the live run again after looking back through the history"),
        ):  # fmt: skip
            action = QAction(text, menu)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            menu.addAction(action)

    def show_compare(self) -> CompareWindow:
        if self.compare_window is None:
            self.compare_window = CompareWindow(
                self.experiment.records, self.timeline.pin, self._parent
            )
        self._raise(self.compare_window)
        return self.compare_window

    def try_seeds(self) -> SeedsWindow:
        if self.seeds_window is None:
            self.seeds_window = SeedsWindow(self.experiment, self._parent)
            self.seeds_window.said.connect(self.said)
        if not self.seeds_window.running:
            self.seeds_window.start()
        self._raise(self.seeds_window)
        return self.seeds_window

    def shutdown(self) -> None:
        """End the seeds' processes (the main window is closing)."""
        if self.seeds_window is not None:
            self.seeds_window.stop()

    @staticmethod
    def _raise(window: QWidget) -> None:
        window.show()
        window.raise_()
        window.activateWindow()
