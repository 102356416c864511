"""Own data in the window (issue 12): Import Data and a dropped .csv, the named
classes, Export Data back, saving and reopening, a bad file, the formula field's
inline sentence and the shift control."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from test_file_menu import _shows, drop
from test_own_data import _moons_csv

from playground import Config
from playground.io.data_csv import read_data_csv


@pytest.fixture
def window(open_window):
    return open_window(Config(hidden=(6, 4), lr=0.1))


def _imported(qtbot, win, path):
    assert win.files.data.import_from(path)
    qtbot.waitUntil(lambda: _shows(win, lambda s: s.config.dataset == "own"), timeout=8000)
    return win.experiment.snapshot


def test_import_data_trains_on_the_file_s_points_with_their_names(qtbot, window, tmp_path):
    path = tmp_path / "moons.csv"
    _moons_csv(path)
    snap = _imported(qtbot, window, path)
    ds = snap.dataset
    assert ds.class_names == ("upper moon", "lower moon") and ds.origin == "file moons.csv"
    assert len(ds.x_train) + len(ds.x_test) == 400 and snap.epoch == 0
    legend = window.output.legend
    assert legend.isVisibleTo(window) and "upper moon" in legend.text()
    assert window.isWindowModified()  # new data: unsaved work
    # the thumbnail of own points shows, checked; the data settings that cannot apply grey
    panel = window.data_panel
    assert panel.control("dataset").buttons["own:classification"].isChecked()
    assert not panel.widget("noise").isEnabled() and not panel.widget("shift").isEnabled()


def test_exported_data_and_a_saved_experiment_bring_the_same_points_back(qtbot, window, tmp_path):
    path = tmp_path / "moons.csv"
    _moons_csv(path)
    ds = _imported(qtbot, window, path).dataset
    out = tmp_path / "out.csv"
    assert window.files.data.export_to(out)
    table = read_data_csv(out)
    assert table.class_names == ds.class_names and int(table.split.sum()) == len(ds.x_train)
    np.testing.assert_array_equal(table.x[table.split], ds.x_train)
    saved = tmp_path / "own.playground"
    assert window.files.save_to(saved)
    window.experiment.propose({"dataset": "xor"})
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.dataset == "xor"), timeout=8000)
    assert window.files.open_path(saved)
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.dataset == "own"), timeout=8000)
    again = window.experiment.snapshot.dataset
    np.testing.assert_array_equal(again.x_test, ds.x_test)
    assert again.class_names == ds.class_names


def test_a_dropped_csv_is_imported(qtbot, window, tmp_path):
    path = tmp_path / "moons.csv"
    _moons_csv(path)
    drop(window, path)
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.dataset == "own"), timeout=8000)


def test_a_bad_file_is_one_sentence_and_changes_nothing(qtbot, window, tmp_path):
    before = window.experiment.config
    for name, text in (("cols.csv", "a,b\n1,2\n"), ("nan.csv", "x1,x2,label\n" + "nan,1,a\n" * 5)):
        path = tmp_path / name
        path.write_text(text)
        assert not window.files.data.import_from(path)
        assert window.told[-1].count("\n") == 0 and name in window.told[-1]
    assert window.experiment.config == before


def test_the_formula_field_says_what_is_wrong_under_it(qtbot, window):
    window.experiment.propose({"dataset": "custom", "formula": "r < 3"})
    field = window.data_panel.control("formula")
    assert field.widget.isVisibleTo(window)
    for bad in ("log(x1)", "x1 > 100", "__import__('os')"):
        field.edit.setText(bad)
        field.edit.editingFinished.emit()
        assert field.error.isVisibleTo(window) and field.error.text().endswith(".")
        assert window.experiment.config.formula == "r < 3"  # nothing changed
    field.edit.setText("x1 * x2 > 0")
    field.edit.editingFinished.emit()
    assert not field.error.isVisibleTo(window)
    assert window.experiment.config.formula == "x1 * x2 > 0"
    window.experiment.propose({"dataset": "circle"})
    assert not field.widget.isVisibleTo(window)  # the row shows for a formula only


def test_the_shift_control_moves_the_data_and_the_view_follows(qtbot, window):
    shift = window.data_panel.control("shift")
    shift.dx.setValue(3.0)
    shift.dx.editingFinished.emit()
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.shift == (3.0, 0.0)), timeout=8000)
    qtbot.waitUntil(
        lambda: _shows(window, lambda s: s.grids is not None and s.grids.extent.cx == 3.0),
        timeout=8000,
    )


def test_a_network_trained_on_own_points_imports_onto_made_data(qtbot, window, tmp_path):
    from playground.cli import main

    rng = np.random.default_rng(2)
    csv = tmp_path / "three.csv"
    rows = [
        f"{float(a)!r},{float(b)!r},{'abc'[i % 3]}"
        for i, (a, b) in enumerate(rng.uniform(-5, 5, (60, 2)))
    ]
    csv.write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    model = tmp_path / "three.npz"
    assert main(["train", "--data", str(csv), "--epochs", "2", "--quiet",
                 "--export", str(model)]) == 0  # fmt: skip
    assert window.files.import_parameters_from(model)  # 3 outputs: circle cannot fit them
    qtbot.waitUntil(
        lambda: _shows(window, lambda s: (s.config.dataset, s.config.classes) == ("blobs", 3)),
        timeout=8000,
    )
    assert not window.told


def test_hovering_the_output_names_the_predicted_class(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QToolTip

    path = tmp_path / "moons.csv"
    _moons_csv(path)
    _imported(qtbot, window, path)
    ready = lambda s: s.grids is not None and bool(s.dataset.origin)  # noqa: E731
    qtbot.waitUntil(lambda: _shows(window, ready), timeout=8000)
    view = window.output.output_view
    x, y = view.to_pixel(*view.extent.x_range[:1], view.extent.cy)  # the left edge, mid-height
    qtbot.mouseMove(view.canvas.viewport(), QPoint(round(x) + 3, round(y)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=4000)
    text = QToolTip.text()
    assert text.startswith("x₁ ") and ("upper moon" in text or "lower moon" in text)
