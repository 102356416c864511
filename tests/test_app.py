"""The window entry point (the full window is its own issue)."""

import subprocess
import sys
from pathlib import Path

import pytest

from playground.app.main_window import MainWindow

SCRIPT = Path(sys.executable).parent / "neural-playground"


def test_main_window_title(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle().replace("[*]", "") == "Neural Playground"


def test_no_arguments_opens_the_window(monkeypatch):
    import playground.app
    from playground.cli import main

    opened = []
    monkeypatch.setattr(playground.app, "run_app", lambda **kw: opened.append(kw) or 0)
    assert main([]) == 0 and opened == [{}]


def test_a_file_argument_opens_the_window_with_it(monkeypatch):
    import playground.app
    from playground.cli import main

    opened = []
    monkeypatch.setattr(playground.app, "run_app", lambda **kw: opened.append(kw) or 0)
    assert main(["spiral.playground"]) == 0
    assert opened == [{"open_path": "spiral.playground"}]


@pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed beside Python")
def test_console_script_is_installed():
    out = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("neural-playground ")


def test_self_test_opens_trains_and_saves_a_screenshot(tmp_path):
    out = tmp_path / "self-test.png"
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "playground", "--self-test", str(out)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "self-test passed" in result.stdout
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 20_000


def test_the_icon_is_found_from_a_checkout_and_when_installed():
    from playground.assets import resource_path

    assert Path(resource_path("icons/neural-playground.svg")).is_file()


def test_the_window_starts_from_the_project_folder(tmp_path):
    """`python3 -m playground` in the checkout imports the source tree, where the
    installed playground.resources package does not exist: the icon must still load."""
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "from-checkout.png"
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONSAFEPATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "playground", "--self-test", str(out)],
        capture_output=True, text=True, env=env, timeout=120, cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_files_the_system_hands_over_reach_the_application(tmp_path):
    # a fresh process: the application class is chosen when the QApplication is made
    code = """
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from playground.app import make_application
app = make_application()
heard = []
app.file_open_requested.connect(heard.append)
QApplication.sendEvent(app, QFileOpenEvent("/somewhere/spiral.playground"))
print(heard)
"""
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['/somewhere/spiral.playground']"


def test_open_requested_asks_before_discarding(qtbot, monkeypatch):
    from playground.app import open_requested

    window = MainWindow()
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(window.files, "open_path", opened.append)
    monkeypatch.setattr(window.files, "confirm_discard", lambda: False)
    open_requested(window, "a.playground")
    monkeypatch.setattr(window.files, "confirm_discard", lambda: True)
    open_requested(window, "b.playground")
    assert opened == ["b.playground"]
