"""The experiment model without a window: it owns the config, the snapshot, the saved mark."""

import subprocess
import sys

import numpy as np
import pytest

from playground.app.experiment import Experiment, SavedMark
from playground.bridge import TrainingSession
from playground.core import Config, Trainer


@pytest.fixture
def model(qtbot):
    session = TrainingSession(Config(hidden=(3,)))
    experiment = Experiment(session, Config(hidden=(3,)))
    yield experiment
    session.shutdown()


def frame(qtbot, model, test=lambda s: True, timeout=8000):
    """Hand snapshots over as the frame clock does, until one passes `test`."""

    def check():
        snap = model.session.latest()
        if snap is not None:
            model.take(snap)
        return model.snapshot is not None and test(model.snapshot)

    qtbot.waitUntil(check, timeout=timeout)
    return model.snapshot


def recorder(signal):
    got = []
    signal.connect(lambda *args: got.append(args[0] if args else None))
    return got


def test_the_model_needs_no_widgets():
    code = "import sys, playground.app.experiment; print('PySide6.QtWidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_accepted_change_is_applied_sent_and_signalled_once(qtbot, model):
    changed, refused = recorder(model.config_changed), recorder(model.refused)
    assert model.propose({"dataset": "plane"})
    assert model.config.dataset == "plane" and model.config.loss == "mse"
    assert changed == [model.config] and refused == []
    frame(qtbot, model, lambda s: s.config.dataset == "plane")  # the trainer has it
    assert model.propose({"dataset": "plane"})  # no change: no signal
    assert len(changed) == 1


def test_a_refused_change_says_why_and_changes_nothing(qtbot, model):
    changed, refused = recorder(model.config_changed), recorder(model.refused)
    before = model.config
    assert not model.propose({"lr": -1.0})
    assert model.config is before and changed == []
    assert len(refused) == 1 and "lr" in refused[0] and "\n" not in refused[0]


def test_the_last_feature_stays_on(model):
    refused = recorder(model.refused)
    model.propose({"features": ("x1",)})
    assert not model.toggle_feature("x1")
    assert model.config.features == ("x1",) and "feature" in refused[0]


def test_architecture_edits_stay_within_limits(model):
    assert model.add_neuron(0) and model.config.hidden == (4,)
    assert model.remove_layer() and model.config.hidden == ()
    assert not model.remove_layer() and not model.add_neuron(0)
    assert model.add_layer() and model.config.hidden == (2,)
    assert model.remove_neuron(0) and not model.remove_neuron(0)  # one neuron is the least


def test_reset_takes_the_next_seed(qtbot, model):
    first = frame(qtbot, model)
    assert model.reset()
    snap = frame(qtbot, model, lambda s: s.generation > first.generation)
    assert snap.config.init_seed == first.config.init_seed + 1 and snap.epoch == 0


def test_the_saved_mark():
    cfg = Config()
    never = SavedMark()

    class Snap:
        def __init__(self, epoch, step, config=cfg):
            self.epoch, self.step, self.config = epoch, step, config

    assert not never.is_dirty(None, cfg) and not never.is_dirty(Snap(0, 0), cfg)
    assert never.is_dirty(Snap(1, 50), cfg)  # trained
    saved = SavedMark(cfg, 3, 150)
    assert not saved.is_dirty(Snap(3, 150), cfg)
    assert saved.is_dirty(Snap(4, 200), cfg)
    assert saved.is_dirty(Snap(3, 150), cfg.replace(lr=0.1))
    assert SavedMark(cfg, 3, 150, edited=True).is_dirty(Snap(3, 150), cfg)


def test_opening_shows_no_picture_of_the_old_experiment(qtbot, model):
    frame(qtbot, model)
    model.session.step(2)
    old = frame(qtbot, model, lambda s: s.epoch == 2)
    state = model.fetch_state()
    model.propose({"hidden": (5,)})
    frame(qtbot, model, lambda s: s.config.hidden == (5,))
    model.session.step(1)
    path_changes, over = recorder(model.path_changed), recorder(model.started_over)
    assert model.open_state("x.playground", state) is None
    assert model.config.hidden == (3,) and not model.is_dirty() and over == [None]
    shown = recorder(model.snapshot_changed)
    opened = frame(qtbot, model, lambda s: s.config.hidden == (3,))
    assert all(s.config.hidden == (3,) for s in shown)  # nothing of hidden (5,) after it
    assert opened.epoch == 2 and np.array_equal(opened.weights[0], old.weights[0])
    assert not model.is_dirty() and path_changes == ["x.playground"]


@pytest.mark.parametrize(
    "action, seen",
    [
        (lambda m: m.session.step(1), lambda s: s.epoch == 5),
        (lambda m: m.propose({"lr": 0.1}), lambda s: s.config.lr == 0.1),
        (lambda m: m.reset(), lambda s: s.config.init_seed == 1),
        (lambda m: m.edit_weight(0, 0, 0, 2.0), lambda s: s.weights[0][0, 0] == 2.0),
    ],
    ids=["step", "hot change", "reset", "edit"],
)
def test_acting_at_once_after_opening_is_seen_and_counts(qtbot, model, action, seen):
    frame(qtbot, model)
    model.session.step(4)
    frame(qtbot, model, lambda s: s.epoch == 4)
    state = model.fetch_state()
    model.session.step(3)
    frame(qtbot, model, lambda s: s.epoch == 7)
    assert model.open_state("y.playground", state) is None
    action(model)  # before any picture of the opened state
    frame(qtbot, model, seen)
    assert model.is_dirty()


def test_a_state_the_trainer_refuses_changes_nothing(qtbot, model):
    frame(qtbot, model)
    state = model.fetch_state()
    state["params"] = np.zeros(3)  # the wrong size for this network
    state["config"] = Config(hidden=(7,)).to_dict()
    before = model.config
    refused = model.open_state("bad.playground", state)
    assert refused and "\n" not in refused
    assert model.config == before and model.path is None
    frame(qtbot, model)  # pictures flow again


def test_new_starts_over_even_with_the_same_settings(qtbot, model):
    frame(qtbot, model)
    model.session.step(3)
    first = frame(qtbot, model, lambda s: s.epoch == 3)
    model.mark_saved("z.playground", model.fetch_state())
    assert model.new(model.config) is None
    snap = frame(qtbot, model, lambda s: s.generation > first.generation)
    assert snap.epoch == 0 and model.path is None and not model.is_dirty()
    assert np.array_equal(snap.weights[0], Trainer(model.config).parameters()[0][0])


def test_edits_and_imports_count_as_unsaved_work(qtbot, model):
    frame(qtbot, model)
    dirty = recorder(model.dirty_changed)
    model.edit_weight(0, 0, 0, 1.5)
    assert model.is_dirty() and dirty == [True]
    snap = frame(qtbot, model, lambda s: s.weights[0][0, 0] == 1.5)
    state = model.fetch_state()
    model.mark_saved("saved.playground", state)
    assert not model.is_dirty() and dirty == [True, False]
    model.import_parameters(snap.config, list(zip(snap.weights, snap.biases, strict=True)))
    assert model.is_dirty()


def test_saving_counts_changes_from_the_saved_state(qtbot, model):
    frame(qtbot, model)
    model.session.step(3)
    frame(qtbot, model, lambda s: s.epoch == 3)
    model.mark_saved("a.playground", model.fetch_state())
    assert not model.is_dirty()
    model.session.step(1)
    frame(qtbot, model, lambda s: s.epoch == 4)
    assert model.is_dirty()
