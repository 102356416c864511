"""The window's picture of a network, as a PNG or SVG file: for `render` on the
command line and File > Export image.  The same views the window draws, laid
side by side: the network graph (with its legend, without the buttons that
edit it), then the output heatmap and the loss read-outs.

The snapshot is drawn as it is: its grids, fresh or carried over from earlier in
its generation, are the pictures of the neurons (fresh views draw whatever
grids they are given first); without grids the tiles and heatmap are blank.
Qt is imported only when a picture is made, so the command line can import
this module cheaply.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.snapshot import Snapshot
from ..io.atomic import atomic_write

IMAGE_SUFFIXES = (".png", ".svg")
DEFAULT_SIZE = (1400, 640)


class RenderError(ValueError):
    """The picture could not be made or written (one sentence)."""


def ensure_app():
    """The QApplication, made if there is none (offscreen without a display)."""
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # headless: no screen needed
        app = QApplication(["neural-playground"])
    return app


def build_picture(snapshot: Snapshot, size: tuple[int, int] = DEFAULT_SIZE, show_test=False):
    """A laid-out widget showing the snapshot (the caller keeps it alive)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

    from .loss_view import LossView
    from .network_view import NetworkView
    from .output_view import OutputView

    picture = QWidget()
    picture.setStyleSheet("background: white;")
    network, output, loss = NetworkView(), OutputView(), LossView()
    network.set_interactive(False)  # a clean figure: no buttons, hint, read-out or editor
    output.set_show_test(show_test)
    side = QVBoxLayout()
    side.addWidget(loss)
    side.addWidget(output, 1)
    layout = QHBoxLayout(picture)
    layout.addWidget(network, 5)
    layout.addLayout(side, 2)
    loss.setMinimumWidth(400)  # room for the big read-outs, e.g. "0.0004687"
    picture.resize(*size)
    picture.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # painted, never on screen
    picture.show()
    loss.curve_interval_ms = 0  # draw the curves now: a picture has no later frame
    network.set_snapshot(snapshot)
    output.set_snapshot(snapshot)
    loss.set_snapshot(snapshot)
    return picture


def render_snapshot(snapshot: Snapshot, path, size: tuple[int, int] = DEFAULT_SIZE) -> None:
    """Write the picture of `snapshot` to `path` (.png or .svg), atomically (the
    app's temporary naming and cleaning, io/atomic.py)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise RenderError(f"{target.name}: the picture must be a .png or .svg file")
    if not target.parent.is_dir():
        raise RenderError(f"cannot write {target}: no folder {target.parent}")
    ensure_app()
    picture = build_picture(snapshot, size)
    try:
        data = png_bytes(picture) if suffix == ".png" else _svg_bytes(picture)
    finally:
        picture.close()
        picture.deleteLater()
    if not data:
        raise RenderError(f"cannot draw the picture for {target}")
    with atomic_write(target) as handle:
        handle.write(data)


def png_bytes(widget) -> bytes:
    """A built widget drawn as PNG, once its layouts have settled (b"" if that failed)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QApplication

    for _ in range(3):  # let layouts settle before painting
        QApplication.processEvents()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = widget.grab().save(buffer, "PNG")
    buffer.close()
    return bytes(data.data()) if ok else b""


def _svg_bytes(widget) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle("Neural Playground")
    painter = QPainter(generator)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())
