"""The bridge: the mailbox, the worker driven by hand, and the session in a real thread."""

import dataclasses
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication

from playground.bridge import Mailbox, TrainerWorker, TrainingSession
from playground.bridge.mailbox import keep_fresh_grids
from playground.bridge.pace import RATE_WINDOW
from playground.bridge.publisher import FRAME, HISTORY_ROWS, Publisher
from playground.core import Config, Trainer

TINY = Config(points=100, hidden=(2,))  # ~0.2 ms an epoch
DIVERGENT = Config(dataset="plane", activation="relu", init="he_normal", lr=3.0)


def drain():
    """Run the posted calls (the worker's deferred publish) in this thread."""
    for _ in range(3):
        QCoreApplication.processEvents()


def recorder(signal):
    got = []
    signal.connect(got.append)
    return got


@pytest.fixture
def make_worker(qtbot):
    """A worker in the test's thread, started, its first picture taken."""
    workers = []

    def make(config=None, mailbox=None):
        worker = TrainerWorker(config, mailbox)
        worker.start()
        drain()
        worker.mailbox.take()
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.shutdown()


def run_step(worker, epochs=1, limit=100_000):
    """worker.step(epochs), then its time boxes, as its timer would run them."""
    worker.step(epochs)
    for _ in range(limit):
        if worker._step_to is None:
            return
        worker.tick()
    raise AssertionError("the step never ended")


def run_until_paused(worker, limit=5000):
    for _ in range(limit):
        if not worker.is_running:
            return
        worker.tick()
    raise AssertionError("the worker never paused")


# --- Mailbox -------------------------------------------------------------------


def test_mailbox_overwrites_and_take_empties():
    box = Mailbox()
    assert box.take() is None and not box.waiting()
    box.put(1)
    box.put(2)
    assert box.waiting() and box.take() == 2
    assert box.take() is None and not box.waiting()
    box.put(3)
    assert box.take() == 3


def test_mailbox_merges_only_over_an_untaken_value():
    box = Mailbox(merge=lambda pending, new: pending + new)
    box.put(1)
    box.put(2)  # 1 was not taken: merged
    assert box.take() == 3
    box.put(10)  # 3 was taken: stored as is
    assert box.take() == 10


def test_mailbox_two_threads_putting_and_one_taking():
    box, n = Mailbox(), 20_000
    taken = []  # every value the reader got, in order
    done = threading.Event()

    def writer(who):
        for i in range(n):
            box.put((who, i))

    def reader():
        while not done.is_set():
            value = box.take()
            if value is not None:
                taken.append(value)

    threads = [threading.Thread(target=writer, args=(w,)) for w in (0, 1)]
    taker = threading.Thread(target=reader)
    taker.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    taker.join()
    last = box.take()
    if last is not None:
        taken.append(last)
    # the newest value is never lost: the last one out is the last a writer put
    assert taken[-1] in {(0, n - 1), (1, n - 1)}
    for who in (0, 1):  # each writer's values come out in order, none twice
        values = [i for w, i in taken if w == who]
        assert values == sorted(set(values))


def test_an_untaken_picture_stays_fresh_when_overwritten(make_worker):
    trainer = make_worker().trainer
    with_grids = trainer.snapshot(grid_resolution=10)
    trainer.train_epoch()
    later = dataclasses.replace(trainer.snapshot(), grids=with_grids.grids)  # as published
    merged = keep_fresh_grids(with_grids, later)
    assert merged.grids is with_grids.grids and merged.fresh_grids and merged.epoch == 1
    taken_before = dataclasses.replace(with_grids, fresh_grids=False)
    assert not keep_fresh_grids(taken_before, later).fresh_grids
    newer = trainer.snapshot(grid_resolution=10)  # its own new grids: kept as they are
    assert keep_fresh_grids(with_grids, newer) is newer


def test_publisher_attaches_the_last_grids_of_the_generation(make_worker):
    worker = make_worker()
    clock = VirtualTime()
    publisher = Publisher(worker.mailbox, resolution=10, clock=clock)
    timed = TimedTrainer(clock)
    timed.trainer = worker.trainer
    assert publisher.publish(timed, grids=True)
    first = worker.mailbox.take()
    assert first.fresh_grids and first.grids.resolution == 10
    worker.trainer.train_epoch()
    assert not publisher.publish(timed, grids=False)
    second = worker.mailbox.take()
    assert second.epoch == 1 and second.grids is first.grids and not second.fresh_grids


class VirtualTime:
    """A clock that moves only when work is done: costs are exact, not measured."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TimedTrainer:
    """A real trainer whose pictures take virtual time: grids 20 ms, plain 1 ms,
    diagnostics 5 ms."""

    def __init__(self, clock: VirtualTime, config=TINY) -> None:
        self.trainer, self.clock = Trainer(config), clock

    @property
    def generation(self):
        return self.trainer.generation

    @property
    def settings_changed_at(self):
        return self.trainer.settings_changed_at

    def snapshot(self, grid_resolution=None, history_limit=None):
        self.clock.now += 0.020 if grid_resolution else 0.001
        return self.trainer.snapshot(grid_resolution=grid_resolution, history_limit=history_limit)

    def diagnostics(self):
        self.clock.now += 0.005
        return self.trainer.diagnostics()


def test_publisher_paces_costly_pictures():
    clock, box = VirtualTime(), Mailbox()
    trainer = TimedTrainer(clock)
    publisher = Publisher(box, clock=clock)
    assert publisher.publish(trainer, grids=False)  # a generation's first picture has grids
    first = box.take()
    assert first.grids.resolution == 100 and first.fresh_grids
    assert first.diagnostics is not None and isinstance(first.findings, tuple)
    assert not publisher.publish(trainer, grids=False)  # grids again only after 3x their cost
    second = box.take()
    assert second.grids is first.grids and second.diagnostics is first.diagnostics
    assert publisher.next_due() - publisher.last == pytest.approx(FRAME)  # plain ones are cheap
    clock.now += 3 * 0.020  # three times what grids cost has passed
    assert publisher.publish(trainer, grids=False)
    assert box.take().diagnostics is first.diagnostics  # diagnostics: 4 a second at most
    clock.now += 0.25
    publisher.publish(trainer, grids=False)
    assert box.take().diagnostics is not first.diagnostics
    assert publisher.publish(trainer, grids=True)  # asked for: always, diagnostics too
    asked = box.take()
    assert asked.fresh_grids and asked.diagnostics is not second.diagnostics
    publisher.set_resolution(30)
    assert publisher.publish(trainer, grids=False) and box.take().grids.resolution == 30
    trainer.trainer.reinitialize(5)  # a new generation: both at once, and a new log
    clock.now += 0.001
    assert publisher.publish(trainer, grids=False)
    fresh = box.take()
    assert fresh.generation == trainer.generation and len(fresh.diagnostics_log) == 1


# --- TrainerWorker, driven by hand in the test's thread -------------------------


def test_start_publishes_a_first_picture_with_grids(qtbot):
    worker = TrainerWorker(Config(hidden=(3,)))
    worker.start()
    drain()
    snap = worker.mailbox.take()
    assert snap.epoch == 0 and snap.grids.resolution == 100
    assert [g.shape[-1] for g in snap.grids.layers] == [2, 3, 1]
    worker.shutdown()


def test_play_and_ticks_train_and_pause_stops(make_worker):
    worker = make_worker(TINY)
    states = recorder(worker.running_changed)
    worker.play()
    for _ in range(5):
        worker.tick()
    assert worker.trainer.epoch > 5 and states == [True]
    worker.pause()
    epoch = worker.trainer.epoch
    for _ in range(5):
        worker.tick()
    assert worker.trainer.epoch == epoch and states == [True, False]
    drain()
    assert worker.mailbox.take().grids is not None  # pausing publishes at once, with grids


def test_epochs_per_second_counts_over_a_window_and_is_zero_when_paused(make_worker):
    # the clock is given, not read: the count is checked, speeds live in benchmarks/
    worker = make_worker(TINY)
    worker.play()
    pace, start = worker.pace, 1000.0
    pace.start(start)
    pace.spend(30, start + RATE_WINDOW / 2)  # half a window: nothing reported yet
    assert worker.epochs_per_second == 0.0
    pace.spend(20, start + RATE_WINDOW)  # a whole window: 50 epochs in it
    assert worker.epochs_per_second == pytest.approx(50 / RATE_WINDOW)
    pace.spend(0, start + 2 * RATE_WINDOW)  # no epoch yet: the last rate stands
    assert worker.epochs_per_second == pytest.approx(50 / RATE_WINDOW)
    pace.spend(0, start + 6 * RATE_WINDOW)  # none for five windows: 0
    assert worker.epochs_per_second == 0.0
    pace.spend(7, start + 7 * RATE_WINDOW)
    assert worker.epochs_per_second == pytest.approx(7 / RATE_WINDOW)
    worker.pause()
    assert worker.epochs_per_second == 0.0


def test_step_trains_exactly_one_epoch_and_publishes_grids(make_worker):
    worker = make_worker()
    run_step(worker, 1)
    drain()
    snap = worker.mailbox.take()
    assert snap.epoch == 1 and snap.grids is not None
    run_step(worker, 3)
    drain()
    assert worker.mailbox.take().epoch == 4
    worker.play()
    worker.tick()
    epoch = worker.trainer.epoch
    run_step(worker, 1)  # a step pauses first
    assert not worker.is_running and worker.trainer.epoch == epoch + 1


def test_a_burst_of_edits_is_pictured_once(make_worker):
    puts = []

    class Counting(Mailbox):
        def put(self, value):
            puts.append(value)
            super().put(value)

    worker = make_worker(mailbox=Counting())
    puts.clear()
    for i in range(20):
        worker.set_weight(0, 0, 0, i / 10)
    drain()
    assert len(puts) == 1 and puts[0].weights[0][0, 0] == pytest.approx(1.9)


def test_hot_config_change_keeps_training(make_worker):
    worker = make_worker()
    run_step(worker, 3)
    drain()
    before = worker.mailbox.take()
    worker.set_config(before.config.replace(lr=0.1))
    drain()
    after = worker.mailbox.take()
    assert after.epoch == 3 and after.generation == before.generation
    assert after.config.lr == 0.1 and np.array_equal(after.weights[0], before.weights[0])


def test_architecture_change_starts_over(make_worker):
    worker = make_worker()
    run_step(worker, 3)
    drain()
    before = worker.mailbox.take()
    worker.set_config(before.config.replace(hidden=(5,)))
    drain()
    after = worker.mailbox.take()
    assert after.epoch == 0 and after.generation > before.generation
    assert after.weights[0].shape == (5, 2) and after.grids.layers[1].shape[-1] == 5


def test_a_bad_config_is_refused_and_changes_nothing(make_worker):
    worker = make_worker()
    run_step(worker, 2)
    drain()
    before = worker.mailbox.take()
    errors = recorder(worker.error)
    forged = Config()
    object.__setattr__(forged, "hidden", (0,))  # slipped past validation
    worker.set_config(forged)
    worker.set_config({"lr": 0.1})
    drain()
    assert len(errors) == 2 and "hidden" in errors[0] and "Config" in errors[1]
    assert worker.mailbox.take() is None  # nothing changed, nothing published
    assert worker.trainer.config == before.config and worker.trainer.epoch == 2


def test_weight_and_bias_edits_reach_the_trainer(make_worker):
    worker = make_worker()
    errors = recorder(worker.error)
    worker.set_weight(1, 1, 3, 0.75)
    worker.set_bias(0, 2, -0.5)
    drain()
    snap = worker.mailbox.take()
    assert snap.weights[1][1, 3] == 0.75 and snap.biases[0][2] == -0.5
    worker.set_weight(1, 2, 0, 1.0)  # layer 1 has 2 neurons
    worker.set_bias(7, 0, 1.0)
    worker.set_weight(0, 0, 0, float("nan"))
    drain()
    assert len(errors) == 3 and worker.mailbox.take() is None


def test_load_parameters_starts_over_from_them(make_worker):
    worker = make_worker(Config(hidden=(3,)))
    errors = recorder(worker.error)
    layers = [(np.full((3, 2), 0.5), np.zeros(3)), (np.ones((1, 3)), np.array([0.2]))]
    run_step(worker, 2)
    reply = []
    worker.load_parameters(layers, reply)
    drain()
    snap = worker.mailbox.take()
    assert snap.epoch == 0 and np.array_equal(snap.weights[0], layers[0][0])
    assert reply == [snap.generation]
    worker.load_parameters(layers[:1], reply)
    assert len(reply) == 2 and isinstance(reply[1], str) and "\n" not in reply[1]
    drain()
    assert worker.mailbox.take() is None and errors == []  # refused: nothing changed


def test_stop_at_pauses_at_exactly_that_epoch(make_worker):
    worker = make_worker(TINY)
    worker.set_stop_at(7)
    worker.play()
    run_until_paused(worker)
    drain()
    snap = worker.mailbox.take()
    assert snap.epoch == 7 and snap.grids is not None
    worker.play()  # past the stop, play goes on
    for _ in range(3):
        worker.tick()
    assert worker.trainer.epoch > 7 and worker.is_running


def test_divergence_pauses_and_says_why(make_worker):
    worker = make_worker(DIVERGENT)
    messages = recorder(worker.diverged)
    worker.play()
    run_until_paused(worker)
    assert len(messages) == 1 and "diverged" in messages[0]
    drain()
    snap = worker.mailbox.take()
    assert snap.diverged and snap.message == messages[0]
    worker.play()  # refused: it says why again and stays paused
    assert not worker.is_running and len(messages) == 2
    worker.set_config(DIVERGENT.replace(lr=0.001))  # a smaller rate lets it go on
    worker.play()
    assert worker.is_running


def test_speed_gives_at_most_n_epochs_per_tick(make_worker):
    worker = make_worker(TINY)
    worker.set_speed(3)
    worker.play()
    trainer = worker.trainer

    def epochs_per_tick(wait):
        counts = []
        for _ in range(5):
            time.sleep(wait)
            before = trainer.epoch
            worker.tick()
            counts.append(trainer.epoch - before)
        return counts

    counts = epochs_per_tick(0.05)  # earns 9 epochs each; only a frame's worth (3) is kept
    assert max(counts) == 3 and counts.count(3) >= 3
    worker.set_speed(0)  # as fast as it goes: a whole time box of tiny epochs
    assert max(epochs_per_tick(0)) > 3


def test_slow_speed_waits_for_its_next_epoch_instead_of_spinning(make_worker):
    worker = make_worker(TINY)
    worker.set_speed(1)  # one epoch per 1/60 s frame
    worker.play()
    for _ in range(3):  # back to back: at most the one epoch already earned
        worker.tick()
    assert worker.trainer.epoch <= 1
    assert worker._timer.interval() > 0  # the timer sleeps until the next epoch is due


def test_huge_epochs_train_in_slices(make_worker):
    worker = make_worker(Config(points=100_000, train_ratio=0.9, hidden=(16, 16, 16)))
    worker.play()
    worker.tick()  # a whole epoch, measured: far longer than a time box
    epoch, steps = worker.trainer.epoch, worker.trainer.steps
    worker.tick()
    batches = -(-len(worker.trainer.dataset.x_train) // worker.trainer.batch_size)
    # the tick trained mini-batches and handed back mid-epoch: commands wait for one
    # slice, not a whole epoch
    assert worker.trainer.epoch == epoch and 0 < worker.trainer.steps - steps < batches


def test_grids_are_throttled_while_running(make_worker):
    worker = make_worker(Config(hidden=(32,) * 8))
    worker.set_grid_resolution(400)  # grids far costlier than a frame
    drain()
    worker.mailbox.take()
    worker.play()
    fresh = stale = 0
    for _ in range(100_000):  # ends on the count, not on a clock: a slow machine waits longer
        if fresh >= 2 and stale > fresh:
            break
        worker.tick()
        snap = worker.mailbox.take()
        if snap is not None:
            assert snap.grids is not None  # always the last ones at least
            fresh += snap.fresh_grids
            stale += not snap.fresh_grids
    assert fresh >= 2 and stale > fresh  # new grids keep coming, but not every time


def test_no_new_picture_while_the_last_one_waits_to_be_taken(make_worker):
    puts = []

    class Counting(Mailbox):
        def put(self, value):
            puts.append(value)
            super().put(value)

    worker = make_worker(Config(points=2000), mailbox=Counting())
    puts.clear()
    worker.play()
    end = time.perf_counter() + 5
    while not puts and time.perf_counter() < end:
        worker.tick()
    assert len(puts) == 1  # a running picture went out ...
    epoch = worker.trainer.epoch
    for _ in range(20):  # ... and while nobody takes it, training goes on unpictured
        worker.tick()
        time.sleep(FRAME / 4)
    assert len(puts) == 1 and worker.trainer.epoch > epoch
    assert worker.mailbox.take() is puts[0]
    while len(puts) == 1 and time.perf_counter() < end:
        worker.tick()
    assert len(puts) == 2 and puts[1].epoch > puts[0].epoch  # taken: the next one comes


def test_grid_resolution_and_bad_settings(make_worker):
    worker = make_worker()
    errors = recorder(worker.error)
    worker.set_grid_resolution(40)
    drain()
    assert worker.mailbox.take().grids.resolution == 40
    for bad in (worker.set_grid_resolution, worker.set_speed, worker.set_stop_at, worker.step):
        bad(-1)
    assert len(errors) == 4


# --- TrainingSession: a real thread ---------------------------------------------


@pytest.fixture
def session(qtbot):
    session = TrainingSession(TINY, where="thread")  # (trainer_process tests: the child)
    yield session
    session.shutdown()


def wait_for(qtbot, session, test, timeout=5000):
    """Poll latest() as the window's frame timer would, until a snapshot passes test."""
    found = []

    def check():
        snap = session.latest()
        if snap is not None and test(snap):
            found.append(snap)
        return bool(found)

    qtbot.waitUntil(check, timeout=timeout)
    return found[0]


def test_session_trains_pauses_and_shuts_down(qtbot, session):
    wait_for(qtbot, session, lambda s: s.epoch == 0)
    with qtbot.waitSignal(session.running_changed):
        session.play()
    assert session.is_running
    wait_for(qtbot, session, lambda s: s.epoch > 5)
    qtbot.waitUntil(lambda: session.epochs_per_second > 0)
    with qtbot.waitSignal(session.running_changed) as paused:
        session.pause()
    assert paused.args == [False] and not session.is_running
    qtbot.wait(50)
    last = session.latest()  # the picture published on pausing, with new grids
    assert last is not None and last.grids is not None and last.fresh_grids
    qtbot.wait(200)
    later = session.latest()
    assert later is None or later.epoch == last.epoch  # nothing trains any more
    session.shutdown()
    assert session._thread.isFinished()
    session.shutdown()  # again: nothing happens
    session.play()  # ignored after shutdown


def test_shutdown_while_running_is_quick_and_clean(qtbot):
    session = TrainingSession(Config(hidden=(8,) * 6), where="thread")
    with qtbot.waitSignal(session.running_changed):
        session.play()
    try:
        qtbot.wait(100)
        session.shutdown()  # returns only once the thread has ended
        assert session._thread.isFinished()
    finally:
        session.shutdown()


def test_session_reports_divergence_and_errors(qtbot, session):
    with qtbot.waitSignal(session.diverged) as diverged:
        session.set_config(DIVERGENT)
        session.play()
    assert "diverged" in diverged.args[0]
    qtbot.waitUntil(lambda: not session.is_running)
    with qtbot.waitSignal(session.error):
        session.set_stop_at(-1)
    assert "pairs of numbers" in session.load_parameters([("not", "numbers")])
    assert "layers" in session.load_parameters([(np.ones((9, 9)), np.ones(9))])


def test_session_drops_stale_generations(qtbot, session):
    snap = wait_for(qtbot, session, lambda s: True)
    session._worker.mailbox.put(dataclasses.replace(snap, generation=snap.generation - 1))
    assert session.latest() is None


def test_published_history_is_thinned(make_worker):
    worker = make_worker(Config(batch_size=None, hidden=(2,)))
    worker.trainer.train(9000)
    run_step(worker, 1)
    drain()
    snap = worker.mailbox.take()
    assert snap.epoch == 9001 and len(snap.history) <= HISTORY_ROWS + 1
    assert snap.history.epochs[-1] == 9001
