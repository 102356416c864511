"""The Lessons dock: a lesson's title, its few sentences, and its "try this"
steps, each ticked off live when its goal is met (core/lessons.py checks them
on every picture).  The step in hand names where to look; the window lights
that place up (`look_at`).

A step's goal may be about change since the step began (weight norm falling):
the picture at that moment is kept as the step's `since`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.lessons import Lesson, goal_met, goal_progress
from ..core.snapshot import Snapshot

DONE, TO_DO = "☑", "☐"
DONE_COLOR, NOW_COLOR, LATER_COLOR = "#188038", "#202124", "#80868b"


class LessonsDock(QWidget):
    look_at = Signal(str)  # the place the step in hand is about ("" for none)
    finished = Signal()  # every step done

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson: Lesson | None = None
        self.done: list[bool] = []
        self._since: Snapshot | None = None  # the picture when the step in hand began
        self._last: Snapshot | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.steps: list[QLabel] = []
        self._column = QVBoxLayout(self)
        self._column.addWidget(self.title)
        self._column.addWidget(self.text)
        self.hint = QLabel("Choose a lesson from the Lessons menu.")
        self.hint.setWordWrap(True)
        self._column.addWidget(self.hint)
        self._column.addStretch(1)

    # --- a lesson --------------------------------------------------------------------

    def show_lesson(self, lesson: Lesson | None) -> None:
        self.lesson = lesson
        for label in self.steps:
            label.deleteLater()
        self.steps = []
        self.done = []
        self._since = None
        self.hint.setVisible(lesson is None)
        if lesson is None:
            self.title.clear()
            self.text.clear()
            self.look_at.emit("")
            return
        self.title.setText(lesson.title)
        self.text.setText("".join(f"<p>{html.escape(t)}</p>" for t in lesson.text))
        for _ in lesson.steps:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            self._column.insertWidget(self._column.count() - 2, label)
            self.steps.append(label)
        self.done = [False] * len(lesson.steps)
        self._show_steps(None)

    @property
    def current(self) -> int | None:
        """The step in hand (the first not done), or None when all are."""
        return next((i for i, d in enumerate(self.done) if not d), None)

    def follow(self, snap: Snapshot) -> None:
        """A new picture: tick what it shows done (steps in order)."""
        self._last = snap
        if self.lesson is None:
            return
        ticked = False
        while (i := self.current) is not None:
            if self._since is None:
                self._since = snap
            if not goal_met(self.lesson.steps[i].goal, snap, self._since):
                break
            self.done[i], self._since, ticked = True, snap, True
        self._show_steps(snap)
        if ticked and self.current is None:
            self.finished.emit()

    def _show_steps(self, snap: Snapshot | None) -> None:
        assert self.lesson is not None
        now = self.current
        for i, (label, step) in enumerate(zip(self.steps, self.lesson.steps, strict=True)):
            if self.done[i]:
                mark, color, more = DONE, DONE_COLOR, ""
            else:
                mark = TO_DO
                color = NOW_COLOR if i == now else LATER_COLOR
                more = ""
                if i == now and snap is not None:
                    progress = goal_progress(step.goal, snap, self._since)
                    more = f'<br><span style="color:{LATER_COLOR}">{html.escape(progress)}</span>'
            weight = "bold" if i == now else "normal"
            label.setText(
                f'<span style="color:{color}; font-weight:{weight}">{mark} '
                f"{html.escape(step.text)}</span>{more}"
            )
        self.look_at.emit(self.lesson.steps[now].look_at if now is not None else "")
