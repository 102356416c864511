"""The window as a new user finds it: keys, seeds, New, remembered folders, hostile files."""

import dataclasses
import os

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QSlider, QWidget

from playground import Config
from playground.app.main_window import MainWindow


@pytest.fixture
def window(open_window):
    return open_window(Config())


def _shows(win, condition) -> bool:
    snap = win.experiment.snapshot
    return snap is not None and condition(snap)


def _override(widget, key, text="") -> bool:
    """Whether `widget` keeps `key` for itself (else a window shortcut gets it)."""
    event = QKeyEvent(QEvent.Type.ShortcutOverride, key, Qt.KeyboardModifier.NoModifier, text)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


# --- keys (issue 10 #21) ---------------------------------------------------------------


def test_space_in_a_number_field_goes_to_the_window(window):
    lr = window.optimizer_panel.widget("lr")
    fields = [lr, lr.lineEdit(), window.init_panel.widget("bias_value"),
              window.data_panel.control("data_seed").edit, window.run_controls.stop_at]  # fmt: skip
    for field in fields:
        assert not _override(field, Qt.Key.Key_Space, " "), field
        assert _override(field, Qt.Key.Key_5, "5"), field  # digits are still typed


def test_space_in_a_field_keeps_what_was_typed_before_playing(qtbot, window):
    points = window.data_panel.widget("points")
    points.setFocus()
    points.lineEdit().setText("600")  # typed, not yet committed
    assert not _override(points, Qt.Key.Key_Space, " ")
    assert window.experiment.config.points == 600


def test_escape_puts_the_shown_value_back_and_enter_keeps_the_typed_one(qtbot, window):
    lr = window.optimizer_panel.widget("lr")
    edit = lr.lineEdit()
    edit.setText("0.7")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == "0.03" and window.experiment.config.lr == 0.03
    edit.setText("0.1")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.experiment.config.lr == 0.1


def test_clicking_a_button_a_box_or_a_list_does_not_take_the_keyboard(window):
    for panel in (*window.panels, window.run_controls):
        for widget in panel.findChildren(QWidget):
            if not isinstance(widget, (QAbstractButton, QSlider, QComboBox)):
                continue
            if isinstance(widget, QComboBox) and widget.isEditable():
                continue  # one types into these
            assert widget.focusPolicy() == Qt.FocusPolicy.TabFocus, widget


# --- seeds show the seed in use (#14) ------------------------------------------------------


@pytest.mark.parametrize(
    "act, field, seed",
    [
        (lambda w: w.experiment.reset(), "init_seed", 1),
        (lambda w: w.init_panel.control("init_seed").button.click(), "init_seed", 1),
        (lambda w: w.run_controls.reset_clicked.emit(), "init_seed", 1),
        (lambda w: w.data_panel.control("data_seed").button.click(), "data_seed", 1),
    ],
    ids=["R", "re-initialize", "reset button", "regenerate"],
)
def test_the_seed_fields_show_the_seed_in_use(qtbot, window, act, field, seed):
    act(window)
    qtbot.waitUntil(lambda: _shows(window, lambda s: getattr(s.config, field) == seed))
    panel = window.init_panel if field == "init_seed" else window.data_panel
    assert panel.control(field).edit.text() == str(seed)


# --- New, Restore Default Layout (#22) -------------------------------------------------------


def test_new_starts_over_from_the_defaults_after_asking(qtbot, window, tmp_path):
    window.experiment.propose({"dataset": "xor", "hidden": (6, 6), "lr": 0.3})
    window.step()
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.epoch == 1 and s.config.hidden == (6, 6)))
    asked = []
    window.files.ask_discard = lambda: asked.append(True) or "cancel"
    assert not window.files.new() and window.experiment.config.dataset == "xor"
    window.files.ask_discard = lambda: asked.append(True) or "discard"
    assert window.files.new() and len(asked) == 2
    assert window.experiment.config == Config() and window.experiment.path is None
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config == Config() and s.epoch == 0))
    assert window.optimizer_panel.widget("lr").currentText() == "0.03"
    assert not window.experiment.is_dirty()


def test_restore_default_layout_brings_back_closed_docks(qtbot, window):
    from PySide6.QtWidgets import QDockWidget

    docks = window.findChildren(QDockWidget)
    for dock in docks:
        dock.close()
    window.output.show_test.setChecked(True)
    window.restore_default_layout()
    assert all(dock.isVisible() for dock in docks)
    assert not window.output.show_test.isChecked()


# --- remembered folders (#20) -----------------------------------------------------------------


def test_each_kind_of_file_remembers_its_folder(qtbot, window, tmp_path):
    experiments, pictures = tmp_path / "runs", tmp_path / "figures"
    experiments.mkdir()
    pictures.mkdir()
    assert window.files.save_to(experiments / "a.playground")
    assert window.files.export_image_to(pictures / "p.png", size=(600, 300))
    offered = []
    window.files.ask_save = lambda title, filt, suggested: offered.append(suggested) or ""
    window.files.export_image_dialog()
    window.files.export_parameters_dialog()
    assert os.path.dirname(offered[0]) == str(pictures)
    # parameters were never saved: the last folder of any kind
    assert os.path.dirname(offered[1]) == str(pictures)
    again = MainWindow(settings=window.settings)  # a new run, the same settings
    again.files.ask_discard = lambda: "discard"
    try:
        assert again.files.folders.folder("experiment") == experiments
        assert again.files.folders.folder("image") == pictures
    finally:
        again.close()


# --- hostile files in the window (#3, #4) ----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("suffix", [".playground", ".npz", ".json", ".safetensors", ".onnx"])
def test_a_named_pipe_is_refused_at_once(window, tmp_path, suffix):
    pipe = tmp_path / f"pipe{suffix}"
    os.mkfifo(pipe)
    config = window.experiment.config
    assert not window.files.open_path(pipe)  # returns: a blocking open would hang here
    assert len(window.told) == 1 and "pipe" in window.told[0] and "\n" not in window.told[0]
    assert window.experiment.config == config


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_link_to_an_endless_device_is_refused_at_once(window, tmp_path):
    link = tmp_path / "endless.playground"
    link.symlink_to("/dev/zero")
    assert not window.files.open_path(link)
    assert len(window.told) == 1 and "endless.playground" in window.told[0]


# --- help (#26) ---------------------------------------------------------------------------


def test_f1_opens_a_help_window_whose_links_reach_the_readme(qtbot, window):
    from PySide6.QtGui import QKeySequence

    from playground.app.help_window import HelpWindow, find_readme
    from playground.app.menus import HelpAction

    action = next(a for a in window.findChildren(HelpAction))
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    action.trigger()
    help_window = action.help_window
    assert isinstance(help_window, HelpWindow) and help_window.isVisible()
    text = help_window.guide.toPlainText()
    for words in ("Space", "play / pause", "Orange is negative", "bias", "thicker", "Diagnostics",
                  "dead", "saturated", "identical", "Not now"):  # fmt: skip
        assert words in text, words
    if find_readme() is not None:  # a checkout (and the installers) have it
        for heading in ("Quick start", "Command line", "From Python", "Install"):
            assert help_window.show_readme_section(heading), heading
            assert help_window.tabs.currentWidget() is help_window.readme
    action.trigger()  # asked again: the same window, not a second one
    assert action.help_window is help_window


def test_a_field_shown_a_new_value_is_repainted(qtbot, window):
    """set_config must not silence the fields' own repaint requests: offscreen the
    text was right while a real screen kept showing the old seed (#14)."""
    edit = window.init_panel.control("init_seed").edit
    painted = []

    class Paints(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    counter = Paints(edit)
    edit.installEventFilter(counter)
    qtbot.wait(50)
    painted.clear()
    window.experiment.reset()
    qtbot.waitUntil(lambda: edit.text() == "1")
    qtbot.waitUntil(lambda: bool(painted), timeout=2000)


def test_pictures_are_written_as_every_other_file(window, tmp_path):
    """Exported pictures go through the same atomic write: a stale temporary of a
    killed writer is cleaned, and nothing of the app's is left behind (#7)."""
    from playground.io.atomic import temporary_prefix

    folder = tmp_path / "pictures"
    folder.mkdir()
    stale = folder / (temporary_prefix("old.png", pid=2**22 + 12345) + "x1")
    stale.write_bytes(b"half a picture")
    assert window.files.export_image_to(folder / "figure.png", size=(500, 240))
    assert window.files.export_image_to(folder / "figure.svg", size=(500, 240))
    assert sorted(p.name for p in folder.iterdir()) == ["figure.png", "figure.svg"]


# --- small screens (#15) and the divergence banner (#18) --------------------------------------


def test_the_window_fits_a_projector_and_opens_whole_at_1024_by_768(window):
    from playground.core.diagnostics_types import Finding, Remedy

    long_words = "very long remedy name that goes on " * 3
    finding = Finding(
        "dead_units",
        "a finding with many words " * 20,
        remedies=tuple(Remedy(f"{i} {long_words}", {"lr": 0.1}) for i in range(4)),
    )
    snap = window.experiment.snapshot
    window.banner.follow(dataclasses.replace(snap, findings=(finding, finding, finding)))
    assert not window.banner.isHidden()  # the doctor's bar, at its widest
    needed = window.minimumSizeHint()
    # a 1280 x 720 projector and a 1024 x 768 screen, less a title bar and borders
    assert needed.width() <= 1024 - 8 and needed.height() <= 720 - 36, needed
    window.resize(1024 - 8, 720 - 36)
    assert (window.width(), window.height()) == (1024 - 8, 720 - 36)


def test_the_doctors_link_opens_a_closed_diagnostics_dock(window):
    window.diagnostics_dock.close()
    window.banner.more_wanted.emit()
    assert window.diagnostics_dock.isVisible()


def test_a_remedy_may_reset_and_change_settings_in_one_step(qtbot, window):
    from playground.core.diagnostics_types import Remedy

    generation = window.experiment.snapshot.generation
    window.experiment.apply_remedy(Remedy("Reset and lr ÷ 10", {"lr": 0.003}, reset=True))
    assert (window.experiment.config.lr, window.experiment.config.init_seed) == (0.003, 1)
    qtbot.waitUntil(
        lambda: _shows(window, lambda s: s.generation > generation and s.config.lr == 0.003)
    )


def test_after_a_divergence_the_banner_offers_reset_first_and_says_why(qtbot, window):
    window.experiment.propose(
        {"dataset": "plane", "activation": "relu", "init": "he_normal", "lr": 3.0}
    )
    window.set_playing(True)
    qtbot.waitUntil(window.banner.isVisible, timeout=8000)
    shown = [b for b in window.banner.buttons if b.isVisibleTo(window.banner)]
    # first: fresh weights and smaller steps in one click (its label may be shortened)
    assert shown[0].text().startswith("Reset") and "÷ 10" in shown[0].toolTip()
    assert shown[0].toolTip().startswith("Reset, rate ÷ 10: ")
    says = window.banner.text.text()
    assert "diverged" in says and "Reset" in says and "huge" in says  # and why
    shown[0].click()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=8000)
    assert (window.experiment.config.init_seed, window.experiment.config.lr) == (1, 0.3)


def test_opening_a_healthy_file_with_the_same_settings_clears_the_banner(qtbot, window, tmp_path):
    risky = {"dataset": "plane", "activation": "relu", "init": "he_normal", "lr": 3.0}
    window.experiment.propose(risky)
    path = tmp_path / "healthy.playground"
    assert window.files.save_to(path)  # epoch 0: fine
    window.set_playing(True)
    qtbot.waitUntil(window.banner.isVisible, timeout=8000)
    assert window.files.open_path(path)  # the very same settings
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=8000)


def test_every_control_says_what_it_does(window):
    """Honest labels (issue 13): every button, choice, number field and slider has
    a tooltip, its own or its row's."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QSlider,
    )

    silent = []
    for kind in (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider, QLineEdit):
        for control in window.findChildren(kind):
            if not control.isVisibleTo(window):
                continue
            if isinstance(control, QLineEdit) and isinstance(
                control.parent(), (QComboBox, QAbstractSpinBox)
            ):
                continue  # the editor inside a combo or spin box: its owner speaks
            widget, tip = control, control.toolTip()
            while not tip and widget.parent() is not None and widget.parent() is not window:
                widget = widget.parent()
                tip = widget.toolTip()
            if not tip:
                silent.append(f"{type(control).__name__} {control.objectName()!r}")
    assert silent == []
