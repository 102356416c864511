"""The loss view's read-outs: a small caption over (or before) a big number.

Each is a fixed-size label, so a new number changes no layout: a relayout of
the window would run Python (heightForWidth) every frame and wait for the
trainer's GIL (canvas.py says why that matters).  The number's size (`scale`)
changes only when the view's width does (`LossView` fits it to the room).
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

CAPTION_COLOR = "#5f6368"


def readout_font(scale: float, bold: bool = False) -> QFont:
    """The default font `scale` times as large (9 pt at least), with digits of equal width."""
    font = QFont()
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
    font.setBold(bold)
    if hasattr(QFont, "Tag"):  # Qt 6.7+: digits of equal width, so numbers do not jitter
        font.setFeature(QFont.Tag("tnum"), 1)
    return font


class Readout(QWidget):
    """A small caption above a big number (or before it, on one baseline, if inline)."""

    def __init__(
        self, caption: str, swatch: str | None = None, inline: bool = False, scale: float = 2.0
    ) -> None:
        super().__init__()
        self.caption = caption
        self.scale = scale
        self._value = "—"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        small = readout_font(1.0)
        self.value_label = QLabel()
        self.value_label.setFont(readout_font(scale, bold=True))
        self.value_label.setStyleSheet("color: #202124")
        if inline:  # one rich-text label keeps the caption on the number's baseline
            self._caption_html = (
                f'<span style="color:{CAPTION_COLOR}; font-weight:normal; '
                f'font-size:{small.pointSizeF():.1f}pt">{caption}</span>&nbsp;&nbsp;'
            )
        else:
            self._caption_html = ""
            label = QLabel(caption)
            if swatch:  # a dash in the curve's colour: the legend
                label.setText(f'<span style="color:{swatch}">━━</span>&nbsp;{caption}')
            label.setStyleSheet(f"color: {CAPTION_COLOR}")
            label.setFont(small)
            layout.addWidget(label)
        layout.addWidget(self.value_label)
        self._fix_size()
        self._show()

    def _fix_size(self) -> None:
        # A label of fixed size changes its text without a relayout of the window,
        # which would run Python (heightForWidth) and wait for the trainer's GIL on
        # every frame; wide enough for the widest number it shows.
        self.value_label.setMinimumSize(0, 0)  # a label's size hint is never under its minimum
        sizes = []  # losses are >= 0; the epoch is the inline one
        widest_texts = (
            ("0,000,000,000",)
            if self._caption_html
            else ("8.888e+308", "8.888e-308", "88888.888", "0.0008888", "100.0 %")
        )
        for widest in widest_texts:
            self.value_label.setText(self._caption_html + widest)
            sizes.append(self.value_label.sizeHint())
        self.value_label.setFixedSize(max(s.width() for s in sizes), max(s.height() for s in sizes))

    def set_scale(self, scale: float) -> None:
        """The number `scale` times the default font (a new fixed size: call on resizes only)."""
        if scale != self.scale:
            self.scale = scale
            self.value_label.setFont(readout_font(scale, bold=True))
            self._fix_size()
            self._show()

    def set_value(self, text: str) -> None:
        if text != self._value:
            self._value = text
            self._show()

    def _show(self) -> None:
        self.value_label.setText(self._caption_html + self._value)


@functools.cache
def readout_width(scale: float) -> int:
    """Px a (not inline) read-out takes at `scale`: as wide as its widest number."""
    return Readout("Training loss", scale=scale).sizeHint().width()
