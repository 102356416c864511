"""The training loop's home: a QObject that lives in its own QThread.

The worker owns the `Trainer`; commands arrive as queued slot calls, pictures
leave as immutable `Snapshot`s in a `Mailbox`.  While running or stepping, a
QTimer calls `tick()`, which trains for a few milliseconds and returns, so the
thread's event loop serves commands (pause, edits, a save's request for the
state, quit) between chunks, never more than a time box later.

Commands that start a new generation from outside (a loaded state or loaded
parameters, a fresh start) are called blocking and answer into a `reply` list:
the new generation, or one sentence saying why nothing changed.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Mapping

from PySide6.QtCore import QMetaObject, QObject, Qt, QTimer, Signal, Slot

from playground.core import Config, ConfigError, Trainer
from playground.core.config import MAX_GRID_RESOLUTION, MIN_GRID_RESOLUTION
from playground.core.datasets import Dataset
from playground.core.timeline import Checkpoint, CheckpointStore

from .mailbox import Mailbox, keep_fresh_grids
from .pace import Pace
from .publisher import Publisher

TIME_BOX = 0.008  # seconds of training per tick before going back to the event loop
SLICE_ABOVE = TIME_BOX  # epochs longer than a box train batch by batch, so it ends on time


class TrainerWorker(QObject):
    """Owns one Trainer; construct in the GUI thread, then move to a QThread.

    `start()` must run in the worker thread (connect it to QThread.started):
    it builds the trainer there.  `epochs_per_second` may be read from any thread.
    """

    running_changed = Signal(bool)
    diverged = Signal(str)
    error = Signal(str)
    ticked = Signal()  # a time box of training ended (its own process reads commands then)

    def __init__(
        self,
        config: Config | None = None,
        mailbox: Mailbox | None = None,
        pictures: bool = True,
        dataset: Dataset | None = None,  # a person's own points, for an own-data config
    ) -> None:
        super().__init__()
        self._dataset = dataset
        self.mailbox = mailbox if mailbox is not None else Mailbox(merge=keep_fresh_grids)
        self.pace = Pace()
        self._config = config if config is not None else Config()
        self._trainer: Trainer | None = None  # built by start(), in the worker thread
        # a child, so moveToThread takes it along: it fires in the worker thread
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # slow speeds wait ~1/60 s
        self._timer.timeout.connect(self.tick)
        self._running = False
        self._step_to: int | None = None  # stepping: the epoch to pause at
        self._stop_at = 0  # 0 = never
        self._epoch_cost = 0.0  # smoothed seconds per epoch; 0 = not measured yet
        self._publisher = Publisher(self.mailbox, pictures=pictures)
        self._dirty = self._flush_posted = False  # an immediate publish (with grids) is due
        # The timeline: the trainer keeps checkpoints by the window's rule, but
        # only a ledger of them here; each goes out through `checkpoint_sink`
        # (by default into `checkpoints`, which the session empties; deque's
        # append and popleft are safe between two threads).
        self.checkpoints: deque[Checkpoint] = deque()
        self.checkpoint_sink = self.checkpoints.append
        self._ledger = CheckpointStore(holds=False)

    @property
    def trainer(self) -> Trainer:
        """The trainer (after start()); only for the worker's own thread and tests."""
        if self._trainer is None:
            raise RuntimeError("the trainer is built when the worker starts")
        return self._trainer

    @property
    def is_running(self) -> bool:
        return self._running

    @property
    def epochs_per_second(self) -> float:
        return self.pace.epochs_per_second

    # --- lifetime ------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        """Build the trainer in the worker thread; publish a first picture."""
        self._trainer = Trainer(self._config, self._dataset)
        self._track(self._trainer)
        self._publish_soon()

    def _track(self, trainer: Trainer) -> None:
        """Keep `trainer`'s timeline from now on (its present is sent at once)."""
        if trainer.epoch == 0:
            self._ledger.clear()  # a new run: dense again from its start
        trainer.record_checkpoints(self._ledger, self._send_checkpoint)

    def _send_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.checkpoint_sink(checkpoint)

    @Slot()
    def shutdown(self) -> None:
        """Stop for good: no timer stays active in a thread that is about to end."""
        self._running = False
        self._step_to = None
        self._dirty = False
        self._timer.stop()

    # --- running and stepping ------------------------------------------------

    @Slot()
    def play(self) -> None:
        if self._running:
            return
        self._step_to = None
        if self.trainer.diverged:  # training cannot go on: say why again
            self.diverged.emit(self.trainer.message)
            return
        self._running = True
        self.pace.start(time.perf_counter())
        self._timer.start(0)
        self.running_changed.emit(True)

    @Slot()
    def pause(self) -> None:
        if self._step_to is not None:  # a step in progress ends where it is
            self._step_to = None
            self._timer.stop()
            self._publish_soon()
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        self.pace.stop()
        self._publish_soon()
        self.running_changed.emit(False)

    @Slot(int)
    def step(self, epochs: int) -> None:
        """Pause, then train exactly `epochs` more epochs (fewer if training diverges),
        in time boxes like play, so other commands are served meanwhile."""
        if epochs < 1:
            self.error.emit(f"a step must be 1 epoch or more (got {epochs})")
            return
        target = (self._step_to if self._step_to is not None else self.trainer.epoch) + epochs
        self.pause()
        self._step_to = target
        self._timer.start(0)

    # --- commands ------------------------------------------------------------

    @Slot(object)
    def set_config(self, config: object) -> None:
        """Hot-apply or rebuild, as Trainer.set_config; a bad config changes nothing."""
        try:
            if not isinstance(config, Config):
                raise ConfigError(f"expected a Config, got {type(config).__name__}")
            config = config.replace()  # validates again: it may have been forged
        except ConfigError as exc:  # a subclass of ValueError
            self.error.emit(str(exc))
            return
        self._edit(self.trainer.set_config, config)

    @Slot(int, int, int, float)
    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        self._edit(self.trainer.set_weight, layer, row, col, value)

    @Slot(int, int, float)
    def set_bias(self, layer: int, row: int, value: float) -> None:
        self._edit(self.trainer.set_bias, layer, row, value)

    @Slot(object, object)
    def use_points(self, config: object, dataset: object) -> None:
        """Painted points in place of the old, the network kept (Trainer.use_points)."""
        if not isinstance(dataset, Dataset):
            self.error.emit(f"expected a Dataset, got {type(dataset).__name__}")
            return
        try:
            config = _config(config)
        except (ConfigError, TypeError) as exc:
            self.error.emit(str(exc))
            return
        self._edit(self.trainer.use_points, config, dataset)

    @Slot(object)
    def fill_state(self, holder: object) -> None:
        """Append the trainer's whole state (copies) to `holder`, a list: called
        blocking from the GUI thread, e.g. to save an experiment."""
        if isinstance(holder, list):
            holder.append(self.trainer.state_dict())

    @Slot(object, object)
    def load_parameters(self, layers: object, reply: object) -> None:
        """Start over (new generation) from [(weight (out, in), bias (out,)), ...]."""
        self._answer(reply, lambda: self._loaded_parameters(layers))

    @Slot(object, object)
    def load_state(self, state: object, reply: object) -> None:
        """Go on from a saved state: the trainer is rebuilt from it, validated first."""
        self._answer(reply, lambda: Trainer.from_state(_mapping(state)))

    @Slot(object, object, object)
    def restart(self, config: object, dataset: object, reply: object) -> None:
        """A fresh trainer for `config` (File > New), even if the config is the same;
        on `dataset` (own points) when it is one."""
        data = dataset if isinstance(dataset, Dataset) else None
        self._answer(reply, lambda: Trainer(_config(config), data))

    def _loaded_parameters(self, layers: object) -> Trainer:
        trainer = self.trainer
        trainer.load_parameters(layers)  # checks before it changes anything
        return trainer

    def _answer(self, reply: object, make) -> None:
        """Put `make()`'s trainer in place and reply its generation, or reply why not."""
        try:
            trainer = make()
        except (ValueError, TypeError) as exc:  # checked before anything changed
            _reply(reply, " ".join(str(exc).split()))
            return
        self.pause()
        if trainer is not self._trainer:
            # newer than anything shown, so the window takes its pictures
            trainer.generation = self.trainer.generation + 1
            self._trainer = trainer
            self._track(trainer)
        _reply(reply, trainer.generation)
        self._changed()

    @Slot(int)
    def set_speed(self, epochs_per_frame: int) -> None:
        if epochs_per_frame < 0:
            self.error.emit(f"speed must be 0 or more epochs per frame (got {epochs_per_frame})")
            return
        self.pace.set_speed(epochs_per_frame, time.perf_counter())
        if self._running:
            self._timer.setInterval(0)  # the next tick works out its own pace

    @Slot(int)
    def set_stop_at(self, epoch: int) -> None:
        """Pause on reaching `epoch` (0 = never); once there, play goes on past it."""
        if epoch < 0:
            self.error.emit(f"stop-at must be an epoch of 0 or more (got {epoch})")
            return
        self._stop_at = epoch

    @property
    def publisher(self) -> Publisher:
        return self._publisher

    @Slot(int)
    def set_grid_resolution(self, resolution: int) -> None:
        lo, hi = MIN_GRID_RESOLUTION, MAX_GRID_RESOLUTION
        if not lo <= resolution <= hi:
            self.error.emit(f"grid resolution must be from {lo} to {hi} (got {resolution})")
            return
        self._publisher.set_resolution(resolution)
        self._publish_soon()

    def _edit(self, action, *args) -> None:
        try:
            action(*args)
        except (ValueError, TypeError) as exc:  # the trainer checks before it changes anything
            self.error.emit(str(exc))
            return
        self._changed()

    def _changed(self) -> None:
        self._epoch_cost = 0.0  # the network or data may differ: measure again
        self._publish_soon()

    # --- training ------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        """One time box of training, then maybe a snapshot; driven by the timer."""
        stepping = self._step_to is not None
        if not (self._running or stepping):
            return
        trainer = self.trainer
        start = time.perf_counter()
        target = self._step_to if self._step_to is not None else self._stop_target()
        allowed = math.inf if stepping else self.pace.allowed(start)
        if target:
            allowed = min(allowed, target - trainer.epoch)
        # end the box early if the next snapshot falls due in it, so pictures come on time
        due = self._publisher.next_due()
        deadline = start + TIME_BOX if due <= start else min(start + TIME_BOX, due)
        try:
            done = self._train(allowed, deadline) if allowed >= 1 else 0
        except Exception as exc:  # an engine bug: stop, say so once, and let it be seen
            self.pause()
            self.error.emit(f"training stopped: {exc}")
            raise
        now = time.perf_counter()
        if not stepping:
            self.pace.spend(done, now)
        if trainer.diverged:
            self.pause()
            self.diverged.emit(trainer.message)
        elif target and trainer.epoch >= target:
            self.pause()
        elif now >= self._publisher.next_due():
            self._publish(grids=self._dirty)
        if self._running and self.pace.speed:
            wait = self.pace.wait_ms()  # sleep until the next epoch is earned
            if self._timer.interval() != wait:
                self._timer.setInterval(wait)
        self.ticked.emit()

    def _stop_target(self) -> int:
        return self._stop_at if self._stop_at > self.trainer.epoch else 0

    def _train(self, allowed: float, deadline: float) -> int:
        """Train up to `allowed` epochs until the deadline; returns epochs finished."""
        trainer = self.trainer
        first = trainer.epoch
        while trainer.epoch - first < allowed and not trainer.diverged:
            t0 = time.perf_counter()
            if self._epoch_cost < SLICE_ABOVE:
                trainer.train_epoch()
                cost = time.perf_counter() - t0
            else:  # a huge epoch goes batch by batch, so commands wait ms, not seconds
                trainer.step(1)
                batches = math.ceil(len(trainer.dataset.x_train) / trainer.batch_size)
                cost = (time.perf_counter() - t0) * batches
            # smoothed, so one slow epoch (GC, GUI holding the GIL) does not switch modes
            self._epoch_cost = cost if not self._epoch_cost else (self._epoch_cost + cost) / 2
            if time.perf_counter() >= deadline:
                break
        return trainer.epoch - first

    # --- publishing ----------------------------------------------------------

    def _publish(self, grids: bool) -> None:
        if self._publisher.publish(self.trainer, grids):
            self._dirty = False

    def _publish_soon(self) -> None:
        # Posted behind the commands already queued, so a burst of edits (a
        # dragged weight) is applied in full and then pictured once, grids and all.
        self._dirty = True
        if not self._flush_posted:
            self._flush_posted = True
            QMetaObject.invokeMethod(self, "_flush", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _flush(self) -> None:
        self._flush_posted = False
        if self._dirty:
            self._publish(grids=True)


def _mapping(state: object) -> Mapping:
    if not isinstance(state, Mapping):
        raise TypeError("a trainer state must be a mapping of names to values")
    return state


def _config(config: object) -> Config:
    if not isinstance(config, Config):
        raise TypeError(f"expected a Config, got {type(config).__name__}")
    return config.replace()  # validates again: it may have been forged


def _reply(reply: object, answer: int | str) -> None:
    if isinstance(reply, list):
        reply.append(answer)
