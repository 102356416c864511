"""File > Export Animation: the run's timeline as a GIF (or an MP4 with
imageio-ffmpeg), frame by frame from its checkpoints (core/replay.py,
views/animation.py), with a progress bar that can cancel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from ..core.replay import AnimationFrames
from ..views.animation import DEFAULT_FPS, MAX_FPS, MIN_FPS, default_size, write_animation
from .experiment import grid_resolution_for
from .file_actions import FileActions

ANIMATION_FILTER = "GIF animation (*.gif);;MP4 video (*.mp4)"
MAX_FRAMES = 100
MIN_SIDE, MAX_SIDE = 120, 4000  # px, a frame's side


@dataclass(frozen=True)
class AnimationOptions:
    what: str = "output"  # "output" or "window"
    frames: int = MAX_FRAMES  # at most; fewer checkpoints give fewer
    fps: float = DEFAULT_FPS
    size: tuple[int, int] | None = None  # a frame's width and height; None: what's default


class _Cancelled(Exception):
    pass


class AnimationExport(QObject):
    def __init__(self, files: FileActions, parent: QWidget) -> None:
        super().__init__(parent)
        self.files = files
        self.experiment = files.experiment
        self._parent = parent
        self.ask_options = self._dialog_options  # tests answer instead

    def dialog(self) -> bool:
        """Ask where and how, then write the animation."""
        count = len(self.experiment.records.timeline)
        if count < 2:
            self.files.tell("Train a little first: an animation needs at least two checkpoints.")
            return False
        folder = self.files.folders.folder("animation")
        name = self.files.ask_save(
            "Export animation",
            ANIMATION_FILTER,
            str(folder / f"{self.experiment.config.dataset}.gif"),
        )
        if not name:
            return False
        options = self.ask_options()
        if options is None:
            return False
        path = Path(name)
        if path.suffix.lower() not in (".gif", ".mp4"):
            path = path.with_name(path.name + ".gif")
        return self.export_to(path, options)

    def export_to(self, path: Path, options: AnimationOptions = AnimationOptions()) -> bool:
        live = self.experiment.snapshot
        checkpoints = self.experiment.records.timeline_of_live()
        if live is None or live.dataset is None or len(checkpoints) < 2:
            self.files.tell("An animation needs at least two checkpoints of this network.")
            return False
        try:
            frames = AnimationFrames(
                live.config, live.dataset, checkpoints, live.history,
                min(options.frames, len(checkpoints)), grid_resolution_for(live.config),
            )  # fmt: skip
        except ValueError as exc:
            self.files.tell(f"Cannot make the animation: {exc}")
            return False
        progress = QProgressDialog("Drawing the frames…", "Cancel", 0, len(frames), self._parent)
        progress.setWindowTitle("Export Animation")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> None:
            progress.setValue(done)
            QApplication.processEvents()
            if progress.wasCanceled():
                raise _Cancelled

        try:
            written = write_animation(
                frames,
                path,
                options.size or default_size(options.what),
                options.fps,
                options.what,
                step,
            )
        except _Cancelled:
            self.files.message.emit("Animation cancelled; nothing was written.")
            return False
        except (ValueError, OSError) as exc:  # RenderError is a ValueError: one sentence
            self.files.tell(str(exc))
            return False
        finally:
            progress.close()
        self.files.folders.remember("animation", path)
        self.files.message.emit(f"Animation of {written} frames written to {path}")
        return True

    def _dialog_options(self) -> AnimationOptions | None:
        dialog = QDialog(self._parent)
        dialog.setWindowTitle("Export Animation")
        what = QComboBox()
        what.addItem("The output (heatmap and points)", "output")
        what.addItem("The whole picture (network, output, loss)", "window")
        frames = QSpinBox()
        frames.setRange(2, MAX_FRAMES)
        frames.setValue(MAX_FRAMES)
        frames.setToolTip("At most one frame per checkpoint of the timeline")
        fps = QDoubleSpinBox()
        fps.setRange(MIN_FPS, MAX_FPS)
        fps.setValue(DEFAULT_FPS)
        fps.setSuffix(" frames/s")
        width, height = QSpinBox(), QSpinBox()
        for box, text in ((width, " px wide"), (height, " px high")):
            box.setRange(MIN_SIDE, MAX_SIDE)
            box.setSuffix(text)

        def sized() -> None:  # each kind of picture has its own natural size
            w, h = default_size(str(what.currentData()))
            width.setValue(w)
            height.setValue(h)

        what.currentIndexChanged.connect(sized)
        sized()
        size_row = QHBoxLayout()
        size_row.addWidget(width)
        size_row.addWidget(height)
        form = QFormLayout(dialog)
        form.addRow("Show", what)
        form.addRow("Frames (at most)", frames)
        form.addRow("Speed", fps)
        form.addRow("Size", size_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        size = (width.value(), height.value())
        return AnimationOptions(str(what.currentData()), frames.value(), fps.value(), size)
