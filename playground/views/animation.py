"""Animations of training, as a GIF or an MP4: for `render --animate` on the
command line and File > Export Animation.

Each frame is a snapshot (core/replay.py makes them from a run's timeline)
drawn offscreen by the window's own views, reused from frame to frame:

- "output": the output heatmap with the data points (views/output_view.py),
  under a caption that says the epoch and the test loss;
- "window": the whole picture `render` makes (views/picture.py): the network,
  the output and the loss plot, whose curves end at the frame's epoch.

A GIF is written with Pillow, all frames in one palette of 255 colours pooled
from a few frames drawn first (median cut, no dithering), so the heatmap's
ramps stay smooth from the pale first frame to the last, colours do not
flicker, and what stays put (the axes, the points) is stored once.  An MP4
(H.264) needs the optional imageio-ffmpeg.  Files are written atomically
(io/atomic.py); a failure is one `RenderError` sentence.  Qt and Pillow are
imported only when an animation is made, so the command line can import this
module cheaply.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..core.snapshot import Snapshot
from ..io.atomic import atomic_write
from ..io.reading import printable_path
from .picture import DEFAULT_SIZE, RenderError, build_picture, ensure_app

ANIMATION_SUFFIXES = (".gif", ".mp4")
WHAT = ("output", "window")  # what a frame shows
DEFAULT_FPS = 10
MIN_FPS, MAX_FPS = 0.5, 50.0  # a GIF's delay is in hundredths; browsers slow faster ones
DEFAULT_OUTPUT_SIZE = (480, 480)
MP4_NEEDS = 'MP4 needs imageio-ffmpeg: pip install "neural-playground[video]"'
CAPTION_COLOR = "#202124"
HOLD_LAST_MS = 1000  # a GIF shows its last frame this much longer before it starts again
PALETTE_SAMPLE = 9  # frames drawn first, to choose a GIF's colours from
PALETTE_PIXELS = 2_000_000  # of them at most (the rest skipped evenly): median cut is slow
PALETTE_GREYS = 24  # neutral greys always in it: text and axes on white stay grey


def default_size(what: str = "output") -> tuple[int, int]:
    """An animation's size when none is asked for: the output's or the picture's."""
    return DEFAULT_OUTPUT_SIZE if what == "output" else DEFAULT_SIZE


def mp4_available() -> bool:
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def check_animation_path(path: str | os.PathLike[str]) -> None:
    """RenderError unless an animation can be written to `path`: a .gif or .mp4
    name (an MP4 with imageio-ffmpeg installed) in an existing folder."""
    target = Path(path)
    suffix = target.suffix.lower()
    name = printable_path(os.fspath(path))
    if suffix not in ANIMATION_SUFFIXES:
        raise RenderError(f"{name}: the animation must be a .gif or .mp4 file")
    if not target.parent.is_dir():
        raise RenderError(f"cannot write {name}: no folder {printable_path(str(target.parent))}")
    if target.is_dir():
        raise RenderError(f"cannot write {name}: it is a folder")
    if suffix == ".mp4" and not mp4_available():
        raise RenderError(MP4_NEEDS)
    if importlib.util.find_spec("PIL") is None:  # a dependency, but a frozen app may lack it
        raise RenderError('an animation needs Pillow: pip install "pillow>=9.1"')


def caption(snap: Snapshot) -> str:
    """What an output frame says: "epoch 120 · test loss 0.031"."""
    from .loss_numbers import format_loss

    return f"epoch {snap.epoch:,} · test loss {format_loss(snap.metrics.test_loss)}"


def write_animation(
    snapshots: Iterable[Snapshot],
    path: str | os.PathLike[str],
    size: tuple[int, int] | None = None,
    fps: float = DEFAULT_FPS,
    what: str = "output",
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Draw each snapshot and write them, in order, as an animation to `path`
    (.gif, or .mp4 with imageio-ffmpeg) that loops; the number of frames.

    `size` is a frame's (width, height) in pixels (default: 480 x 480 for
    "output", views/picture.py's DEFAULT_SIZE for "window"); an MP4's odd side
    gets one more pixel of white (H.264 wants even ones).  `fps` frames a
    second, from 0.5 to 50 (a GIF holds its last frame a second longer before
    it loops, so the trained network is seen).  A sequence that makes its
    snapshots as they are read (core/replay.py's AnimationFrames) is drawn
    without holding them all.
    `progress(done, total)` is called after each frame is drawn (a window's
    progress bar; an exception it raises stops the writing, leaving no file).
    RenderError (one sentence): a bad name or rate, no snapshots, a write error.
    """
    check_animation_path(path)
    if what not in WHAT:
        raise RenderError(f"an animation shows {' or '.join(WHAT)}, not {what!r}")
    if not (MIN_FPS <= fps <= MAX_FPS):  # also NaN
        raise RenderError(f"the frame rate must be from {MIN_FPS:g} to {MAX_FPS:g} (got {fps:g})")
    frames = snapshots if isinstance(snapshots, Sequence) else list(snapshots)
    target = Path(path)
    if not frames:
        raise RenderError(f"no frames to write to {printable_path(os.fspath(path))}")
    ensure_app()
    painter = _FramePainter(what, size or default_size(what), len(frames), progress)
    try:
        if target.suffix.lower() == ".mp4":
            _write_mp4((painter.frame(s) for s in frames), target, painter.size, fps)
        else:
            _write_gif(frames, painter, target, fps)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise RenderError(f"cannot write {printable_path(os.fspath(path))}: {why}") from None
    finally:
        painter.close()
    return len(frames)


class _FramePainter:
    """One set of views, shown offscreen, drawing snapshot after snapshot into
    RGB images of exactly the frame's size (whatever the screen's pixel ratio)."""

    def __init__(
        self,
        what: str,
        size: tuple[int, int],
        total: int = 0,
        progress: Callable[[int, int], object] | None = None,
    ) -> None:
        from PySide6.QtGui import QImage

        self.what, self.size = what, size
        self.drawn, self.total, self.progress = 0, total, progress
        self.image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
        self.offset = 0  # the views' top in the frame
        self.widget: Any = None  # made for the first snapshot (a picture needs one)
        self._views: list = []

    def _build(self, first: Snapshot) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QFont

        width, height = self.size
        if self.what == "window":
            self.widget = build_picture(first, self.size)
            self._views = _views_of(self.widget)
        else:
            from .output_view import OutputView

            self.font = QFont()
            self.font.setPixelSize(max(12, round(min(width, 1.6 * height) * 0.045)))
            self.offset = round(self.font.pixelSize() * 1.9)  # the caption's strip
            view = OutputView()
            view.resize(width, height - self.offset)
            view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
            view.show()
            self.widget = view
            self._views = [view]

    def _settle(self, first: bool) -> None:
        """Let the layouts settle before painting: at first everything; then only
        the layout (a read-out's new width), not a repaint that render() does."""
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        if first:
            for _ in range(3):
                QApplication.processEvents()
        else:
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def frame(self, snap: Snapshot):
        """The snapshot drawn, as a Pillow RGB image."""
        from PIL import Image
        from PySide6.QtCore import QPoint, QRect, Qt
        from PySide6.QtGui import QColor, QPainter

        first = self.widget is None
        if first:
            self._build(snap)
        for view in self._views:
            view.set_snapshot(snap)
        self._settle(first)
        self.image.fill(QColor("white"))
        painter = QPainter(self.image)
        try:
            self.widget.render(painter, QPoint(0, self.offset))
            if self.what == "output":
                painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
                painter.setFont(self.font)
                painter.setPen(QColor(CAPTION_COLOR))
                strip = QRect(0, 0, self.size[0], self.offset)
                painter.drawText(strip, Qt.AlignmentFlag.AlignCenter, caption(snap))
        finally:
            painter.end()
        image = self.image
        data = bytes(image.constBits())  # a copy: the image is drawn over next frame
        self.drawn += 1
        if self.progress is not None:
            self.progress(self.drawn, self.total)
        return Image.frombytes("RGB", self.size, data, "raw", "BGRX", image.bytesPerLine(), 1)

    def close(self) -> None:
        if self.widget is not None:
            self.widget.close()
            self.widget.deleteLater()


def _views_of(picture) -> list:
    """The views build_picture laid out, in the order it gives them their snapshot."""
    from .loss_view import LossView
    from .network_view import NetworkView
    from .output_view import OutputView

    return [picture.findChild(kind) for kind in (NetworkView, OutputView, LossView)]


def _write_gif(frames: Sequence[Snapshot], painter: _FramePainter, target: Path, fps: float):
    """One palette for every frame, from a sample of them drawn first: frames
    are mapped onto it fast, keep their colours from frame to frame (no
    flicker), and the parts that stay put cost nothing (Pillow stores only what
    changed)."""
    from PIL import Image

    sample = {i: painter.frame(frames[i]) for i in _spread(len(frames), PALETTE_SAMPLE)}
    palette = _palette(list(sample.values()))
    indexed = []
    for i in range(len(frames)):
        rgb = sample.pop(i) if i in sample else painter.frame(frames[i])
        indexed.append(rgb.quantize(palette=palette, dither=Image.Dither.NONE))
    duration = max(2, round(100 / fps)) * 10  # ms; a GIF counts hundredths of a second
    durations = [duration] * (len(indexed) - 1) + [duration + HOLD_LAST_MS]
    with atomic_write(target) as handle:
        indexed[0].save(
            handle, format="GIF", save_all=True, append_images=indexed[1:], loop=0,
            duration=durations, disposal=1,
        )  # fmt: skip


def _spread(count: int, wanted: int) -> list[int]:
    """`wanted` indices of `count` spread evenly, the first and the last among them."""
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


def _palette(images: list):
    """A palette of 255 colours for these RGB images: each image's own colours
    by median cut (without dithering, so ramps stay smooth), pooled, and a ramp
    of greys.  One median cut over them all would spend the colours on the
    large flat areas of the later frames, leave the pale ramps of the first in
    bands, and tint the small grey text."""
    from PIL import Image

    width, height = images[0].size
    step = max(1, math.ceil(math.sqrt(width * height * len(images) / PALETTE_PIXELS)))
    if step > 1:  # every step-th pixel: the same colours, fewer to sort
        small = (-(-width // step), -(-height // step))
        images = [image.resize(small, Image.Resampling.NEAREST) for image in images]
    each = min(256, max(16, 3 * 255 // len(images)))  # Pillow's median cut: 256 at most
    pooled = []
    for image in images:
        indexed = image.quantize(each, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        pooled.append(_colours_of(indexed)[np.unique(np.asarray(indexed))])
    colours = np.unique(np.concatenate(pooled), axis=0)
    room = 255 - PALETTE_GREYS
    if len(colours) > room:  # too many: a median cut of the pooled colours themselves
        side = math.ceil(math.sqrt(len(colours)))
        square = np.resize(colours, (side * side, 3)).reshape(side, side, 3)
        fewer = Image.fromarray(square, "RGB").quantize(
            room, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        colours = _colours_of(fewer)[:room]
    greys = np.linspace(0, 255, PALETTE_GREYS).round().astype(np.uint8)
    colours = np.concatenate([colours, np.repeat(greys[:, None], 3, axis=1)])
    table = np.resize(colours, (256, 3))  # the unused entries repeat used ones
    palette = Image.new("P", (1, 1))
    palette.putpalette(table.ravel().tolist())
    return palette


def _colours_of(indexed) -> np.ndarray:
    """The palette of an indexed ("P") image, as (n, 3) RGB."""
    entries = indexed.getpalette() or []
    return np.asarray(entries[: len(entries) // 3 * 3], dtype=np.uint8).reshape(-1, 3)


def _write_mp4(frames: Iterator, target: Path, size: tuple[int, int], fps: float) -> None:
    import imageio_ffmpeg

    width, height = size
    even = (width + width % 2, height + height % 2)
    with tempfile.TemporaryDirectory(prefix="neural-playground-") as folder:
        movie = os.path.join(folder, "animation.mp4")
        writer = imageio_ffmpeg.write_frames(
            movie, even, fps=fps, codec="libx264", pix_fmt_out="yuv420p", quality=7,
            macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart"],  # plays while it loads
        )  # fmt: skip
        writer.send(None)  # start ffmpeg
        try:
            for rgb in frames:
                if rgb.size != even:
                    padded = _white(even)
                    padded.paste(rgb)
                    rgb = padded
                writer.send(rgb.tobytes())
        finally:
            writer.close()
        with open(movie, "rb") as source, atomic_write(target) as handle:
            shutil.copyfileobj(source, handle)


def _white(size: tuple[int, int]):
    from PIL import Image

    return Image.new("RGB", size, "white")
