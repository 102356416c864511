"""Lessons in the window: the Lessons menu (the lessons the app ships, and any
.lesson file), opening one (after asking about unsaved work), and lighting up
the place the step in hand is about.

A lesson's preset starts a fresh, untitled experiment; the docks it names are
shown; its steps tick in the Lessons dock (app/lessons_dock.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from ..assets import resource_path
from ..core.lessons import Lesson
from ..io.lesson_file import SUFFIX, LessonFileError, read_lesson
from ..io.reading import printable_path
from . import file_dialogs
from .experiment import Experiment
from .lessons_dock import LessonsDock

LESSON_FILTER = f"Lessons (*{SUFFIX})"
LIT = "QDockWidget::title { background: #fde293; }"  # the dock a step points at
LIT_WIDGET = "#{} {{ border: 2px solid #f9ab00; border-radius: 4px; }}"  # that widget only


def shipped_lessons() -> list[tuple[Path, str]]:
    """(path, title) of every lesson in resources/lessons, in file-name order."""
    folder = Path(resource_path("lessons"))
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            found.append((path, read_lesson(path).title))
        except LessonFileError:
            continue  # a shipped lesson is tested; a broken one is left out, not fatal
    return found


class LessonActions(QObject):
    said = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        experiment: Experiment,
        dock: QDockWidget,
        view: LessonsDock,
        confirm_discard: Callable[[], bool],
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window, self.experiment = window, experiment
        self.dock, self.view = dock, view
        self.confirm_discard = confirm_discard
        self.tell = tell
        self.ask_open: Callable[[], str] = self._dialog_open
        self._lit: tuple[QWidget, str] | None = None  # lit up, and its own style sheet
        self._lit_place = ""
        view.look_at.connect(self.light)

    def _dialog_open(self) -> str:
        return file_dialogs.open_name(self.window, "Open lesson", LESSON_FILTER)

    def fill_menu(self, menu: QMenu) -> None:
        for path, title in shipped_lessons():
            action = menu.addAction(title)
            action.setData(str(path))
        menu.addSeparator()
        menu.addAction("Open Lesson File…").setData("")
        menu.triggered.connect(self._chosen)

    def _chosen(self, action: QAction) -> None:
        path = action.data()
        if path:
            self.open_requested(Path(path))
        else:
            self.open_dialog()

    def open_dialog(self) -> bool:
        name = self.ask_open()
        return bool(name) and self.open_requested(Path(name))

    def open_requested(self, path: Path) -> bool:
        """Open a lesson once unsaved work is dealt with."""
        return self.confirm_discard() and self.open_path(path)

    def open_path(self, path: Path) -> bool:
        """Read the lesson and start it (one sentence and nothing changed if it is bad)."""
        try:
            lesson = read_lesson(path)
        except LessonFileError as exc:
            self.tell(str(exc))
            return False
        return self.start(lesson, printable_path(path))

    def start(self, lesson: Lesson, source: str = "") -> bool:
        paint = getattr(self.window, "paint_bar", None)
        if paint is not None:
            paint.toggle.setChecked(False)  # a click on the output must not paint over the lesson
        refused = self.experiment.new(lesson.preset)
        if refused is not None:
            self.tell(f"{source}: {refused}" if source else refused)
            return False
        for dock in self.window.findChildren(QDockWidget):
            if dock.windowTitle().lower() in lesson.panels:
                dock.show()
                dock.raise_()
        self.view.show_lesson(lesson)
        self.dock.show()
        self.dock.raise_()
        self.said.emit(f"Lesson: {lesson.title}")
        return True

    # --- where to look ------------------------------------------------------------------

    def light(self, place: str) -> None:
        """Light up the place a step is about ("" for none), the last one put out."""
        if place == self._lit_place:
            return  # already lit: restyling a dock every frame re-polishes its children
        self._lit_place = place
        if self._lit is not None:
            widget, own = self._lit
            widget.setStyleSheet(own)  # its own style back (the doctor's amber, say)
            self._lit = None
        target = self._place(place)
        if target is None:
            return
        own = target.styleSheet()
        self._lit = (target, own)
        if not target.objectName():
            target.setObjectName(place.replace(":", "-"))
        # by its name: a plain rule would frame every label and button inside it
        lit = LIT if isinstance(target, QDockWidget) else LIT_WIDGET.format(target.objectName())
        target.setStyleSheet(f"{own}\n{lit}")
        if isinstance(target, QDockWidget):
            target.show()
            target.raise_()

    def _place(self, place: str) -> QWidget | None:
        if place.startswith("panel:"):
            title = place.removeprefix("panel:")
            return next(
                (
                    d
                    for d in self.window.findChildren(QDockWidget)
                    if d.windowTitle().lower() == title
                ),
                None,
            )
        names = {"network": "network_view", "output": "output_dock", "loss": "output_dock",
                 "doctor": "banner", "run": "run_controls"}  # fmt: skip
        attr = names.get(place)
        return getattr(self.window, attr, None) if attr else None
