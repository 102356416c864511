"""Lessons in the window (issue 13): the Lessons menu lists the shipped ones;
opening one asks about unsaved work, applies its preset, shows its text and
steps, lights up where to look, and ticks a step when its goal is met."""

from pathlib import Path

import pytest
from test_file_menu import _shows

from playground import Config

LESSONS = Path(__file__).resolve().parent.parent / "resources" / "lessons"


@pytest.fixture
def window(open_window):
    return open_window(Config())


def test_the_lessons_menu_lists_every_shipped_lesson(window):
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Lessons"]
    titles = [a.text() for a in menu.actions() if a.text()]
    assert len(titles) >= 9 and titles[0].startswith("1. ") and titles[-1] == "Open Lesson File…"


def test_a_lesson_opens_and_its_first_step_ticks(qtbot, window):
    asked = []
    window.files.ask_discard = lambda: asked.append(True) or "discard"
    window.experiment.propose({"hidden": (2,)})  # unsaved work to be asked about
    window.step()
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.epoch >= 1), timeout=8000)
    assert window.lessons.open_requested(LESSONS / "01-weights.lesson")
    assert asked  # asked first
    view = window.lessons_view
    assert window.lessons_dock.isVisible() and view.title.text().startswith("1. A weight")
    assert window.experiment.config.hidden == () and len(view.steps) == 2
    assert window.run_controls.styleSheet()  # step 1 points at the Run bar
    assert "☐" in view.steps[0].text() and view.current == 0
    window.set_playing(True)
    qtbot.waitUntil(lambda: view.current == 1, timeout=20000)  # 95 % reached: ticked
    window.set_playing(False)
    assert "☑" in view.steps[0].text()
    assert not window.run_controls.styleSheet() and window.network_view.styleSheet()


def test_file_open_takes_a_lesson_and_a_bad_one_changes_nothing(qtbot, window, tmp_path):
    assert window.files.open_path(LESSONS / "05-symmetry.lesson")
    assert window.experiment.config.init == "zeros"
    before = window.experiment.config
    bad = tmp_path / "bad.lesson"
    bad.write_text('{"format": "neural-playground-lesson", "format_version": 1}')
    assert not window.files.open_path(bad)
    assert window.told and "\n" not in window.told[-1] and "bad.lesson" in window.told[-1]
    assert window.experiment.config == before
    assert window.lessons_view.title.text().startswith("5. ")  # the lesson in hand stays


def test_a_lesson_leaves_paint_mode_and_lights_each_place_once(qtbot, window, monkeypatch):
    window.paint_bar.toggle.setChecked(True)
    assert window.lessons.open_path(LESSONS / "02-biases.lesson")
    assert not window.output.output_view.painting
    calls = []
    real = window.run_controls.setStyleSheet
    monkeypatch.setattr(window.run_controls, "setStyleSheet", lambda s: calls.append(s) or real(s))
    window.step()
    window.step()
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.epoch >= 2), timeout=8000)
    assert calls == []  # lit once when the step began, not again on every picture
