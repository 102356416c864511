"""The GUI thread's handle on training: commands in, snapshots out.

The trainer runs in a process of its own (trainer_link.py: a big network
trains at full speed while the window draws) or, with
NEURAL_PLAYGROUND_TRAINER=thread (and should a process fail to start), in a
worker thread of this one.  Either way every command returns at once or
waits only for a time box, the GUI never touches the trainer, and pictures
come back through a latest-value mailbox: poll `latest()` once a frame.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot

from playground.core import Config, Snapshot
from playground.core.datasets import Dataset
from playground.core.timeline import Checkpoint

from .trainer_link import TrainerLink
from .worker import TrainerWorker

QUEUED = Qt.ConnectionType.QueuedConnection
BLOCKING = Qt.ConnectionType.BlockingQueuedConnection
BACKEND_VARIABLE = "NEURAL_PLAYGROUND_TRAINER"  # "process" (the default) or "thread"
_SETTINGS = ("set_speed", "set_stop_at", "set_grid_resolution")  # sent again to a new worker


def backend() -> str:
    """Where the trainer runs: "process" unless the environment says "thread"."""
    return "thread" if os.environ.get(BACKEND_VARIABLE, "").strip() == "thread" else "process"


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

    def __init__(
        self, config: Config | None = None, parent: QObject | None = None, where: str = ""
    ) -> None:
        super().__init__(parent)
        self._running = False
        self._generation = -1  # newest generation latest() has returned
        self._floor = -1  # the generation a load or restart began: older pictures are dropped
        self._closed = False
        self._link: TrainerLink | None = None
        self.where = where or backend()
        if self.where == "process":
            try:
                self._link = TrainerLink(config, self)
            except (OSError, RuntimeError) as exc:  # no process to be had: train in a thread
                print(f"neural-playground: training in a thread ({exc})", file=sys.stderr)
                self.where = "thread"
        if self._link is not None:
            self._link.running_changed.connect(self._on_running_changed)
            self._link.diverged.connect(self.diverged)
            self._link.error.connect(self.error)
            self._link.ended.connect(self._on_link_ended)
        self._config = config  # to start over in a thread, should the process die
        self._settings: dict[str, tuple] = {}  # the last of each of _SETTINGS sent
        self._last: Snapshot | None = None  # the newest snapshot latest() returned
        app = QCoreApplication.instance()
        if app is not None:  # a safety net; the window should call shutdown() itself
            app.aboutToQuit.connect(self.shutdown)
        if self._link is None:
            self._start_thread(config)
        elif self._link.dead:  # it ended before anyone listened: its news was lost
            QTimer.singleShot(0, self._replace_dead_link)

    def _replace_dead_link(self) -> None:
        if self._link is not None:
            self._on_link_ended(not self._link.heard)

    def _start_thread(self, config: Config | None, dataset: Dataset | None = None) -> None:
        self._thread = QThread(self)
        self._thread.setObjectName("trainer")
        worker = self._worker = TrainerWorker(config, dataset=dataset)
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
        self._thread.start()

    # --- commands (each returns at once; the worker applies it soon) ----------

    def play(self) -> None:
        self._send("play")

    def pause(self) -> None:
        self._send("pause")

    def step(self, epochs: int = 1) -> None:
        """Pause, then train exactly `epochs` epochs."""
        self._send("step", epochs)

    def set_config(self, config: Config) -> None:
        """Hot change (keeps training) or rebuild (epoch 0, new generation)."""
        self._send("set_config", config)

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        self._send("set_weight", layer, row, col, value)

    def set_bias(self, layer: int, row: int, value: float) -> None:
        self._send("set_bias", layer, row, value)

    def use_points(self, config: Config, dataset: Dataset) -> None:
        """Painted points: train on them from here on, network and epoch kept."""
        self._send("use_points", config, dataset)

    def load_parameters(self, layers) -> str | None:
        """Start over from [(weight (out, in), bias (out,)), ...] (copied here), paused.
        Returns None, or why they were refused (then nothing changed)."""
        try:  # copy now: the caller may reuse its arrays while the worker reads them
            layers = [(np.array(w, dtype=float), np.array(b, dtype=float)) for w, b in layers]
        except (TypeError, ValueError) as exc:
            return f"parameters must be (weight, bias) pairs of numbers: {exc}"
        return self._start_over("load_parameters", layers)

    def set_speed(self, epochs_per_frame: int) -> None:
        """Epochs per 1/60 s; 0 = as fast as it goes."""
        self._send("set_speed", epochs_per_frame)

    def set_stop_at(self, epoch: int) -> None:
        """Pause on reaching this epoch; 0 = never."""
        self._send("set_stop_at", epoch)

    def set_grid_resolution(self, resolution: int) -> None:
        self._settings["set_grid_resolution"] = (resolution,)
        if self._link is not None:  # pictures are made on this side
            self._link.set_grid_resolution(resolution)
            return
        self._send("set_grid_resolution", resolution)

    def fetch_state(self) -> dict | None:
        """The trainer's whole state (copies), e.g. to save it; None after shutdown.

        Waits for the worker, which answers between two time boxes of training
        (milliseconds; steps train in time boxes too): no event loop runs
        meanwhile, so nothing else can happen to the window while it waits.
        """
        holder: list = []
        self._call("fill_state", holder)
        return holder[0] if holder else None

    def load_state(self, state: dict) -> str | None:
        """Go on from a saved state (see Trainer.from_state), paused.  Returns None,
        or why the state was refused (then nothing changed)."""
        return self._start_over("load_state", state)

    def restart(self, config: Config, dataset: Dataset | None = None) -> str | None:
        """A fresh trainer for `config`, epoch 0, even if it is the current config;
        on `dataset`'s points if given (a person's own), else on the config's."""
        return self._start_over("restart", config, dataset)

    def _start_over(self, name: str, *args) -> str | None:
        """A blocking command that begins a new generation: from its answer on,
        pictures of older generations (still in the mailbox) are dropped."""
        reply: list = []
        self._call(name, *args, reply)
        if not reply:
            return "the trainer has stopped"
        if isinstance(reply[0], str):
            return reply[0]
        self._floor = reply[0]
        return None

    def _call(self, name: str, *args) -> None:
        """A blocking command to the worker's slot `name`; its last argument, a
        list, gets the answers."""
        if self._closed:
            return
        if self._link is not None:
            *request, holder = args
            answers = self._link.call(name, *request)
            holder.extend(answers or ())
            return
        if QThread.currentThread() == self._thread:
            raise RuntimeError("a blocking command from the worker's own thread would hang")
        if self._thread.isRunning():
            getattr(self, "_" + name).emit(*args)

    def _send(self, name: str, *args) -> None:
        """A command to the worker's slot `name`."""
        if name in _SETTINGS:
            self._settings[name] = args
        if self._closed:  # after shutdown nobody is listening
            return
        if self._link is not None:
            self._link.send(name, *args)
        else:
            getattr(self, "_" + name).emit(*args)

    # --- state -----------------------------------------------------------------

    def latest(self) -> Snapshot | None:
        """The newest snapshot not yet returned, or None; stale generations are dropped.

        Each carries the newest grids of its generation (`fresh_grids` says
        whether they are new since the last snapshot put).
        """
        mailbox = self._link.mailbox if self._link is not None else self._worker.mailbox
        snapshot = mailbox.take()
        if snapshot is not None and self._link is not None:
            self._link.taken()
        if snapshot is None or snapshot.generation < max(self._generation, self._floor):
            return None
        self._generation = snapshot.generation
        self._last = snapshot
        return snapshot

    def take_checkpoints(self) -> list[Checkpoint]:
        """The timeline's checkpoints that came since the last call, oldest first."""
        box = self._link.checkpoints if self._link is not None else self._worker.checkpoints
        taken = []
        while box:
            taken.append(box.popleft())
        # those of a run that a load or restart has since replaced are not this one's
        return [c for c in taken if c.generation >= self._floor]

    @property
    def epochs_per_second(self) -> float:
        """Measured over the last ~0.5 s of training; 0.0 while paused."""
        if self._link is not None:
            return self._link.epochs_per_second if self._running else 0.0
        return self._worker.epochs_per_second

    @property
    def is_running(self) -> bool:
        """As last reported by the worker (a play() takes effect a moment later)."""
        return self._running

    @property
    def finished(self) -> bool:
        """True once training has ended for good: the worker thread finished, or
        the trainer's process ended (and was waited for)."""
        if self._link is not None:
            return self._link.finished
        return self._thread.isFinished()

    @Slot(bool)
    def _on_link_ended(self, silent: bool) -> None:
        """The trainer's process ended unasked: train in a thread of this process
        from here on, from the last picture's parameters if there was one."""
        if self._closed or self._link is None:
            return
        link, self._link = self._link, None
        link.shutdown()
        self.where = "thread"
        last = self._last
        self._generation = self._floor = -1  # the new trainer counts generations afresh
        if last is None:
            self._start_thread(self._config)
        else:  # on the same points (a person's own, too) and parameters
            self._start_thread(last.config, last.dataset)
            self.load_parameters(list(zip(last.weights, last.biases, strict=True)))
        for name, args in self._settings.items():  # speed, stop-at, picture size
            self._send(name, *args)
        if self._running:
            self._on_running_changed(False)
        if not silent:
            self.error.emit(
                "the trainer's process ended unexpectedly: training goes on in the window's "
                f"own process, from the weights of epoch {last.epoch if last else 0} (epoch 0)"
            )
        else:
            print("neural-playground: the trainer's process did not start", file=sys.stderr)

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
        if self._link is not None:
            self._link.shutdown()
        elif self._thread.isRunning():
            self._shutdown.emit()  # blocks until the worker's timer is stopped
            self._thread.quit()
            self._thread.wait()
        self._running = False
