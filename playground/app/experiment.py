"""The current experiment as the window knows it: one owner, and signals for the rest.

`Experiment` holds the configuration the window shows, the newest complete
`Snapshot` and the saved mark, and it has the only methods that change the
configuration.  Panels propose changes to it; `Config` validates them and fixes
its own invariants; the experiment applies the result, sends it to the trainer
thread and signals.  Views follow `snapshot_changed`, panels `config_changed`,
file actions read the experiment, never the window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..bridge.session import TrainingSession
from ..core.config import MAX_HIDDEN_LAYERS, MAX_NEURONS, Config, ConfigError, next_seed
from ..core.datasets import Dataset
from ..core.diagnostics_types import Remedy
from ..core.pins import PinnedRun
from ..core.snapshot import Snapshot
from ..core.timeline import Checkpoint
from .run_records import RunRecords

NEW_LAYER_NEURONS = 2  # as TensorFlow Playground


def grid_resolution_for(config: Config) -> int:
    """Pixels per side of every neuron's picture: TensorFlow Playground's 100 for
    networks of its size; coarser for big ones, whose tiles are small anyway and
    whose pictures would otherwise cost the trainer more than it trains."""
    neurons = sum(config.hidden)
    return 100 if neurons <= 64 else 64 if neurons <= 256 else 40


@dataclass(frozen=True)
class SavedMark:
    """Where the experiment stood when it was last saved or opened.

    Training, a rebuild or a rollback moves the epoch, the step or the
    configuration; the edits that change neither (a typed weight, imported
    parameters) set `edited`.  `config` None: never saved, so only training or
    edits make the work worth saving.
    """

    config: Config | None = None
    epoch: int = 0
    step: int = 0
    edited: bool = False

    @classmethod
    def of_state(cls, state: Mapping) -> SavedMark:
        """The mark of a trainer state (as saved in a file)."""
        return cls(Config.from_dict(state["config"]), int(state["epoch"]), int(state["steps"]))

    def is_dirty(self, snapshot: Snapshot | None, config: Config) -> bool:
        if self.edited:
            return True
        if snapshot is None:
            return False
        if self.config is None:
            return snapshot.epoch > 0
        return (snapshot.epoch, snapshot.step, config) != (self.epoch, self.step, self.config)


class Experiment(QObject):
    """The one owner of the current Config, the latest Snapshot and the saved mark."""

    config_changed = Signal(object)  # Config: the new configuration, accepted
    snapshot_changed = Signal(object)  # Snapshot: the newest picture of training
    refused = Signal(str)  # a proposed change was refused: why, in one sentence
    dirty_changed = Signal(bool)  # whether there is work a save would keep
    path_changed = Signal(object)  # Path | None: the experiment file now open
    started_over = Signal()  # another trainer state took over (opened, imported, new)

    def __init__(
        self, session: TrainingSession, config: Config, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._config = config
        self._snapshot: Snapshot | None = None
        self._saved = SavedMark()
        self._dirty = False
        self._path: Path | None = None
        self._past: Snapshot | None = None  # a checkpoint on show instead of the live run
        self.records = RunRecords(session, self)  # the timeline and the pinned runs
        session.set_grid_resolution(grid_resolution_for(config))

    # --- reading -----------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    @property
    def snapshot(self) -> Snapshot | None:
        """The newest picture of training, grids and all (None before the first)."""
        return self._snapshot

    @property
    def path(self) -> Path | None:
        return self._path

    def is_dirty(self) -> bool:
        return self._saved.is_dirty(self._snapshot, self._config)

    @property
    def shown(self) -> Snapshot | None:
        """What the views show: a checkpoint looked back at, else the live run
        (File > Export Image and Export Parameters take this)."""
        return self._past if self._past is not None else self._snapshot

    @property
    def past(self) -> Snapshot | None:
        """The checkpoint shown instead of the live run (the timeline), or None."""
        return self._past

    # --- changing the configuration ------------------------------------------------

    def propose(self, changes: Mapping[str, object]) -> bool:
        """Apply {field: value} changes if the Config accepts them; else say why."""
        self.leave_past()  # a change applies to the live run: show it
        try:
            new = self._config.replace(**changes)
        except ConfigError as exc:
            self.refused.emit(str(exc))
            return False
        self._adopt(new, send=True)
        return True

    def toggle_feature(self, name: str) -> bool:
        features = set(self._config.features) ^ {name}
        if not features:
            self.refused.emit("At least one input feature must stay on.")
            return False
        return self.propose({"features": tuple(features)})

    def add_layer(self) -> bool:
        hidden = self._config.hidden
        return len(hidden) < MAX_HIDDEN_LAYERS and self.propose(
            {"hidden": (*hidden, NEW_LAYER_NEURONS)}
        )

    def remove_layer(self) -> bool:
        hidden = self._config.hidden
        return bool(hidden) and self.propose({"hidden": hidden[:-1]})

    def add_neuron(self, layer: int) -> bool:
        """One more neuron in hidden layer `layer` (from 0)."""
        return self._resize_layer(layer, +1)

    def remove_neuron(self, layer: int) -> bool:
        return self._resize_layer(layer, -1)

    def _resize_layer(self, layer: int, delta: int) -> bool:
        hidden = list(self._config.hidden)
        if not (0 <= layer < len(hidden) and 1 <= hidden[layer] + delta <= MAX_NEURONS):
            return False
        hidden[layer] += delta
        return self.propose({"hidden": tuple(hidden)})

    def reset(self) -> bool:
        """Epoch 0 with fresh parameters (the next initialization seed)."""
        return self.propose({"init_seed": next_seed(self._config.init_seed)})

    def apply_remedy(self, remedy: Remedy) -> bool:
        """One of the doctor's remedies: its Config changes, and with `reset` a fresh
        start from the next seed too, all in one step (one rebuild)."""
        changes = dict(remedy.changes)
        if remedy.reset:
            changes["init_seed"] = next_seed(self._config.init_seed)
        return self.propose(changes)

    def edit_weight(self, layer: int, row: int, col: int, value: float) -> None:
        self.leave_past()  # an edit is of the live network: show it
        self.session.set_weight(layer, row, col, value)
        self._mark_edited()

    def edit_bias(self, layer: int, row: int, value: float) -> None:
        self.leave_past()  # an edit is of the live network: show it
        self.session.set_bias(layer, row, value)
        self._mark_edited()

    def _adopt(self, config: Config, send: bool) -> None:
        if config == self._config:
            return
        if grid_resolution_for(config) != grid_resolution_for(self._config):
            self.session.set_grid_resolution(grid_resolution_for(config))
        self._config = config
        if send:
            self.session.set_config(config)
        self.config_changed.emit(config)
        self._update_dirty()

    # --- files ---------------------------------------------------------------------

    def open_state(
        self,
        path: Path,
        state: dict,
        timeline: tuple[Checkpoint, ...] = (),
        pins: tuple[PinnedRun, ...] = (),
    ) -> str | None:
        """Go on from a saved experiment, with its timeline and pinned runs.
        Returns None, or why the trainer refused the state (then nothing changed)."""
        mark = SavedMark.of_state(state)
        assert mark.config is not None
        refused = self.session.load_state(state)
        if refused is not None:
            return refused
        self._start_over(mark.config, mark, path)
        self.records.load(timeline, pins)
        return None

    def new(self, config: Config) -> str | None:
        """A fresh, untitled experiment with `config`, at epoch 0."""
        refused = self.session.restart(config)
        if refused is not None:
            return refused
        self._start_over(config, SavedMark(), None)
        self.records.clear()
        return None

    def go_on_from(self, state: dict, keep_timeline: bool = True) -> str | None:
        """Train on from another state of this experiment (a checkpoint of its
        timeline, a seed's run): the file and pins stay, the run is replaced.
        `keep_timeline`: the state is of this run (a checkpoint), so its past
        stays; else the timeline starts again.  Returns None, or why the
        trainer refused it (then nothing changed)."""
        refused = self.session.load_state(state)
        if refused is not None:
            return refused
        self.records.follow(state["epoch"] if keep_timeline else None)
        self._leave_past(show=False)
        self._adopt(Config.from_dict(state["config"]), send=False)  # the trainer has it
        self._snapshot = None  # the next picture is of the new run
        self._mark_edited()
        return None

    def use_data(self, config: Config, dataset: Dataset) -> str | None:
        """Train on a person's own points from now on (a new start at epoch 0).
        None, or why the trainer refused them (then nothing changed)."""
        refused = self.session.restart(config, dataset)
        if refused is not None:
            return refused
        self._start_over(config, self._saved, self._path)
        self._mark_edited()
        return None

    def use_points(self, config: Config, dataset: Dataset) -> None:
        """Painted points: the trainer goes on with its network on them."""
        self.leave_past()
        self.session.use_points(config, dataset)
        self._adopt(config, send=False)
        self._mark_edited()

    def import_parameters(self, config: Config, layers: list) -> str | None:
        """Start over from imported parameters, with the architecture they need.
        Returns None, or why the trainer refused them."""
        self.leave_past()
        self._adopt(config, send=True)
        refused = self.session.load_parameters(layers)
        if refused is not None:
            return refused
        self._mark_edited()
        self.started_over.emit()
        return None

    def _start_over(self, config: Config, mark: SavedMark, path: Path | None) -> None:
        self._leave_past(show=False)
        self._adopt(config, send=False)  # the trainer has it already
        # the last picture is of what came before: none until the trainer's first
        # (views keep showing the old one meanwhile; it counts as nothing to save)
        self._snapshot = None
        self._saved = mark
        self._set_path(path)
        self._update_dirty()
        self.started_over.emit()

    def fetch_state(self) -> dict | None:
        """The trainer's whole state, to save (None if the trainer has gone)."""
        return self.session.fetch_state()

    def mark_saved(self, path: Path, state: dict) -> None:
        """The state was written to `path`: from now on, changes are counted from it."""
        self._saved = SavedMark.of_state(state)
        self._set_path(path)
        self._update_dirty()

    def _set_path(self, path: Path | None) -> None:
        if path != self._path:
            self._path = path
            self.path_changed.emit(path)

    def _mark_edited(self) -> None:
        self._saved = dataclasses.replace(self._saved, edited=True)
        self._update_dirty()

    # --- pictures ------------------------------------------------------------------

    def take(self, snapshot: Snapshot) -> None:
        """The newest snapshot from the trainer (the frame clock hands them over);
        shown unless a checkpoint of the past is."""
        self._snapshot = snapshot
        if self._past is None:
            self.snapshot_changed.emit(snapshot)
        self._update_dirty()

    def show_past(self, snapshot: Snapshot) -> None:
        """Show a checkpoint's snapshot in place of the live run (the timeline)."""
        self._past = snapshot
        self.snapshot_changed.emit(snapshot)

    def leave_past(self) -> None:
        """Back to the live run, if a checkpoint was on show."""
        self._leave_past(show=True)

    def _leave_past(self, show: bool) -> None:
        if self._past is None:
            return
        self._past = None
        if show and self._snapshot is not None:
            self.snapshot_changed.emit(self._snapshot)

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
