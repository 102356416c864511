"""A run replayed from its timeline: the frames of an animation of training.

`animation_frames` pictures a run's checkpoints (core/timeline.py), each as a
`Snapshot` like the ones the window draws, with the run's history cut at the
checkpoint's epoch, so a loss plot drawn from a frame ends where the frame is.
It knows nothing of files or Qt: `render --animate` and the window's File >
Export Animation both hand it their checkpoints and history, and give the
frames to views/animation.py.

A frame's grids hold every neuron's picture (the network view needs them):
`animation_frames` keeps them all (4 bytes x resolution² x neurons a frame),
`AnimationFrames` makes each when it is read, for a writer that draws them one
by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import overload

import numpy as np

from .config import Config
from .datasets import Dataset
from .optimizers import learning_rate
from .snapshot import History, Snapshot
from .timeline import Checkpoint
from .trainer import Trainer

MAX_DEFAULT_FRAMES = 100  # frames when none are asked for: one per checkpoint, at most this
DEFAULT_GRID_RESOLUTION = 100  # pixels per side of a neuron's picture, as the window's


def frame_indices(count: int, frames: int | None = None) -> list[int]:
    """Which of `count` checkpoints (oldest first) become frames: `frames` of
    them spread evenly by index, always the first and the last (all of them when
    there are no more than that); None: one per checkpoint, at most
    MAX_DEFAULT_FRAMES."""
    if count < 1:
        raise ValueError("an animation needs at least one checkpoint")
    wanted = MAX_DEFAULT_FRAMES if frames is None else frames
    if wanted < 2:
        raise ValueError(f"an animation needs at least 2 frames (got {wanted})")
    if count <= wanted:
        return list(range(count))
    # steps of (count - 1) / (wanted - 1) >= 1: rounding keeps them apart
    return [round(i * (count - 1) / (wanted - 1)) for i in range(wanted)]


def history_until(history: History, epoch: int) -> History:
    """The rows of `history` up to and including `epoch` (read-only views, no copies)."""
    end = int(np.searchsorted(history.epochs, epoch, side="right"))

    def cut(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[:end]

    return History(
        epochs=history.epochs[:end],
        train_loss=history.train_loss[:end],
        test_loss=history.test_loss[:end],
        train_accuracy=cut(history.train_accuracy),
        test_accuracy=cut(history.test_accuracy),
    )


class AnimationFrames(Sequence[Snapshot]):
    """The frames of `animation_frames`, each pictured when it is asked for and
    not kept: for a writer that draws them one by one (a big network's grids
    are megabytes a frame).  Not thread-safe: one trainer pictures them all."""

    def __init__(
        self,
        config: Config,
        dataset: Dataset,
        checkpoints: Sequence[Checkpoint],
        history: History,
        frames: int | None = None,
        grid_resolution: int = DEFAULT_GRID_RESOLUTION,
    ) -> None:
        ordered = sorted(checkpoints, key=lambda c: c.epoch)
        self.checkpoints = [ordered[i] for i in frame_indices(len(ordered), frames)]
        self.history = history
        self.grid_resolution = grid_resolution
        self._viewer = Trainer(config, dataset)  # a trainer only to picture them (never trained)
        if any(c.params.shape != self._viewer.network.params.shape for c in self.checkpoints):
            raise ValueError("a checkpoint is of another network than the config's")

    @property
    def epochs(self) -> list[int]:
        return [c.epoch for c in self.checkpoints]

    def __len__(self) -> int:
        return len(self.checkpoints)

    @overload
    def __getitem__(self, index: int) -> Snapshot: ...

    @overload
    def __getitem__(self, index: slice) -> list[Snapshot]: ...

    def __getitem__(self, index: int | slice) -> Snapshot | list[Snapshot]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        checkpoint = self.checkpoints[index]
        snap = self._viewer.show_checkpoint(checkpoint, grid_resolution=self.grid_resolution)
        return replace(
            snap,
            history=history_until(self.history, checkpoint.epoch),
            learning_rate=learning_rate(checkpoint.config, checkpoint.epoch),
        )


def animation_frames(
    config: Config,
    dataset: Dataset,
    checkpoints: Sequence[Checkpoint],
    history: History,
    frames: int | None = None,
    grid_resolution: int = DEFAULT_GRID_RESOLUTION,
) -> list[Snapshot]:
    """A snapshot per frame of an animation of a run, oldest first.

    `config` and `dataset` are the run's (the network the checkpoints are of),
    `checkpoints` its timeline (CheckpointStore.checkpoints), `history` its
    curves (Trainer.history).  The frames are `frame_indices(len(checkpoints),
    frames)`: by default one per checkpoint, at most 100.  Each frame is the
    checkpoint's network with grids at `grid_resolution`, its epoch and metrics,
    and the run's history up to its epoch.  ValueError: no checkpoints, fewer
    than 2 frames asked for, or a checkpoint of another network.
    `AnimationFrames` is the same list made frame by frame, as it is read.
    """
    return list(AnimationFrames(config, dataset, checkpoints, history, frames, grid_resolution))
