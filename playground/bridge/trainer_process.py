"""The trainer's own process: the same `TrainerWorker`, driven over a pipe.

Why a process: training and the window's Python code share one interpreter
lock in one process.  A big network trains in many small Python steps, and
each frame's Python (views, pictures) made it wait: in-app training ran at
0.4-0.65 of headless (benchmarks/bench_window.py).  In a process of its own
the trainer keeps a core to itself.

`run(hears, says, config)` is the child's whole life: a `QCoreApplication` whose
event loop runs the worker (its timer, its time boxes) and reads commands
from the pipe as they come (a socket notifier on its end).  The child makes
no pictures (grids, diagnostics): the window's picture maker does, from the
parameters (pictures.py).  Messages, each a tuple:

  parent -> child   ("send", slot, args)        a command, as the worker's slot
                    ("call", id, slot, args)    a blocking one: answered by
                                                ("reply", id, answers)
                    ("taken",)                  the window took the last snapshot
                    ("shutdown",)               stop and end the process
  child -> parent   ("snapshot", Snapshot without its dataset, dataset if new
                     else None, epochs/s, settings_changed_at, last update or None)
                    ("checkpoint", Checkpoint)  a new one of the timeline
                    ("running", bool, epochs/s)  ("rate", epochs/s)
                    ("diverged", text)  ("error", text)
                    ("reply", id, answers)

The pipe closing (the window gone, even by a crash) ends the child too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from typing import Any

from playground.core import Config

from .mailbox import Mailbox

UPDATE_EVERY = 0.25  # s: how often a snapshot carries the last update (for diagnostics)
PROCESS_FRAME = 1 / 50  # s between snapshots: the window draws up to ~50 a second
UNTAKEN = 3


class PipeMailbox(Mailbox):
    """The worker's mailbox in the child: each snapshot goes down the pipe at
    once.  The worker makes one every PROCESS_FRAME, a little faster than the
    window draws, so a new one is there for each frame however the two clocks
    fall; `waiting()` once UNTAKEN of them have gone untaken (a window that
    cannot keep up gets no more until it takes one)."""

    def __init__(self, conn) -> None:
        super().__init__()
        self._conn = conn
        self.worker: Any = None  # set once the worker is built
        self._dataset: object = None  # the dataset last sent
        self._update_at = 0.0
        self._untaken = 0  # snapshots sent since the window last took one

    def put(self, value: Any) -> None:
        trainer = self.worker.trainer
        dataset = None if value.dataset is self._dataset else value.dataset
        self._dataset = value.dataset
        now = time.perf_counter()
        update = None
        if now - self._update_at >= UPDATE_EVERY or value.fresh_grids:
            update, self._update_at = trainer.optimizer.last_update.copy(), now
        snap = dataclasses.replace(value, dataset=None)
        rate = self.worker.epochs_per_second
        self._untaken += 1
        _send(self._conn, ("snapshot", snap, dataset, rate, trainer.settings_changed_at, update))

    def waiting(self) -> bool:
        return self._untaken >= UNTAKEN

    def taken(self) -> None:
        self._untaken = 0


def _send(conn, message: tuple) -> None:
    with contextlib.suppress(OSError, ValueError):  # the window has gone: the pipe is closed
        conn.send(message)


def run(hears, says, config: Config) -> None:
    """The child process's main: train as the window commands (on `hears`)
    until told to stop; snapshots and news go out on `says`."""
    from PySide6.QtCore import QCoreApplication, QSocketNotifier

    from ..blas import use_one_blas_thread
    from .worker import TrainerWorker

    use_one_blas_thread()  # as in the window: one core trains, the other draws

    app = QCoreApplication.instance() or QCoreApplication([])
    mailbox = PipeMailbox(says)
    conn = says
    worker = TrainerWorker(config, mailbox=mailbox, pictures=False)
    worker.publisher.frame = PROCESS_FRAME
    mailbox.worker = worker
    worker.running_changed.connect(
        lambda running: _send(conn, ("running", running, worker.epochs_per_second))
    )
    worker.checkpoint_sink = lambda checkpoint: _send(conn, ("checkpoint", checkpoint))
    worker.diverged.connect(lambda text: _send(conn, ("diverged", text)))
    worker.error.connect(lambda text: _send(conn, ("error", text)))

    def serve() -> None:
        try:
            while hears.poll():
                if not _handle(hears.recv(), worker, mailbox, conn):
                    break
            else:
                return
        except (EOFError, OSError):  # the window has gone
            pass
        worker.shutdown()
        notifier.setEnabled(False)
        app.quit()

    notifier = QSocketNotifier(hears.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(serve)
    # while training, the worker's timer fires back to back and the event loop
    # may leave the pipe's news for later: read it after every time box too
    worker.ticked.connect(serve)
    said = [0.0]  # the speed last told: new figures come twice a second

    def tell_rate() -> None:
        if worker.epochs_per_second != said[0]:
            said[0] = worker.epochs_per_second
            _send(conn, ("rate", said[0]))

    worker.ticked.connect(tell_rate)
    worker.start()
    app.exec()
    says.close()
    hears.close()


def _handle(message: tuple, worker, mailbox: PipeMailbox, conn) -> bool:
    """Do what one message asks; False when it says to stop."""
    kind = message[0]
    if kind == "send":
        _, name, args = message
        getattr(worker, name)(*args)
    elif kind == "call":
        _, call_id, name, args = message
        answers: list = []
        try:
            getattr(worker, name)(*args, answers)
        finally:  # whatever happened, the window waits for an answer
            _send(conn, ("reply", call_id, answers))
    elif kind == "taken":
        mailbox.taken()
    elif kind == "shutdown":
        return False
    return True
