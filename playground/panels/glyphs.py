"""Icons drawn for the transport bar (play, pause, one step, reset), and a few
letters as an icon (the Formula and Yours dataset thumbnails)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

ICON_SIZE = 20


def glyph_icon(kind: str, color: QColor, size: int = ICON_SIZE) -> QIcon:
    """A crisp drawn icon ("play", "pause", "step", "reset") in one colour.

    Drawn rather than taken from a font, so it looks the same on every system
    and follows the palette (light or dark).
    """
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(size * ratio, size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        s = float(size)
        if kind == "play":
            path = QPainterPath(QPointF(0.28 * s, 0.18 * s))
            path.lineTo(0.84 * s, 0.5 * s)
            path.lineTo(0.28 * s, 0.82 * s)
            path.closeSubpath()
            p.drawPath(path)
        elif kind == "pause":
            p.drawRoundedRect(QRectF(0.24 * s, 0.2 * s, 0.18 * s, 0.6 * s), 1.5, 1.5)
            p.drawRoundedRect(QRectF(0.58 * s, 0.2 * s, 0.18 * s, 0.6 * s), 1.5, 1.5)
        elif kind == "step":
            path = QPainterPath(QPointF(0.2 * s, 0.22 * s))
            path.lineTo(0.64 * s, 0.5 * s)
            path.lineTo(0.2 * s, 0.78 * s)
            path.closeSubpath()
            p.drawPath(path)
            p.drawRect(QRectF(0.68 * s, 0.22 * s, 0.12 * s, 0.56 * s))
        elif kind.startswith("text:"):  # a few letters, in italics
            font = QFont()
            font.setItalic(True)
            font.setPixelSize(size * 2 // 5)
            p.setFont(font)
            p.setPen(color)
            p.drawText(QRectF(0, 0, s, s), Qt.AlignmentFlag.AlignCenter, kind[5:])
        elif kind == "reset":
            pen = QPen(color, 0.11 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            box = QRectF(0.2 * s, 0.2 * s, 0.6 * s, 0.6 * s)
            p.drawArc(box, 100 * 16, 290 * 16)  # counter-clockwise from 100°
            # the arrow head at the arc's start (100°), pointing along it
            a = math.radians(100)
            tip = QPointF(0.5 * s + 0.3 * s * math.cos(a), 0.5 * s - 0.3 * s * math.sin(a))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            head = QPainterPath(tip + QPointF(0.2 * s, 0.0))
            head.lineTo(tip + QPointF(-0.06 * s, -0.17 * s))
            head.lineTo(tip + QPointF(-0.06 * s, 0.17 * s))
            head.closeSubpath()
            p.drawPath(head)
        p.end()
        icon.addPixmap(pixmap)
    return icon
