"""Docks: every panel and side view lives in one, so a person can move, float or
close it (View menu) and the window remembers where it was."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

Area = Qt.DockWidgetArea
BOTTOM_PANEL_HEIGHT = 170  # px: the settings panels get what they need, the graph the rest


def add_dock(window: QMainWindow, title: str, widget: QWidget, area: Area) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock-{title.lower()}")  # saveState needs names
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(area, dock)
    return dock


def add_row_of_docks(
    window: QMainWindow, area: Area, titled: list[tuple[str, QWidget]]
) -> list[QDockWidget]:
    """Docks side by side along one edge (the settings panels under the graph)."""
    docks = [add_dock(window, title, widget, area) for title, widget in titled]
    for left, right in pairwise(docks):
        window.splitDockWidget(left, right, Qt.Orientation.Horizontal)
    return docks


def first_run_sizes(window: QMainWindow, bottom: list[QDockWidget]) -> None:
    """On a first run (no saved layout) the graph gets the room, the panels what
    they need; after the first show, when Qt has sizes to share out."""
    heights = [BOTTOM_PANEL_HEIGHT] * len(bottom)
    QTimer.singleShot(
        0, window, lambda: window.resizeDocks(bottom, heights, Qt.Orientation.Vertical)
    )
