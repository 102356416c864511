"""Where the window's parts sit: docks (every panel and side view lives in one,
so a person can move, float or close it, and the window remembers where it
was), the tool bar, and the column in the middle."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

Area = Qt.DockWidgetArea
MAX_BOTTOM_SHARE = 0.36  # of the window's height the settings panels take at most, first run
MIN_DOCK_HEIGHT = 80  # px a dock may shrink to (its content scrolls), on small screens


def add_dock(
    window: QMainWindow, title: str, widget: QWidget, area: Area, scroll: bool = True
) -> QDockWidget:
    """A dock holding `widget`; with `scroll`, inside a scroll area, so the dock
    can shrink below what the widget needs (small screens) and scroll instead."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock-{title.lower()}")  # saveState needs names
    dock.setWidget(scrolling(widget) if scroll else widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    window.addDockWidget(area, dock)
    for button, tip in (
        ("qt_dockwidget_floatbutton", f"Float {title} in a window of its own, or dock it back"),
        ("qt_dockwidget_closebutton", f"Close {title} (the View menu brings it back)"),
    ):
        found = dock.findChild(QAbstractButton, button)  # Qt's own title-bar buttons
        if found is not None:
            found.setToolTip(tip)
    return dock


def add_row_of_docks(
    window: QMainWindow, area: Area, titled: list[tuple[str, QWidget]]
) -> list[QDockWidget]:
    """Docks side by side along one edge (the settings panels under the graph)."""
    docks = [add_dock(window, title, widget, area) for title, widget in titled]
    for left, right in pairwise(docks):
        window.splitDockWidget(left, right, Qt.Orientation.Horizontal)
    return docks


def first_run_sizes(
    window: QMainWindow, bottom: list[QDockWidget], side: QDockWidget | None = None
) -> None:
    """On a first run (no saved layout) the settings panels get the height their
    tallest needs, up to a share of the window, and the graph the rest; `side`
    (a dock with others tabbed behind it) the width it asks for itself, not the
    widest of its tabs'; after the first show, when Qt has sizes to share out."""

    def share_out() -> None:
        needed = max(_content_height(dock) for dock in bottom)
        height = min(needed, int(window.height() * MAX_BOTTOM_SHARE))
        window.resizeDocks(bottom, [height] * len(bottom), Qt.Orientation.Vertical)
        if side is not None:
            width = side.widget().sizeHint().width()
            window.resizeDocks([side], [width], Qt.Orientation.Horizontal)

    QTimer.singleShot(0, window, share_out)


def _content_height(dock: QDockWidget) -> int:
    """What a dock needs to show its content without scrolling (title bar included)."""
    outer = dock.widget()
    inner = outer.widget() if isinstance(outer, QScrollArea) else None
    content = inner if inner is not None else outer
    title = dock.titleBarWidget() or dock
    extra = dock.minimumSizeHint().height() - outer.minimumSizeHint().height()
    return content.minimumSizeHint().height() + max(extra, title.fontMetrics().height())


def scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area that scrolls up and down only: it keeps
    the widget's width and shows a scroll bar when the dock is shorter than it."""
    area = QScrollArea()
    area.setObjectName("dock-scroll")
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.viewport().setAutoFillBackground(False)  # the dock's own colour shows through
    widget.setAutoFillBackground(False)
    bar = area.verticalScrollBar().sizeHint().width()
    area.setMinimumWidth(widget.minimumSizeHint().width() + bar)
    area.setMinimumHeight(MIN_DOCK_HEIGHT)
    return area


def add_tool_bar(window: QMainWindow, title: str, widget: QWidget) -> QToolBar:
    bar = QToolBar(title)
    bar.setObjectName(f"{title.lower()}-toolbar")  # saveState needs names
    bar.setMovable(False)
    bar.addWidget(widget)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


def column_of(top: QWidget, main: QWidget) -> QWidget:
    """`top` (a bar that comes and goes) over `main`, which takes the room."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(top)
    layout.addWidget(main, 1)
    return column
