"""Painting points: what a brush stroke on the output does to the data.

The painter keeps the points as it last sent them (a `PointSet`), turns each
stroke into a new set, and hands it to the trainer as own points (the network
and its epoch kept: `Experiment.use_points`).  A stroke, whole, is one undo
step; Clear is one too.  Data changed from elsewhere (another dataset, a file
opened) starts the painter afresh from what the window shows, undo forgotten.

The trainer needs at least MIN_POINTS points, one of them for testing: below
that (after Clear), strokes gather points in a preview and training waits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from ..core.config import MIN_POINTS, OWN_DATASET, Config
from ..core.datasets import Dataset, own_dataset
from ..core.snapshot import frozen
from ..core.trainer import DATA_FIELDS
from .experiment import Experiment

MAX_UNDO = 200


@dataclass(frozen=True, eq=False)
class PointSet:
    x: np.ndarray  # (n, 2)
    labels: np.ndarray  # (n,) class indices or targets
    train: np.ndarray  # (n,) bool

    @classmethod
    def of(cls, ds: Dataset) -> PointSet:
        n_train, n_test = len(ds.x_train), len(ds.x_test)
        return cls(
            np.concatenate([ds.x_train, ds.x_test]),
            np.concatenate([ds.y_train, ds.y_test]),
            np.r_[np.ones(n_train, bool), np.zeros(n_test, bool)],
        )

    def __len__(self) -> int:
        return len(self.x)

    def trainable(self) -> bool:
        return len(self) >= MIN_POINTS and bool(self.train.any()) and not self.train.all()


class Painter(QObject):
    history_changed = Signal()  # undo or redo became possible or not
    preview = Signal(object)  # a Dataset to show while there are too few points to train
    said = Signal(str)  # a sentence for the status bar

    def __init__(self, experiment: Experiment, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.experiment = experiment
        self.brush: float = 1.0  # class index, or the target painted points get
        self.all_train = False  # new points: all for training, or split by the ratio
        self._points: PointSet | None = None
        self._config: Config | None = None  # the config the points were last sent with
        self._class_names: tuple[str, ...] = ()
        self._undo: list[PointSet] = []
        self._redo: list[PointSet] = []
        self._in_stroke = False
        # too few points to train (after Clear or erasing): shown, but not sent
        self.pending = False
        experiment.started_over.connect(self.forget)  # New, Open, a file's data
        experiment.config_changed.connect(self._settings_changed)

    def forget(self) -> None:
        """Data from elsewhere: the next stroke starts from what the window shows."""
        self._points = self._config = None
        if self.pending:
            self.pending = False
            self.preview.emit(None)
        self._undo.clear()
        self._redo.clear()
        self.history_changed.emit()

    def _settings_changed(self, config: Config) -> None:
        # other data chosen (a built-in, a formula): the painted points, and a
        # preview waiting for more of them, are no longer what the window trains on
        if self._config is not None and _data(config) != _data(self._config):
            self.forget()

    # --- what can be done ---------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def classes(self) -> int:
        """How many class swatches (0: regression, a target instead)."""
        return self.experiment.config.num_classes

    # --- strokes ------------------------------------------------------------------

    def add(self, x1: float, x2: float) -> None:
        points = self._begin()
        if points is None:
            return
        label = round(self.brush) if self.classes() else self.brush
        n = len(points)
        cfg = self.experiment.config
        # seeded by the data seed and the count, so a replayed stroke splits the same
        train = (
            self.all_train or np.random.default_rng([cfg.data_seed, n]).random() < cfg.train_ratio
        )
        if train and not (~points.train).any():
            train = False  # keep one point for testing
        self._send(
            PointSet(
                np.vstack([points.x, [[x1, x2]]]),
                np.append(points.labels, label).astype(points.labels.dtype),
                np.append(points.train, train),
            )
        )

    def erase(self, x1: float, x2: float, radius: float) -> None:
        points = self._current()
        if points is None:
            return
        keep = np.hypot(points.x[:, 0] - x1, points.x[:, 1] - x2) > radius
        if keep.all():
            return  # nothing under the eraser: no undo step, redo kept
        self._begin()
        self._send(PointSet(points.x[keep], points.labels[keep], points.train[keep]))

    def end_stroke(self) -> None:
        self._in_stroke = False

    def clear(self) -> None:
        points = self._begin()
        if points is None or not len(points):
            return
        self._in_stroke = False  # Clear is a step of its own
        empty = PointSet(points.x[:0], points.labels[:0], points.train[:0])
        self._send(empty)

    def undo(self) -> None:
        self._step(self._undo, self._redo)

    def redo(self) -> None:
        self._step(self._redo, self._undo)

    # --- keeping the points -------------------------------------------------------

    def _current(self) -> PointSet | None:
        """The points shown: the painter's own, or the window's if they changed since."""
        if self._points is not None and _data(self.experiment.config) == _data(self._config):
            return self._points  # (other settings may change while painting)
        snap = self.experiment.snapshot
        if (
            snap is None
            or snap.dataset is None
            or _data(snap.config) != _data(self.experiment.config)
        ):
            return None  # the picture is of other data than the settings: wait for it
        self._points, self._config = PointSet.of(snap.dataset), self.experiment.config
        self._class_names = snap.dataset.class_names
        self._undo.clear()
        self._redo.clear()
        self.history_changed.emit()
        return self._points

    def _begin(self) -> PointSet | None:
        points = self._current()
        if points is not None and not self._in_stroke:
            self._in_stroke = True
            self._push(self._undo, points)
            self._redo.clear()
            self.history_changed.emit()
        return points

    def _step(self, source: list[PointSet], target: list[PointSet]) -> None:
        current = self._current()
        if current is None or not source:
            return
        target.append(current)
        self._in_stroke = False
        self._send(source.pop())
        self.history_changed.emit()

    def _push(self, stack: list[PointSet], points: PointSet) -> None:
        stack.append(points)
        del stack[:-MAX_UNDO]

    def _send(self, points: PointSet) -> None:
        self._points = points
        cfg = self.experiment.config
        k = cfg.num_classes
        if not points.trainable():  # shown, not trained on: a Dataset own_dataset would refuse
            preview = Dataset(
                x_train=frozen(points.x[points.train]),
                y_train=frozen(points.labels[points.train], points.labels.dtype),
                x_test=frozen(points.x[~points.train]),
                y_test=frozen(points.labels[~points.train], points.labels.dtype),
                num_classes=k,
                class_names=self._class_names,
                origin="painted",
            )
            self._config = cfg
            self.pending = True
            self.experiment.session.pause()  # the trainer's points are not these
            self.preview.emit(preview)
            self.said.emit(
                f"Paint at least {MIN_POINTS} points, one of them for testing, to train."
            )
            return
        dataset = own_dataset(
            points.x, points.labels, num_classes=k, class_names=self._class_names,
            train=points.train, origin="painted",
        )  # fmt: skip
        if self.pending:
            self.pending = False
            self.preview.emit(None)
            self.said.emit("Enough points to train on: press Play (Space).")
        changes: dict[str, object] = {
            "dataset": OWN_DATASET, "points": len(points), "formula": "", "shift": (0.0, 0.0),
        }  # fmt: skip
        if k:
            changes["classes"] = k
        config = cfg.replace(**changes, problem=cfg.problem)
        self._config = config
        self.experiment.use_points(config, dataset)


def _data(config: Config | None) -> dict | None:
    return None if config is None else {f: getattr(config, f) for f in DATA_FIELDS}
