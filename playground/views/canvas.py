"""A drawing surface that Qt paints on its own, without calling back into Python.

Why this matters: the trainer is a Python thread.  Any painting that runs
Python code (a `paint()` or `paintEvent()` override, every pyqtgraph item)
holds the GIL for the whole frame, and training stands still meanwhile; we
measured the in-app training speed halving that way.  So the views draw with
Qt's own items (`QGraphicsPathItem`, `QGraphicsPixmapItem`,
`QGraphicsSimpleTextItem`, `QGraphicsRectItem`, ...) on a `PixelCanvas`,
which overrides no painting method.  Python runs only when an item changes
(once a frame); Qt then paints from its event loop with the GIL released, on
another core than the trainer's.  `python_painters()` finds what breaks that
rule, for the tests.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

# virtual methods Qt calls while painting; a Python override of any of them takes the GIL
_PAINT_METHODS = {
    QGraphicsItem: ("paint", "boundingRect", "shape", "isObscuredBy", "opaqueArea"),
    QGraphicsView: ("paintEvent", "drawBackground", "drawForeground", "viewportEvent", "event"),
}


class PixelCanvas(QGraphicsView):
    """A graphics view whose scene coordinates are the viewport's pixels.

    The scene rectangle follows the viewport's size; `resized` fires after it
    changed, so the owner can lay its items out again.  No scroll bars, no frame.
    """

    resized = Signal()

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundBrush(QColor(background))
        # items are few and change every frame: an index would only cost upkeep
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)

        self.setSceneRect(0, 0, 1, 1)

    def repaint_in_full(self, full: bool = True) -> None:
        """Repaint the whole viewport on every change (`full`), or only where items
        changed (Qt's default, cheaper), and repaint it all once now either way.

        Qt repaints the places it last painted the changed items at; a paint in
        between (a button over the canvas repainting as the pointer crosses it)
        records their new places as painted, so the old ones are never repainted
        and stray bits of edges stay on screen.  A full repaint cannot leave any.
        (Working the changes out at once from Python held the GIL ~7 ms a frame.)"""
        mode = QGraphicsView.ViewportUpdateMode
        self.setViewportUpdateMode(mode.FullViewportUpdate if full else mode.MinimalViewportUpdate)
        self.viewport().update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        size = self.viewport().size()
        self.setSceneRect(0, 0, max(1, size.width()), max(1, size.height()))
        self.resized.emit()


class PointerCanvas(PixelCanvas):
    """A `PixelCanvas` that reports mouse moves, the mouse leaving, left clicks
    (press and release without a drag), left drags, double clicks, the wheel
    and pinches, in scene px.  Only event handlers here, no painting, so Qt
    still paints without Python."""

    moved = Signal(QPointF)
    left = Signal()
    clicked = Signal(QPointF)
    double_clicked = Signal(QPointF)
    dragged = Signal(QPointF, QPointF)  # where the left button went down, where it is now
    drag_ended = Signal()
    zoomed = Signal(QPointF, float)  # about a point, by a factor (wheel or pinch)

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        super().__init__(parent, background)
        self.viewport().setMouseTracking(True)  # moves without a button pressed, too
        self._press: QPointF | None = None
        self._dragging = False
        self._second_click = False  # the press was a double click's second: no click
        self._pinch = _PinchFilter(self)
        self.viewport().installEventFilter(self._pinch)

    def mouseMoveEvent(self, ev) -> None:
        here = self.mapToScene(ev.position().toPoint())
        if not ev.buttons() & Qt.MouseButton.LeftButton:  # a release we never saw
            self._press, self._dragging = None, False
        press = self._press
        if press is not None and not self._dragging:
            self._dragging = (ev.position() - press).manhattanLength() > _drag_distance()
        if press is not None and self._dragging:
            self.dragged.emit(self.mapToScene(press.toPoint()), here)
        else:
            self.moved.emit(here)
        super().mouseMoveEvent(ev)

    def wheelEvent(self, ev) -> None:
        notches = ev.angleDelta().y() / 120  # one notch of a wheel; a touchpad sends parts
        if notches:
            self.zoomed.emit(self.mapToScene(ev.position().toPoint()), WHEEL_ZOOM**notches)
        ev.accept()

    def leaveEvent(self, ev) -> None:
        self.left.emit()
        super().leaveEvent(ev)

    # the scene's items take no clicks: presses stop here, unseen by the scene
    def mousePressEvent(self, ev) -> None:
        left = ev.button() == Qt.MouseButton.LeftButton
        self._press = ev.position() if left else None
        ev.accept()

    def mouseDoubleClickEvent(self, ev) -> None:  # the second click of a double click
        self.mousePressEvent(ev)
        if ev.button() == Qt.MouseButton.LeftButton:
            # its release is no click: the double click may have changed what lies
            # under the pointer (a fit re-lays the graph), and a click there would act
            self._second_click = True
            self.double_clicked.emit(self.mapToScene(ev.position().toPoint()))

    def mouseReleaseEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        press, self._press = self._press, None
        dragging, self._dragging = self._dragging, False
        second, self._second_click = self._second_click, False
        if second:
            return
        if dragging:
            self.drag_ended.emit()
        elif press is not None and (ev.position() - press).manhattanLength() <= _drag_distance():
            self.clicked.emit(self.mapToScene(ev.position().toPoint()))


WHEEL_ZOOM = 1.25  # the zoom factor of one wheel notch


def _drag_distance() -> int:
    return QApplication.startDragDistance()


class _PinchFilter(QObject):
    """Turns a touchpad's pinch (a native zoom gesture) into the canvas's
    `zoomed`.  An event filter, not an override of `viewportEvent`, which
    would run Python inside every paint; this runs a few lines before it."""

    def __init__(self, canvas: PointerCanvas) -> None:
        super().__init__(canvas)
        self._canvas = canvas

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.NativeGesture:
            return False
        if event.gestureType() != Qt.NativeGestureType.ZoomNativeGesture:
            return False
        canvas = self._canvas
        at = canvas.mapToScene(event.position().toPoint())
        canvas.zoomed.emit(at, max(0.5, min(2.0, 1.0 + event.value())))
        return True


def python_painters(view: QGraphicsView) -> list[str]:
    """Names of what Python code would paint in `view`: the view's own class, or
    any item in its scene, overriding a painting method in Python (empty = good)."""
    found = []
    for obj in [view, *view.scene().items()]:
        for base, methods in _PAINT_METHODS.items():
            if isinstance(obj, base):
                for name in methods:
                    owner = _python_owner(type(obj), name)
                    if owner:
                        found.append(f"{owner}.{name}")
    return sorted(set(found))


def _python_owner(cls: type, name: str) -> str | None:
    """The Python class defining `name` before any Qt class does, if there is one
    (a Python class naming Qt's own method, `paintEvent = QGraphicsView.paintEvent`,
    overrides nothing: PySide calls Qt's without Python)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            module = klass.__module__ or ""
            qt_own = getattr(vars(klass)[name], "__objclass__", None) is not None
            return (
                None
                if module.startswith(("PySide6", "shiboken6")) or qt_own
                else klass.__qualname__
            )
    return None
