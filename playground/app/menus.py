"""The menu bar: File (file_actions.py does the work), View (the docks), Runs
(runs_menu.py), Lessons, Help."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox

from .. import __version__
from .file_actions import FileActions
from .help_window import HelpWindow


class RecentMenu(QMenu):
    """Open Recent: rebuilt whenever the list changes; each item carries its path."""

    def __init__(self, files: FileActions, parent: QMenu) -> None:
        super().__init__("Open &Recent", parent)
        self.files = files
        self.triggered.connect(self._open)
        files.recent_changed.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        names = self.files.recent_files()
        for name in names:
            action = self.addAction(Path(name).name)
            action.setToolTip(name)
            action.setData(name)
        self.setEnabled(bool(names))

    def _open(self, action: QAction) -> None:
        self.files.open_requested(str(action.data()))


def build_menus(
    window: QMainWindow,
    files: FileActions,
    restore_layout: Callable[[], None],
    fill_lessons: Callable[[QMenu], None] | None = None,
    fill_runs: Callable[[QMenu], None] | None = None,
    export_animation: Callable[[], object] | None = None,
) -> None:
    """File, View and Help.  Slots are bound methods, never lambdas: a lambda
    held by Qt would keep the window alive after it closes."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    _add(file_menu, "&New", files.new, QKeySequence.StandardKey.New)
    _add(file_menu, "&Open…", files.open, QKeySequence.StandardKey.Open)
    file_menu.addMenu(RecentMenu(files, file_menu))
    _add(file_menu, "&Save", files.save, QKeySequence.StandardKey.Save)
    _add(file_menu, "Save &As…", files.save_as, QKeySequence.StandardKey.SaveAs)
    file_menu.addSeparator()
    _add(file_menu, "&Import Parameters…", files.import_parameters_dialog)
    _add(file_menu, "&Export Parameters…", files.export_parameters_dialog, "Ctrl+E")
    _add(file_menu, "Export &Image…", files.export_image_dialog)
    if export_animation is not None:
        _add(file_menu, "Export A&nimation…", export_animation)
    _add(file_menu, "Import Da&ta (CSV)…", files.data.import_dialog, "Ctrl+Shift+I")
    _add(file_menu, "Export &Data (CSV)…", files.data.export_dialog)
    file_menu.addSeparator()
    quit_action = _add(file_menu, "&Quit", window.close, "Ctrl+Q")
    # from any of the app's windows (Compare Runs, Try 5 Seeds, Help), not only this one
    quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    view_menu = bar.addMenu("&View")
    for dock in window.findChildren(QDockWidget):  # every dock added before this call
        view_menu.addAction(dock.toggleViewAction())
    network = getattr(window, "network_view", None)
    if network is not None:  # the graph's zoom: Ctrl-keys, which no text field uses
        view_menu.addSeparator()
        zoom_in = _add(view_menu, "Zoom &In on the Network", network.zoom_in)
        keys = [QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")]
        zoom_in.setShortcuts(keys)
        _add(view_menu, "Zoom &Out", network.zoom_out, QKeySequence.StandardKey.ZoomOut)
        _add(view_menu, "&Whole Network", network.fit, "Ctrl+0")
    view_menu.addSeparator()
    _add(view_menu, "Restore Default &Layout", restore_layout)

    if fill_runs is not None:
        fill_runs(bar.addMenu("&Runs"))

    if fill_lessons is not None:
        fill_lessons(bar.addMenu("&Lessons"))

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(HelpAction(window))
    help_menu.addSeparator()
    help_menu.addAction(AboutAction(window))


class HelpAction(QAction):
    """Help > Neural Playground Help (F1): one help window, raised when asked again."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__("Neural Playground &Help", window)
        self.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.window = window
        self.help_window: HelpWindow | None = None
        self.triggered.connect(self.show_help)

    def show_help(self) -> None:
        if self.help_window is None:
            self.help_window = HelpWindow(self.window)
        self.help_window.show()
        self.help_window.raise_()
        self.help_window.activateWindow()


class AboutAction(QAction):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__("&About Neural Playground", window)
        self.window = window
        self.triggered.connect(self.show_about)

    def show_about(self) -> None:
        QMessageBox.about(
            self.window,
            "About Neural Playground",
            f"<b>Neural Playground {__version__}</b><p>Train small neural networks on "
            "toy 2-D data and watch what weights and biases do.</p>",
        )


def _add(menu: QMenu, text: str, slot, shortcut=None) -> QAction:
    action = QAction(text, menu)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action
