"""The window's File menu: experiments, parameters, pictures, data; unsaved work; drops."""

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from playground import Config


@pytest.fixture
def window(open_window):
    return open_window(Config(hidden=(5, 3)))


def _shows(win, condition) -> bool:
    """The window's newest picture passes `condition` (none, just after opening: no)."""
    snap = win.experiment.snapshot
    return snap is not None and condition(snap)


def _train(qtbot, win, epochs):
    target = win.experiment.snapshot.epoch + epochs
    for _ in range(epochs):
        win.step()
    qtbot.waitUntil(lambda: _shows(win, lambda s: s.epoch == target), timeout=8000)
    return win.experiment.snapshot


def test_save_and_open_bring_back_the_whole_state(qtbot, window, tmp_path):
    before = _train(qtbot, window, 4)
    path = tmp_path / "run.playground"
    assert window.files.save_to(path) and path.exists()
    assert "run.playground" in window.windowTitle()
    assert not window.files.is_dirty()
    _train(qtbot, window, 3)
    window.experiment.propose({"hidden": (2,)})
    assert window.files.open_path(path)
    qtbot.waitUntil(
        lambda: _shows(window, lambda s: s.epoch == 4 and s.config.hidden == (5, 3)), timeout=8000
    )
    snap = window.experiment.snapshot
    assert np.array_equal(snap.weights[0], before.weights[0])
    assert window.experiment.config.hidden == (5, 3) and not window.files.is_dirty()
    assert str(path) in window.files.recent_files()


@pytest.mark.parametrize("suffix", [".safetensors", ".onnx", ".npz", ".json"])
def test_export_then_import_parameters(qtbot, window, tmp_path, suffix):
    exported = _train(qtbot, window, 3)
    path = tmp_path / f"p{suffix}"
    assert window.files.export_parameters_to(path) and path.exists()
    window.experiment.propose({"hidden": (7,), "activation": "relu"})
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.hidden == (7,)), timeout=8000)
    assert window.files.import_parameters_from(path)
    tol = 1e-6 if suffix in (".safetensors", ".onnx") else 0

    def loaded() -> bool:  # the rebuild may be pictured a frame before the parameters land
        snap = window.experiment.snapshot
        return (
            snap is not None
            and snap.config.hidden == (5, 3)
            and all(
                np.allclose(w, x, rtol=0, atol=tol)
                for w, x in zip(snap.weights, exported.weights, strict=False)
            )
        )

    qtbot.waitUntil(loaded, timeout=8000)
    assert window.experiment.snapshot.epoch == 0
    assert window.experiment.config.activation == "tanh"


def test_a_broken_file_says_so_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "broken.playground"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    config = window.experiment.config
    assert not window.files.open_path(bad)
    assert len(window.told) == 1 and "broken.playground" in window.told[0]
    assert "\n" not in window.told[0] and window.experiment.config == config
    bad_params = tmp_path / "broken.safetensors"
    bad_params.write_bytes(b"\xff" * 40)
    assert not window.files.import_parameters_from(bad_params)
    assert "broken.safetensors" in window.told[-1] and window.experiment.config == config


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_export_image(qtbot, window, tmp_path, suffix):
    _train(qtbot, window, 2)
    path = tmp_path / f"picture{suffix}"
    assert window.files.export_image_to(path, size=(900, 420))
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]


def test_export_data_csv(qtbot, window, tmp_path):
    path = tmp_path / "points.csv"
    assert window.files.data.export_to(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "x1,x2,label,split" and len(lines) == 501


def test_unsaved_work_asks_before_it_is_lost(qtbot, window):
    _train(qtbot, window, 2)
    asked = []
    window.files.ask_discard = lambda: asked.append(True) or "cancel"
    window.close()
    assert asked and window.isVisible()  # cancelled: the window stays
    window.files.ask_discard = lambda: "discard"


def drop(window, path) -> None:
    """`path` dropped on the window, as a file manager drops it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)


def test_dropping_a_file_opens_it(qtbot, window, tmp_path):
    _train(qtbot, window, 2)
    path = tmp_path / "dropped.playground"
    assert window.files.save_to(path)
    window.experiment.propose({"hidden": (1,)})
    drop(window, path)
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.hidden == (5, 3)), timeout=8000)
    assert window.experiment.path == path


def test_importing_keeps_the_training_settings(qtbot, window, tmp_path):
    path = tmp_path / "p.npz"
    assert window.files.export_parameters_to(path)
    window.experiment.propose({"lr": 0.3, "optimizer": "adam", "hidden": (2,)})
    assert window.files.import_parameters_from(path)
    assert window.experiment.config.hidden == (5, 3)
    assert (window.experiment.config.lr, window.experiment.config.optimizer) == (0.3, "adam")


def test_export_image_dialog_uses_the_chosen_size(qtbot, window, tmp_path):
    from PySide6.QtGui import QImage

    path = tmp_path / "chosen.png"
    window.files.ask_save = lambda title, filt, suggested: str(path)
    window.files.ask_image_size = lambda: (1000, 460)
    assert window.files.export_image_dialog()
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1000, 460)
    window.files.ask_image_size = lambda: None  # cancelled: nothing written
    path.unlink()
    assert not window.files.export_image_dialog() and not path.exists()
