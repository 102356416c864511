"""The window's end of a trainer in its own process (trainer_process.py).

`TrainerLink` starts the child, sends it commands, answers blocking calls,
and runs two threads.  The reader takes the child's messages: a snapshot
goes into a latest-value mailbox at once, as the thread worker's do, with
the newest pictures of its generation; the child's news becomes the same Qt
signals (queued to the GUI thread, since they are emitted from the reader).
The picture thread makes the pictures that are due (pictures.py) from a
snapshot's parameters, off the trainer's time and the GUI thread's, and then
puts the newest snapshot again with them, so a paused network shows them too.
`shutdown()` ends the child and both threads and waits for them: nothing is
left behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import multiprocessing
import os
import sys
import threading
from collections import deque

from PySide6.QtCore import QObject, Signal

from playground.core import Config
from playground.core.snapshot import Snapshot
from playground.core.timeline import Checkpoint

from . import trainer_process
from .mailbox import Mailbox, keep_fresh_grids
from .pictures import PictureMaker

CALL_TIMEOUT = 60.0  # s a blocking call may wait (the child answers between time boxes)
END_TIMEOUT = 5.0  # s the child may take to stop before it is made to


class TrainerLink(QObject):
    running_changed = Signal(bool)
    diverged = Signal(str)
    error = Signal(str)
    ended = Signal(bool)  # the child ended unasked; True if it never said a word

    def __init__(self, config: Config | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.mailbox = Mailbox(merge=keep_fresh_grids)
        self.pictures = PictureMaker()
        self.epochs_per_second = 0.0  # as the child last said
        self.checkpoints: deque[Checkpoint] = deque()  # the timeline's, as they come
        self._send_lock = threading.Lock()  # the reader thread acknowledges, the GUI commands
        self._replies: dict[int, list] = {}
        self._replied = threading.Condition()
        self._ids = itertools.count()
        self._dataset: object = None
        context = multiprocessing.get_context("spawn")  # fork would copy the GUI's threads
        # two one-way pipes; the child's way holds a whole snapshot (see _widen)
        self._news, child_says = context.Pipe(duplex=False)
        child_hears, self._conn = context.Pipe(duplex=False)
        _widen(child_says)
        self.process = context.Process(
            target=trainer_process.run,
            args=(child_hears, child_says, config if config is not None else Config()),
            name="neural-playground-trainer",
            daemon=True,  # should the window die anyway, the child goes with it
        )
        self.process.start()
        # deleted without shutdown() (its owner dropped unclosed): the child must not
        # outlive it (a callable that holds the process, not this object)
        self.destroyed.connect(functools.partial(_end_child, self.process))
        child_hears.close()  # the child's copies stay open: EOF reaches us when it ends
        child_says.close()
        self._alive = True
        self._ended = False
        self._heard = False  # any message from the child yet
        self._stopping = False  # shutdown() asked it to end
        self._latest: Snapshot | None = None  # the newest snapshot, without pictures
        self._job: tuple | None = None  # pictures to make: (snapshot, grids?, diagnostics?, ...)
        self._work = threading.Condition()
        self._painting = False
        self._painter = threading.Thread(target=self._paint, name="trainer-pictures", daemon=True)
        self._painter.start()
        self._reader = threading.Thread(target=self._read, name="trainer-reader", daemon=True)
        self._reader.start()

    # --- commands -----------------------------------------------------------------

    def send(self, name: str, *args) -> None:
        self._post(("send", name, args))

    def call(self, name: str, *args) -> list | None:
        """A blocking command: the child's answers (the reply list), None if it stopped."""
        call_id = next(self._ids)
        with self._replied:
            if not self._post(("call", call_id, name, args)):
                return None
            self._replied.wait_for(
                lambda: call_id in self._replies or not self._alive, CALL_TIMEOUT
            )
            return self._replies.pop(call_id, None)

    def taken(self) -> None:
        """The window took the last snapshot: the child may make the next."""
        self._post(("taken",))

    def set_grid_resolution(self, resolution: int) -> None:
        self.pictures.set_resolution(resolution)

    def _post(self, message: tuple) -> bool:
        with self._send_lock:
            if not self._alive:
                return False
            try:
                self._conn.send(message)
            except (OSError, ValueError):
                return False
            return True

    # --- the child's news ---------------------------------------------------------

    def _read(self) -> None:
        try:
            while True:
                message = self._news.recv()
                self._heard = True
                try:
                    self._take(message)
                except Exception as exc:  # a bug here must not cost the trainer's news
                    _report("a message from the trainer", exc)
        except (EOFError, OSError):  # the child has ended
            pass
        finally:
            with self._replied:
                self._alive = False
                self._replied.notify_all()
            with self._work:
                self._work.notify()
            if not self._stopping:  # it died: a failed start, a crash, a kill
                with contextlib.suppress(RuntimeError):  # unless this link was deleted
                    self.ended.emit(not self._heard)

    def _paint(self) -> None:
        """The picture thread: make what is due, then show it on the newest snapshot."""
        _yield_to_others()
        while True:
            with self._work:
                self._work.wait_for(lambda: self._job is not None or not self._alive)
                if not self._alive:
                    return
                job, self._job = self._job, None
                self._painting = True
            assert job is not None
            try:
                self.pictures.make(*job)
            except Exception as exc:  # shown without pictures, rather than never again
                _report("the pictures", exc)
                self.pictures.give_up(job[0])
            with self._work:
                self._painting = False
                if self._latest is not None:
                    self._offer(self._latest)

    def _offer(self, snap: Snapshot) -> None:
        """Put `snap` with its generation's pictures, unless it has none yet and
        they are being made (a new network, a reset): then the painter puts it
        when they are, so the window never shows a new network's tiles blank."""
        if not self.pictures.has_grids(snap.generation) and (self._job or self._painting):
            return
        self.mailbox.put(self.pictures.attach(snap))

    def _take(self, message: tuple) -> None:
        kind = message[0]
        if kind == "snapshot":
            _, snap, dataset, rate, changed_at, update = message
            if dataset is not None:
                self._dataset = dataset
            self.epochs_per_second = rate
            snap = dataclasses.replace(snap, dataset=self._dataset)
            with self._work:
                self._latest = snap
                grids, diagnostics = self.pictures.due(snap, update is not None)
                if grids or diagnostics:  # the newest job waits while the painter works
                    if self._job is not None:  # one not begun yet: this one asks for more
                        _, old_grids, old_diagnostics, _, old_update = self._job
                        grids, diagnostics = grids or old_grids, diagnostics or old_diagnostics
                        update = update if update is not None else old_update
                    self._job = (snap, grids, diagnostics, changed_at, update)
                    self._work.notify()
                self._offer(snap)
        elif kind == "checkpoint":
            self.checkpoints.append(message[1])
        elif kind == "reply":
            with self._replied:
                self._replies[message[1]] = message[2]
                self._replied.notify_all()
        elif kind == "rate":
            self.epochs_per_second = message[1]
        elif kind == "running":
            self.epochs_per_second = message[2]
            self.running_changed.emit(message[1])
        elif kind == "diverged":
            self.diverged.emit(message[1])
        elif kind == "error":
            self.error.emit(message[1])

    # --- lifetime -----------------------------------------------------------------

    @property
    def dead(self) -> bool:
        """The child has ended (asked or not) and its news stopped."""
        return not self._alive

    @property
    def heard(self) -> bool:
        """The child said something before it ended."""
        return self._heard

    @property
    def pictures_done(self) -> bool:
        """No picture is being made or waiting to be (the newest snapshot put has them)."""
        with self._work:
            return self._job is None and not self._painting

    @property
    def finished(self) -> bool:
        """True once the child and both threads have ended (after `shutdown`)."""
        return self._ended

    def shutdown(self) -> None:
        """Stop the child and the reader; waits for both (a few seconds at most)."""
        self._stopping = True
        self._post(("shutdown",))
        self.process.join(END_TIMEOUT)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._reader.join(END_TIMEOUT)  # the child's end closed with it: the reader sees EOF
        self._painter.join(END_TIMEOUT)  # told by the reader as it ended
        with self._send_lock:
            self._alive = False
            self._conn.close()
        self._news.close()
        self._ended = not (self._reader.is_alive() or self._painter.is_alive())
        self.process.close()


PIPE_BYTES = 1 << 20  # a 16 x 64 network's snapshot is ~0.5 MB


def _end_child(process, *_destroyed) -> None:
    """End a link's child when the link is deleted without shutdown()."""
    with contextlib.suppress(ValueError, OSError):  # closed: shutdown() ended it already
        if process.is_alive():
            process.kill()
            process.join(END_TIMEOUT)


def _widen(end) -> None:
    """Let the pipe hold a whole snapshot (Linux; elsewhere it stays as it is).
    With the usual 64 KiB the child waited in send() while the reader, which
    needs the interpreter lock for every chunk, read one chunk at a time:
    gaps of 75 ms between snapshots."""
    try:
        import fcntl

        fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _report(what: str, exc: Exception) -> None:
    print(f"neural-playground: {what} failed: {exc!r}", file=sys.stderr)


PICTURE_NICENESS = 10  # how much the picture thread yields when the cores are busy


def _yield_to_others() -> None:
    """Lower the calling thread's priority (Linux; elsewhere nothing): when the
    machine is busy, pictures come less often before training or drawing slow."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        thread = threading.get_native_id()
        os.setpriority(
            os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + PICTURE_NICENESS
        )
