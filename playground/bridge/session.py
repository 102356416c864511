"""The GUI thread's handle on training: one worker thread, commands in, snapshots out.

Every command method emits a signal queued to the worker's slot, so the GUI
never waits for training and never touches the trainer.  Pictures come back
through the worker's mailbox: poll `latest()` once a frame.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from playground.core import Config, Snapshot
from playground.core.datasets import Dataset

from .worker import TrainerWorker

QUEUED = Qt.ConnectionType.QueuedConnection
BLOCKING = Qt.ConnectionType.BlockingQueuedConnection


class TrainingSession(QObject):
    """Starts a worker thread at construction; call `shutdown()` before the GUI goes away."""

    running_changed = Signal(bool)
    diverged = Signal(str)  # training paused itself; the message says why
    error = Signal(str)  # a command was refused; nothing changed

    # commands, each connected (queued) to the worker slot of the same name
    _play = Signal()
    _pause = Signal()
    _step = Signal(int)
    _set_config = Signal(object)
    _set_weight = Signal(int, int, int, float)
    _set_bias = Signal(int, int, float)
    _use_points = Signal(object, object)
    _set_speed = Signal(int)
    _set_stop_at = Signal(int)
    _set_grid_resolution = Signal(int)
    # blocking: each answers into the list it is given
    _load_parameters = Signal(object, object)
    _load_state = Signal(object, object)
    _restart = Signal(object, object, object)
    _fill_state = Signal(object)
    _shutdown = Signal()

    def __init__(self, config: Config | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._generation = -1  # newest generation latest() has returned
        self._floor = -1  # the generation a load or restart began: older pictures are dropped
        self._closed = False
        self._thread = QThread(self)
        self._thread.setObjectName("trainer")
        worker = self._worker = TrainerWorker(config)
        worker.moveToThread(self._thread)
        # direct (same thread): the trainer is built in the worker thread, before its event loop
        self._thread.started.connect(worker.start)
        for name in (
            "play", "pause", "step", "set_config", "set_weight", "set_bias", "use_points",
            "set_speed", "set_stop_at", "set_grid_resolution",
        ):  # fmt: skip
            getattr(self, "_" + name).connect(getattr(worker, name), QUEUED)
        # blocking: when emit returns, the worker has answered (or stopped its timer);
        # it serves these between two time boxes of training, a few milliseconds
        for name in ("load_parameters", "load_state", "restart", "fill_state", "shutdown"):
            getattr(self, "_" + name).connect(getattr(worker, name), BLOCKING)
        worker.running_changed.connect(self._on_running_changed, QUEUED)
        worker.diverged.connect(self.diverged, QUEUED)
        worker.error.connect(self.error, QUEUED)
        app = QCoreApplication.instance()
        if app is not None:  # a safety net; the window should call shutdown() itself
            app.aboutToQuit.connect(self.shutdown)
        self._thread.start()

    # --- commands (each returns at once; the worker applies it soon) ----------

    def play(self) -> None:
        self._send(self._play)

    def pause(self) -> None:
        self._send(self._pause)

    def step(self, epochs: int = 1) -> None:
        """Pause, then train exactly `epochs` epochs."""
        self._send(self._step, epochs)

    def set_config(self, config: Config) -> None:
        """Hot change (keeps training) or rebuild (epoch 0, new generation)."""
        self._send(self._set_config, config)

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        self._send(self._set_weight, layer, row, col, value)

    def set_bias(self, layer: int, row: int, value: float) -> None:
        self._send(self._set_bias, layer, row, value)

    def use_points(self, config: Config, dataset: Dataset) -> None:
        """Painted points: train on them from here on, network and epoch kept."""
        self._send(self._use_points, config, dataset)

    def load_parameters(self, layers) -> str | None:
        """Start over from [(weight (out, in), bias (out,)), ...] (copied here), paused.
        Returns None, or why they were refused (then nothing changed)."""
        try:  # copy now: the caller may reuse its arrays while the worker reads them
            layers = [(np.array(w, dtype=float), np.array(b, dtype=float)) for w, b in layers]
        except (TypeError, ValueError) as exc:
            return f"parameters must be (weight, bias) pairs of numbers: {exc}"
        return self._start_over(self._load_parameters, layers)

    def set_speed(self, epochs_per_frame: int) -> None:
        """Epochs per 1/60 s; 0 = as fast as it goes."""
        self._send(self._set_speed, epochs_per_frame)

    def set_stop_at(self, epoch: int) -> None:
        """Pause on reaching this epoch; 0 = never."""
        self._send(self._set_stop_at, epoch)

    def set_grid_resolution(self, resolution: int) -> None:
        self._send(self._set_grid_resolution, resolution)

    def fetch_state(self) -> dict | None:
        """The trainer's whole state (copies), e.g. to save it; None after shutdown.

        Waits for the worker, which answers between two time boxes of training
        (milliseconds; steps train in time boxes too): no event loop runs
        meanwhile, so nothing else can happen to the window while it waits.
        """
        holder: list = []
        self._call(self._fill_state, holder)
        return holder[0] if holder else None

    def load_state(self, state: dict) -> str | None:
        """Go on from a saved state (see Trainer.from_state), paused.  Returns None,
        or why the state was refused (then nothing changed)."""
        return self._start_over(self._load_state, state)

    def restart(self, config: Config, dataset: Dataset | None = None) -> str | None:
        """A fresh trainer for `config`, epoch 0, even if it is the current config;
        on `dataset`'s points if given (a person's own), else on the config's."""
        return self._start_over(self._restart, config, dataset)

    def _start_over(self, signal, *args) -> str | None:
        """A blocking command that begins a new generation: from its answer on,
        pictures of older generations (still in the mailbox) are dropped."""
        reply: list = []
        self._call(signal, *args, reply)
        if not reply:
            return "the trainer has stopped"
        if isinstance(reply[0], str):
            return reply[0]
        self._floor = reply[0]
        return None

    def _call(self, signal, *args) -> None:
        if QThread.currentThread() == self._thread:
            raise RuntimeError("a blocking command from the worker's own thread would hang")
        if not self._closed and self._thread.isRunning():
            signal.emit(*args)

    def _send(self, signal, *args) -> None:
        if not self._closed:  # after shutdown nobody is listening
            signal.emit(*args)

    # --- state -----------------------------------------------------------------

    def latest(self) -> Snapshot | None:
        """The newest snapshot not yet returned, or None; stale generations are dropped.

        Each carries the newest grids of its generation (`fresh_grids` says
        whether they are new since the last snapshot put).
        """
        snapshot = self._worker.mailbox.take()
        if snapshot is None or snapshot.generation < max(self._generation, self._floor):
            return None
        self._generation = snapshot.generation
        return snapshot

    @property
    def epochs_per_second(self) -> float:
        """Measured over the last ~0.5 s of training; 0.0 while paused."""
        return self._worker.epochs_per_second

    @property
    def is_running(self) -> bool:
        """As last reported by the worker (a play() takes effect a moment later)."""
        return self._running

    @Slot(bool)
    def _on_running_changed(self, running: bool) -> None:
        self._running = running  # set before listeners hear it, so they can read it
        self.running_changed.emit(running)

    # --- lifetime --------------------------------------------------------------

    @Slot()
    def shutdown(self) -> None:
        """Stop training and end the thread; waits for it.  Safe to call again."""
        if self._closed:
            return
        self._closed = True
        if self._thread.isRunning():
            self._shutdown.emit()  # blocks until the worker's timer is stopped
            self._thread.quit()
            self._thread.wait()
        self._running = False
