"""Draw the app icon (resources/icons/neural-playground.svg) as PNGs with Qt.

    python packaging/make_icons.py OUT_DIR [SVG]

writes OUT_DIR/neural-playground-<size>.png for every size in SIZES.  Uses the
QSvgRenderer of the PySide6 the app already needs, so no extra tool (rsvg,
ImageMagick) is required; runs on the offscreen platform, so no display.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256, 512)  # the hicolor theme's usual sizes
SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "neural-playground.svg"


def make_icons(out_dir: Path, svg: Path = SVG, sizes=SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {svg}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out_dir / f"neural-playground-{size}.png"
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"make_icons: cannot write {path}")
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__.strip().splitlines()[2].strip())
    svg = Path(sys.argv[2]) if len(sys.argv) == 3 else SVG
    for p in make_icons(Path(sys.argv[1]), svg):
        print(p)
