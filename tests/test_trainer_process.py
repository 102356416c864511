"""The trainer in its own process (bridge/trainer_process.py, trainer_link.py):
the same commands and pictures as the thread worker, exactly the same
training, and nothing left behind when the window closes."""

import dataclasses
import multiprocessing
import os
import sys
import threading

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QThread

from playground import Config, Trainer
from playground.app.main_window import MainWindow
from playground.bridge.pictures import PictureMaker
from playground.bridge.session import TrainingSession

SMALL = Config(hidden=(6, 4), batch_size=10)


@pytest.fixture
def session(qtbot):
    SEEN.clear()
    s = TrainingSession(SMALL, where="process")
    assert s.where == "process"
    yield s
    s.shutdown()


SEEN: dict = {}  # per session, the newest snapshot taken so far


def newest(qtbot, session, condition, timeout=15_000):
    """The newest snapshot (taken now or before) once `condition(snapshot)` holds."""

    def check() -> bool:
        snap = session.latest()
        if snap is not None:
            SEEN[id(session)] = snap
        return id(session) in SEEN and condition(SEEN[id(session)])

    qtbot.waitUntil(check, timeout=timeout)
    return SEEN[id(session)]


def test_it_trains_exactly_as_the_engine_does(qtbot, session):
    newest(qtbot, session, lambda s: True)
    session.step(7)
    snap = newest(qtbot, session, lambda s: s.epoch == 7)
    here = Trainer(SMALL)
    here.train(7)
    for mine, theirs in zip(snap.weights, (here.network.weight(i) for i in range(3)), strict=True):
        assert np.array_equal(mine, theirs)  # bit for bit
    assert snap.metrics.train_loss == here.metrics.train_loss


def test_its_pictures_are_the_trainers_own(qtbot, session):
    session.set_grid_resolution(20)
    session.step(3)
    newest(qtbot, session, lambda s: s.epoch == 3 and s.grids is not None)
    # pictures lag a little while training; once made, the newest snapshot has its own
    qtbot.waitUntil(lambda: session._link.pictures_done, timeout=10_000)
    snap = newest(qtbot, session, lambda s: s.grids.resolution == 20)
    here = Trainer(SMALL)
    here.network.set_parameters(list(zip(snap.weights, snap.biases, strict=True)))
    grids = here.grids(20)
    for made, expected in zip(snap.grids.layers, grids.layers, strict=True):
        assert np.array_equal(made, expected)
    # and diagnostics of its generation, with the doctor's findings
    snap = newest(qtbot, session, lambda s: s.diagnostics is not None)
    assert snap.diagnostics.epoch == snap.epoch or snap.diagnostics.epoch <= snap.epoch


def test_play_pause_and_blocking_calls_answer(qtbot, session):
    newest(qtbot, session, lambda s: True)
    with qtbot.waitSignal(session.running_changed, timeout=10_000):
        session.play()
    assert session.is_running
    newest(qtbot, session, lambda s: s.epoch >= 3)
    with qtbot.waitSignal(session.running_changed, timeout=10_000):
        session.pause()
    assert not session.is_running
    state = session.fetch_state()
    assert state is not None and state["epoch"] >= 3
    # a restart answers with nothing to say, and its pictures are a new generation
    assert session.restart(SMALL.replace(hidden=(3,))) is None
    snap = newest(qtbot, session, lambda s: s.config.hidden == (3,))
    assert snap.epoch == 0
    # going back to the saved state: the same epoch and weights
    assert session.load_state(state) is None
    snap = newest(qtbot, session, lambda s: s.config.hidden == (6, 4))
    assert snap.epoch == state["epoch"]
    # a refused command says why in one sentence and changes nothing
    with qtbot.waitSignal(session.error, timeout=10_000) as said:
        session.step(0)
    assert "1 epoch or more" in said.args[0]


def test_a_trainer_that_died_is_replaced_in_a_thread(qtbot, session):
    session.step(4)
    last = newest(qtbot, session, lambda s: s.epoch == 4)
    link = session._link
    with qtbot.waitSignal(session.error, timeout=10_000) as said:
        link.process.kill()  # a crash
    assert "ended unexpectedly" in said.args[0] and "epoch 4" in said.args[0]
    assert session.where == "thread" and link.finished
    # training goes on from the last picture's weights, in this process
    assert session.fetch_state() is not None
    snap = newest(qtbot, session, lambda s: s.generation > last.generation)
    for mine, then in zip(snap.weights, last.weights, strict=True):
        assert np.array_equal(mine, then)
    session.step(2)
    newest(qtbot, session, lambda s: s.epoch == 2)


def test_a_trainer_that_never_started_is_replaced_at_once(qtbot, monkeypatch):
    from playground.bridge import trainer_process

    monkeypatch.setattr(trainer_process, "run", _no_trainer)
    SEEN.clear()
    s = TrainingSession(SMALL, where="process")
    try:
        qtbot.waitUntil(lambda: s.where == "thread", timeout=20_000)
        snap = newest(qtbot, s, lambda snap: True)
        assert snap.epoch == 0 and snap.config == SMALL
    finally:
        s.shutdown()


def _no_trainer(hears, says, config) -> None:
    """A child that ends at once, as one that cannot start would."""
    raise SystemExit(3)


@pytest.mark.parametrize("where", ["process", "thread"])
def test_closing_the_window_while_training_ends_every_thread_and_process(
    qtbot, tmp_path, where, monkeypatch
):
    monkeypatch.setenv("NEURAL_PLAYGROUND_TRAINER", where)
    threads_before = {t.ident for t in threading.enumerate()}
    children_before = set(multiprocessing.active_children())
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Config(hidden=(16,) * 4), settings=settings)
    window.files.ask_discard = lambda: "discard"
    window.show()
    qtbot.waitUntil(lambda: window.experiment.snapshot is not None, timeout=15_000)
    session = window.session
    assert session.where == where
    pid = session._link.process.pid if where == "process" else None
    qthread = None if where == "process" else session._thread
    with qtbot.waitSignal(session.running_changed, timeout=10_000):
        session.play()
    qtbot.waitUntil(lambda: window.experiment.snapshot.epoch >= 2, timeout=15_000)
    if pid is not None:
        assert multiprocessing.active_children()  # the trainer's process, training
    window.close()
    # counted: no Python thread of ours, no child process, no running QThread
    assert {t.ident for t in threading.enumerate()} <= threads_before
    assert set(multiprocessing.active_children()) <= children_before
    if pid is not None:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    if qthread is not None:
        assert not qthread.isRunning()
    assert QThread.currentThread() is not None


def test_the_picture_maker_spends_within_its_budget():
    """Grids come at once for a new generation or a marked snapshot, then no
    sooner than GRID_SHARE times their cost; the newest are attached to every
    snapshot of their generation, `fresh_grids` only the first time."""
    now = [0.0]

    def clock() -> float:  # each look at it takes 10 ms: grids cost 10 ms
        now[0] += 0.01
        return now[0]

    maker = PictureMaker(resolution=10, clock=clock)
    trainer = Trainer(SMALL)
    snap = trainer.snapshot()
    grids, diagnostics = maker.due(snap, has_update=False)
    assert grids and not diagnostics
    maker.make(snap, True, False)
    first = maker.attach(snap)
    assert first.grids is not None and first.fresh_grids
    assert not maker.attach(snap).fresh_grids  # the same grids again: not fresh
    # 10 ms since: not due (PICTURE_SHARE x 10 ms must pass), unless asked
    assert maker.due(snap, False) == (False, False)
    asked = dataclasses.replace(snap, fresh_grids=True)
    assert maker.due(asked, True) == (True, True)
    now[0] += 10.0
    assert maker.due(snap, True) == (True, True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority: Linux")
def test_pictures_yield_first_when_the_machine_is_busy(session, qtbot):
    """The picture thread runs at a lower priority than the window and the
    trainer's process, so a busy machine slows pictures before training."""
    painter = next(t for t in threading.enumerate() if t.name == "trainer-pictures")
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def lowered() -> bool:  # (set by the thread itself as it starts)
        return os.getpriority(os.PRIO_PROCESS, painter.native_id) >= min(19, here + 10)

    qtbot.waitUntil(lowered, timeout=5000)
    assert os.getpriority(os.PRIO_PROCESS, session._link.process.pid) == here


def test_after_a_crash_the_thread_shows_its_snapshots_and_keeps_own_points(qtbot):
    """Rebuilds first (the dead child's generations ran ahead), on a person's
    own points: the thread that takes over trains on those points, from the
    last picture's weights, and the window shows its snapshots."""
    import numpy as np

    from playground.core.datasets import own_dataset

    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, (120, 2)) + np.array([20.0, 5.0])
    points = own_dataset(x, (x[:, 0] > 20).astype(int), num_classes=2)
    own = Config(dataset="own", classes=2, points=120, features=("x1", "x2"), hidden=(3,))
    SEEN.clear()
    s = TrainingSession(SMALL, where="process")
    try:
        for seed in range(1, 4):
            assert s.restart(SMALL.replace(init_seed=seed)) is None
        assert s.restart(own, points) is None
        s.step(2)
        last = newest(qtbot, s, lambda snap: snap.config == own and snap.epoch == 2)
        with qtbot.waitSignal(s.error, timeout=10_000):
            s._link.process.kill()
        assert s.where == "thread"
        state = s.fetch_state()
        assert state is not None and state["config"]["dataset"] == "own"
        s.step(3)
        snap = newest(qtbot, s, lambda snap: snap.generation < last.generation and snap.epoch == 3)
        assert snap.dataset is not None and np.array_equal(snap.dataset.x_train, points.x_train)
    finally:
        s.shutdown()


def test_a_new_network_never_reaches_the_window_without_its_pictures(qtbot, session):
    """A reset or rebuild is shown once its pictures are made, not blank before."""
    newest(qtbot, session, lambda s: s.grids is not None)
    seen = []

    def shown(seed: int) -> bool:
        snap = session.latest()
        if snap is not None:
            seen.append(snap)
        return bool(seen) and seen[-1].config.init_seed == seed

    with qtbot.waitSignal(session.running_changed, timeout=10_000):
        session.play()
    for seed in range(1, 6):
        session.set_config(SMALL.replace(init_seed=seed, hidden=(8, 6)))
        qtbot.waitUntil(lambda seed=seed: shown(seed), timeout=10_000)
    session.pause()
    assert len({s.generation for s in seen}) >= 5
    assert all(s.grids is not None for s in seen)


def test_a_trainer_that_ended_before_anyone_listened_is_replaced(qtbot, monkeypatch):
    """Its news (a signal from the reader) went out before the session connected."""
    from playground.bridge import trainer_link, trainer_process

    monkeypatch.setattr(trainer_process, "run", _no_trainer)
    real_init = trainer_link.TrainerLink.__init__

    def slow_to_listen(self, *args, **kwargs) -> None:
        real_init(self, *args, **kwargs)
        self._reader.join(20)  # the child has ended and the reader said so, to nobody

    monkeypatch.setattr(trainer_link.TrainerLink, "__init__", slow_to_listen)
    SEEN.clear()
    s = TrainingSession(SMALL, where="process")
    try:
        qtbot.waitUntil(lambda: s.where == "thread", timeout=20_000)
        assert newest(qtbot, s, lambda snap: True).epoch == 0
    finally:
        s.shutdown()


def test_a_session_deleted_without_shutdown_ends_its_child(qtbot):
    """Its owner dropped it unclosed (a window deleted without a close): no child
    process may outlive it."""
    from shiboken6 import delete

    session = TrainingSession(Config(hidden=(3,)), where="process")
    qtbot.waitUntil(lambda: session.latest() is not None, timeout=15_000)
    process = session._link.process
    assert process.is_alive()
    delete(session)  # the C++ objects go at once, the link with the session
    qtbot.waitUntil(lambda: not process.is_alive(), timeout=10_000)
