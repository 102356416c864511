"""The trainer: one network, its data, its optimizer, and the training loop.

Everything here runs in float64 and is deterministic: the same Config gives
bit-identical parameters.  Randomness comes from three seeded streams, so
changing one thing (say, re-initializing) does not disturb the others:
the data (config.data_seed), the initial parameters and the mini-batch order
(both from config.init_seed, as separate streams).

A trainer is not thread-safe.  The window drives one from a single worker
thread and reads it only through immutable `Snapshot`s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from .checkpoint import DATASET_KEYS, CheckedState, check_state
from .config import (
    DATA_FIELDS,
    MAX_GRID_RESOLUTION,
    MAX_HISTORY_ROWS,
    MIN_GRID_RESOLUTION,
    OWN_DATASET,
    Config,
    ConfigError,
)
from .datasets import Dataset, input_scaling, make_dataset, view_extent
from .diagnostics import measure
from .diagnostics_types import Diagnostics
from .divergence import loss_limit, parameter_problem, runaway
from .features import InputScaling, grid_points, scaled_features
from .initializers import initialize_parameters
from .losses import encode_targets, make_head, predicted_classes
from .network import Network
from .optimizers import learning_rate, make_optimizer
from .regularizers import Regularizer
from .snapshot import Grids, History, Metrics, Snapshot, frozen
from .timeline import Checkpoint, CheckpointStore, capture

_INIT_STREAM, _SHUFFLE_STREAM = 1, 2


class Trainer:
    def __init__(self, config: Config | None = None, dataset: Dataset | None = None) -> None:
        self.config = config if config is not None else Config()
        self.generation = 0
        self._grid_inputs: dict[int, np.ndarray] = {}
        self.timeline: CheckpointStore | None = None  # see record_checkpoints
        self._checkpoint_sink: Callable[[Checkpoint], None] | None = None
        self._build(dataset)

    # --- building ------------------------------------------------------------

    def _build(self, dataset: Dataset | None = None) -> None:
        cfg = self.config
        # everything is made first and assigned last, so a failure changes nothing
        ds = dataset if dataset is not None else make_dataset(cfg)
        assert cfg.problem is not None  # Config fills in the dataset's own kind
        head = make_head(cfg.problem, cfg.loss, cfg.num_outputs)
        network = Network(cfg.layer_sizes, cfg.activation, head)
        scaling = input_scaling(cfg, ds)
        x_train = scaled_features(ds.x_train, cfg.features, scaling, ones=True)
        x_test = scaled_features(ds.x_test, cfg.features, scaling, ones=True)
        t_train = encode_targets(head, ds.y_train, cfg.num_outputs)
        t_test = encode_targets(head, ds.y_test, cfg.num_outputs)
        limit = loss_limit(head, t_train)  # a training loss beyond it is a divergence
        self.dataset, self.head, self.network = ds, head, network
        self._frozen_biases = None if cfg.use_bias else np.flatnonzero(network.bias_mask)
        self.scaling = scaling  # where the network sees the points (None: as they are)
        self.extent = view_extent(cfg, ds)  # where the pictures look
        self._loss_limit = limit
        self._x_train, self._x_test, self._t_train, self._t_test = x_train, x_test, t_train, t_test
        self._grid_inputs.clear()
        self.reinitialize()

    def use_points(self, config: Config, dataset: Dataset) -> None:
        """Train on other own points (painted ones) from here on, the network and
        the optimizer as they are: the epoch in progress starts again on them and
        the last history row is measured on them.  `config` must be `self.config`
        but for its point count (own data, the same network): ValueError else."""
        n = len(dataset.x_train) + len(dataset.x_test)
        data = {f: getattr(config, f) for f in DATA_FIELDS}
        same = config.layer_sizes == self.config.layer_sizes and config.loss == self.config.loss
        if config.dataset != OWN_DATASET or not same or self.config.replace(**data) != config:
            raise ValueError("painted points keep the network and its settings")
        if config.points != n or dataset.num_classes != config.num_classes:
            raise ValueError(
                "the points must be as many, and of as many classes, as the config says"
            )
        scaling = input_scaling(config, dataset)
        x_train = scaled_features(dataset.x_train, config.features, scaling, ones=True)
        x_test = scaled_features(dataset.x_test, config.features, scaling, ones=True)
        t_train = encode_targets(self.head, dataset.y_train, config.num_outputs)
        t_test = encode_targets(self.head, dataset.y_test, config.num_outputs)
        self.config, self.dataset, self.scaling = config, dataset, scaling
        self._x_train, self._x_test, self._t_train, self._t_test = x_train, x_test, t_train, t_test
        self._loss_limit = loss_limit(self.head, t_train)
        self.extent = view_extent(config, dataset)
        self._grid_inputs.clear()  # the extent or the scaling may have moved
        self._cursor = 0  # an epoch in progress ordered the old points: begin it again
        self._refresh_last_record()

    def reinitialize(self, init_seed: int | None = None) -> None:
        """Fresh parameters (from a new seed if given), epoch 0, empty history."""
        if init_seed is not None:
            self.config = self.config.replace(init_seed=init_seed)
        cfg = self.config
        rng = np.random.default_rng([cfg.init_seed, _INIT_STREAM])
        self.network.set_parameters(initialize_parameters(cfg, rng))
        self._start_fresh()

    def _start_fresh(self) -> None:
        cfg = self.config
        self.generation += 1
        self._shuffle_rng = np.random.default_rng([cfg.init_seed, _SHUFFLE_STREAM])
        self.optimizer = make_optimizer(cfg, self.network.params.size)
        self._make_regularizer()
        self.epoch = 0
        self.steps = 0
        self._cursor = 0  # position within the current epoch's order
        self._order: np.ndarray | None = None  # this epoch's permutation; None: data order
        # this epoch's rows in training order (each epoch sets them as it begins)
        self._order_x, self._order_t = self._x_train, self._t_train
        self.diverged = False
        self.message = ""
        self.settings_changed_at = 0  # epoch of the last setting changed in flight
        self._history = np.full((64, 5), np.nan)
        self._rows = 0
        self._record()
        if self.timeline is not None:  # a new run: a new timeline
            self.timeline.clear()
            self._take_checkpoint(always=True)

    def _make_regularizer(self) -> None:
        cfg = self.config
        net = self.network
        mask = np.ones_like(net.bias_mask) if cfg.reg_bias else ~net.bias_mask
        self.regularizer = Regularizer(cfg.regularization, cfg.reg_rate, mask)

    def set_config(self, config: Config) -> bool:
        """Apply a new configuration; returns True when training started over.

        Learning rate, optimizer, regularization, batch size and schedule keep
        the parameters and apply from the next mini-batch (even mid-epoch);
        anything else rebuilds (and new data is generated only if a data
        setting changed).
        """
        old, self.config = self.config, config
        if old.needs_rebuild(config):
            same_data = all(getattr(old, f) == getattr(config, f) for f in DATA_FIELDS)
            try:
                self._build(self.dataset if same_data else None)
            except BaseException:
                self.config = old  # all or nothing: the old network is still whole
                raise
            return True
        if config.optimizer != old.optimizer:
            self.optimizer = make_optimizer(config, self.network.params.size)
            if self._cursor:  # mid-epoch: the fallback state must suit the new optimizer
                self._checkpoint = (
                    self.network.params.copy(),
                    self.optimizer.state_dict(),
                    self.steps,
                )
        else:
            self.optimizer.set_config(config)
        if self._cursor:  # mid-epoch: the rest of this epoch's steps use the new rate
            self._lr = learning_rate(config, self.epoch)
        self._make_regularizer()
        self.settings_changed_at = self.epoch  # the doctor judges a plateau from here
        if self.diverged:  # the restored parameters are finite: let the person go on
            self.diverged = False
            self.message = ""
        return False

    # --- training ------------------------------------------------------------

    @property
    def batch_size(self) -> int:
        n = len(self._x_train)
        return n if self.config.batch_size is None else min(self.config.batch_size, n)

    def train(
        self,
        epochs: int | None = None,
        callback: Callable[[Trainer], bool | None] | None = None,
    ) -> Metrics:
        """Train whole epochs (config.epochs by default); stops early on divergence
        or when callback(trainer), called after each epoch, returns False."""
        for _ in range(self.config.epochs if epochs is None else epochs):
            if not self.train_epoch():
                break
            if callback is not None and callback(self) is False:
                break
        return self.metrics

    def train_epoch(self) -> bool:
        """Finish the current epoch; False if training is stopped by divergence."""
        if self.diverged:
            return False
        if self._cursor == 0:
            self._begin_epoch()
        n, bs = len(self._order_x), self.batch_size
        xs, ts, train_batch = self._order_x, self._order_t, self._train_batch
        with np.errstate(all="ignore"):  # overflow is caught below as divergence
            for start in range(self._cursor, n, bs):
                train_batch(xs[start : start + bs], ts[start : start + bs])
        self._cursor = n
        return self._end_epoch()

    def _train_batch(self, xb: np.ndarray, tb: np.ndarray) -> None:
        """One optimizer step on one mini-batch (callers hold np.errstate)."""
        net = self.network
        net.forward(xb)
        net.backward(xb, tb)
        if self._frozen_biases is not None:  # no biases: theirs stay 0
            net.grads[self._frozen_biases] = 0.0
        self.regularizer.add_gradient(net.params, net.grads)
        self.optimizer.step(net.params, net.grads, self._lr)
        self.steps += 1

    def step(self, batches: int = 1) -> bool:
        """Train single mini-batches; an epoch ends when its last batch is done."""
        for _ in range(batches):
            if self.diverged:
                return False
            if self._cursor == 0:
                self._begin_epoch()
            bs = self.batch_size
            xb = self._order_x[self._cursor : self._cursor + bs]
            tb = self._order_t[self._cursor : self._cursor + bs]
            with np.errstate(all="ignore"):
                self._train_batch(xb, tb)
            self._cursor += len(xb)
            if self._cursor >= len(self._order_x):
                if not self._end_epoch():
                    return False
            else:
                problem = parameter_problem(self.network.params, self.network.sizes)
                if problem is not None:
                    self._diverge(problem)
                    return False
        return True

    def _begin_epoch(self) -> None:
        # Keep the last good state, so a divergence can fall back to it.
        self._checkpoint = (self.network.params.copy(), self.optimizer.state_dict(), self.steps)
        if self.config.shuffle:
            self._order = order = self._shuffle_rng.permutation(len(self._x_train))
            self._order_x, self._order_t = self._x_train[order], self._t_train[order]
        else:
            self._order = None
            self._order_x, self._order_t = self._x_train, self._t_train
        self._lr = learning_rate(self.config, self.epoch)

    def _end_epoch(self) -> bool:
        self._cursor = 0
        self.epoch += 1
        self._record()
        loss = self._history[self._rows - 1, 1]
        net = self.network
        problem = runaway(float(loss), self._loss_limit, net.params, net.sizes)
        if problem is not None:
            self._diverge(problem)
            return False
        if self.timeline is not None:
            self._take_checkpoint()
        return True

    def _diverge(self, what: str) -> None:
        at = self.epoch if self._cursor == 0 else self.epoch + 1
        params, opt_state, steps = self._checkpoint
        self.network.params[:] = params
        self.optimizer.load_state_dict(opt_state)
        self.steps = steps
        self.epoch = at - 1
        self._cursor = 0
        # drop the rows of the epochs undone (rows are by epoch, perhaps thinned)
        self._rows = int(np.searchsorted(self._history[: self._rows, 0], self.epoch, "right"))
        self.diverged = True
        self.message = (
            f"Training diverged in epoch {at}: {what}. "
            f"Try a smaller learning rate (now {self._lr:g}) or another initializer; "
            f"the network is back at the end of epoch {self.epoch}."
        )

    # --- the timeline ------------------------------------------------------------

    def record_checkpoints(
        self, store: CheckpointStore | None, sink: Callable[[Checkpoint], None] | None = None
    ) -> None:
        """Keep checkpoints in `store` as training goes (core/timeline.py), from
        now (this epoch's is taken at once); each kept one is also handed to
        `sink` (the window's trainer sends it there).  None stops recording."""
        self.timeline, self._checkpoint_sink = store, sink
        if store is not None:
            self._take_checkpoint(always=True)

    def _take_checkpoint(self, always: bool = False) -> None:
        store = self.timeline
        if store is None or self._cursor or self.diverged:
            return
        if always or store.wants(self.epoch):
            checkpoint = capture(self)
            store.add(checkpoint)
            if self._checkpoint_sink is not None:
                self._checkpoint_sink(checkpoint)

    @property
    def at_epoch_start(self) -> bool:
        """True between epochs (none begun), where checkpoints are taken."""
        return self._cursor == 0

    def shuffle_state(self) -> dict:
        """The mini-batch order's random state (a fresh dict of ints)."""
        return dict(self._shuffle_rng.bit_generator.state)

    def last_record(self) -> np.ndarray:
        """The newest history row: epoch, train/test loss, train/test accuracy."""
        return self._history[self._rows - 1].copy()

    def show_checkpoint(
        self, checkpoint: Checkpoint, grid_resolution: int | None = None
    ) -> Snapshot:
        """A snapshot of this network with `checkpoint`'s parameters, epoch and
        metrics, for a trainer kept only to picture checkpoints (the window's
        timeline): its parameters become the checkpoint's.  The checkpoint must
        be of this network (its config's layer sizes)."""
        if checkpoint.params.shape != self.network.params.shape:
            raise ValueError("that checkpoint is of another network")
        self.network.params[:] = checkpoint.params
        snap = self.snapshot(grid_resolution=grid_resolution)
        metrics = Metrics.of_row(checkpoint.record, self.config.num_classes > 0)
        return replace(
            snap, epoch=checkpoint.epoch, step=checkpoint.steps, metrics=metrics,
            config=checkpoint.config,
        )  # fmt: skip

    # --- measuring -----------------------------------------------------------

    def _evaluate(self, x_aug, targets, labels) -> tuple[float, float]:
        with np.errstate(all="ignore"):
            out, loss = self.network.evaluate(x_aug, targets)
            if self.config.num_classes == 0:
                return loss, math.nan
            accuracy = float(np.mean(predicted_classes(self.head, out) == labels))
        return loss, accuracy

    def _record(self) -> None:
        ds = self.dataset
        train = self._evaluate(self._x_train, self._t_train, ds.y_train)
        test = self._evaluate(self._x_test, self._t_test, ds.y_test)
        if self._rows == len(self._history):
            if self._rows >= MAX_HISTORY_ROWS:  # thin: every other row, epoch 0 first
                kept = self._history[: self._rows : 2].copy()
                self._history[:] = np.nan
                self._history[: len(kept)] = kept
                self._rows = len(kept)
            else:
                grown = np.full((2 * len(self._history), 5), np.nan)
                grown[: self._rows] = self._history
                self._history = grown
        self._history[self._rows] = (self.epoch, train[0], test[0], train[1], test[1])
        self._rows += 1

    @property
    def metrics(self) -> Metrics:
        return Metrics.of_row(self._history[self._rows - 1], self.config.num_classes > 0)

    @property
    def history(self) -> History:
        return self.history_sample()

    def history_sample(self, limit: int | None = None) -> History:
        """The per-epoch curves; with a limit, every k-th epoch (and the last) so
        that at most about `limit` rows are copied: a plot needs no more, and a
        long run's full history is megabytes."""
        h = self._history[: self._rows]
        if limit is not None and len(h) > limit:
            k = -(-len(h) // limit)
            h = np.concatenate([h[: len(h) - 1 : k], h[-1:]])
        classification = self.config.num_classes > 0
        return History(
            epochs=frozen(h[:, 0]),
            train_loss=frozen(h[:, 1]),
            test_loss=frozen(h[:, 2]),
            train_accuracy=frozen(h[:, 3]) if classification else None,
            test_accuracy=frozen(h[:, 4]) if classification else None,
        )

    @property
    def current_learning_rate(self) -> float:
        """The rate the next mini-batch steps with (the schedule's, for its epoch)."""
        return self._lr if self._cursor else learning_rate(self.config, self.epoch)

    def predict(self, points: np.ndarray, scaling: InputScaling | None = None) -> np.ndarray:
        """The network's outputs (after the output activation) for raw points (n, 2),
        in the data's units (mapped as the network sees them: by `scaling` if
        given, a file's record, else by the trainer's own)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        x = scaled_features(points, self.config.features, scaling or self.scaling, True)
        with np.errstate(all="ignore"):
            return self.network.forward(x).copy()

    def diagnostics(
        self, update: np.ndarray | None = None, epoch: int | None = None, step: int | None = None
    ) -> Diagnostics:
        """Inside the network over the training set (core/diagnostics.py): one
        full-batch pass on arrays of its own, so training goes on bit for bit.
        A copy of a trainer that trains elsewhere (the window's picture maker)
        passes the last `update`, `epoch` and `step` of the one it copies."""
        if update is None:
            update = self.optimizer.last_update
        return measure(
            self.network,
            self._x_train,
            self._t_train,
            update,
            epoch=self.epoch if epoch is None else epoch,
            step=self.steps if step is None else step,
        )

    def grids(self, resolution: int = 50) -> Grids:
        """Every neuron's output over a resolution x resolution grid."""
        lo, hi = MIN_GRID_RESOLUTION, MAX_GRID_RESOLUTION
        if not lo <= resolution <= hi:
            raise ConfigError(f"grid resolution must be from {lo} to {hi} (got {resolution})")
        r = resolution
        features = self._grid_inputs.get(r)
        if features is None:
            x = scaled_features(grid_points(r, self.extent), self.config.features, self.scaling)
            # the inputs' own layer never changes: every Grids shares one read-only copy
            features = frozen(x, np.float32)
            self._grid_inputs = {r: features}  # keep one: resolutions rarely change
        with np.errstate(all="ignore"):  # a nearly diverged network overflows float32
            layers = self.network.picture_activations(features)
            if not all(np.isfinite(a).all() for a in layers):
                # huge weights: float32 sums overflow into inf - inf = NaN where
                # float64 stays finite, so picture this one in float64 (beyond
                # float32's range it still shows as inf, never as a hole)
                exact = self.network.picture_activations(features, np.float64)
                layers = [a.astype(np.float32) for a in exact]
        layers = [a.reshape(r, r, -1) for a in layers]
        for a in layers:  # new arrays nobody else holds: read-only, no copy needed
            a.flags.writeable = False
        seen = self.extent if self.scaling is None else self.scaling.map_extent(self.extent)
        return Grids(r, (features.reshape(r, r, -1), *layers), self.extent, seen)

    def snapshot(
        self, grid_resolution: int | None = None, history_limit: int | None = None
    ) -> Snapshot:
        """An immutable copy of the state; grids and a thinned history on request."""
        net = self.network
        return Snapshot(
            generation=self.generation,
            config=self.config,
            epoch=self.epoch,
            step=self.steps,
            learning_rate=self.current_learning_rate,
            metrics=self.metrics,
            weights=tuple(frozen(net.weight(i)) for i in range(net.num_layers)),  # one copy
            biases=tuple(frozen(net.bias(i)) for i in range(net.num_layers)),
            history=self.history_sample(history_limit),
            grids=self.grids(grid_resolution) if grid_resolution else None,
            fresh_grids=bool(grid_resolution),
            dataset=self.dataset,
            diverged=self.diverged,
            message=self.message,
        )

    # --- saving and restoring --------------------------------------------------

    def state_dict(self) -> dict:
        """Everything needed to train on bit for bit: JSON values and array copies.

        The layout is described in core/checkpoint.py.  Mid-epoch it includes
        the epoch's order, learning rate and fallback checkpoint, so training
        resumes inside the epoch; the dataset's arrays are read-only and shared.
        """
        ds, mid = self.dataset, self._cursor > 0
        order = checkpoint = None
        if mid:
            order = np.arange(len(self._x_train)) if self._order is None else self._order.copy()
            params, opt_state, steps = self._checkpoint
            opt_state = {
                k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in opt_state.items()
            }
            checkpoint = {"params": params.copy(), "optimizer": opt_state, "steps": steps}
        return {
            "config": self.config.to_dict(),
            "dataset": {
                **{k: getattr(ds, k) for k in DATASET_KEYS},
                **({"class_names": list(ds.class_names)} if ds.class_names else {}),
                **({"origin": ds.origin} if ds.origin else {}),
            },
            "params": self.network.params.copy(),
            "optimizer": self.optimizer.state_dict(),
            "shuffle_rng": self._shuffle_rng.bit_generator.state,  # a fresh dict of ints
            "epoch": self.epoch,
            "steps": self.steps,
            "cursor": self._cursor,
            "order": order,
            "epoch_lr": float(self._lr) if mid else None,
            "checkpoint": checkpoint,
            "history": self._history[: self._rows].copy(),
            "diverged": self.diverged,
            "message": self.message,
        }

    @classmethod
    def from_state(cls, state: Mapping) -> Trainer:
        """A trainer that trains on exactly as the one `state_dict()` came from.

        Everything is checked before anything is built: a bad state raises
        ValueError (one sentence) and leaves `state` as it was.
        """
        checked = check_state(state)
        trainer = cls(checked.config, checked.dataset)
        trainer._restore(checked)
        return trainer

    def _restore(self, s: CheckedState) -> None:
        # s owns its arrays (check_state copied them), so they are taken as they are
        self.network.params[:] = s.params
        self.optimizer.load_state_dict(s.optimizer)
        self._shuffle_rng.bit_generator.state = s.shuffle_rng
        self.epoch, self.steps, self._cursor = s.epoch, s.steps, s.cursor
        if s.mid_epoch is not None:
            mid = s.mid_epoch
            self._order = mid.order
            self._order_x, self._order_t = self._x_train[mid.order], self._t_train[mid.order]
            self._lr = mid.epoch_lr
            self._checkpoint = mid.checkpoint
        rows = len(s.history)
        self._history = np.full((max(64, 2 * rows), 5), np.nan)
        self._history[:rows] = s.history
        self._rows = rows
        self.diverged, self.message = s.diverged, s.message

    # --- editing -------------------------------------------------------------

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of (weight (out, in), bias (out,)) per layer, PyTorch's layout."""
        return self.network.get_parameters()

    def load_parameters(self, layers) -> None:
        """Start over from the given parameters (shapes must fit this network;
        without biases, every bias must be 0)."""
        layers = list(layers)
        if not self.config.use_bias and any(np.any(np.asarray(b) != 0) for _, b in layers):
            raise ValueError("these parameters have biases, but this network has none (use_bias)")
        self.network.set_parameters(layers)
        self._start_fresh()

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        self._check_edit(layer, row, col, value)
        self.network.weight(layer)[row, col] = value
        self._refresh_last_record()

    def set_bias(self, layer: int, row: int, value: float) -> None:
        if not self.config.use_bias:
            raise ValueError("this network has no biases (use_bias is off)")
        self._check_edit(layer, row, 0, value)
        self.network.bias(layer)[row] = value
        self._refresh_last_record()

    def _check_edit(self, layer, row, col, value) -> None:
        sizes = self.config.layer_sizes
        if not 0 <= layer < len(sizes) - 1:
            raise ValueError(f"layer must be from 0 to {len(sizes) - 2} (got {layer})")
        if not (0 <= row < sizes[layer + 1] and 0 <= col < sizes[layer]):
            raise ValueError(f"no connection {row} <- {col} in layer {layer}")
        if not math.isfinite(value):
            raise ValueError(f"a parameter must be a finite number (got {value})")

    def _refresh_last_record(self) -> None:
        # an edit changes the losses: show the new ones without adding an epoch
        self.settings_changed_at = self.epoch  # and starts the doctor's plateau afresh
        self._rows -= 1
        self._record()
