"""Every shipped lesson can be done (issue 13): each step's action is taken
through the engine's public API, training runs, and the step's goal ticks as
the window would tick it (core/lessons.goal_met on snapshots with diagnostics
and the doctor's findings); and each lesson's claim holds in numbers."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from playground.core.diagnostics_log import DiagnosticsRecorder
from playground.core.doctor import examine_trainer
from playground.core.lessons import goal_met
from playground.core.trainer import Trainer
from playground.io.lesson_file import read_lesson

LESSONS = Path(__file__).resolve().parent.parent / "resources" / "lessons"


class Run:
    """A lesson's network, trained and pictured as the window does."""

    def __init__(self, lesson):
        self.trainer = Trainer(lesson.preset)
        self.recorder = DiagnosticsRecorder()

    def change(self, **changes):
        self.trainer.set_config(self.trainer.config.replace(**changes))

    def snap(self):
        t = self.trainer
        diagnostics = t.diagnostics()
        self.recorder.add(t.generation, diagnostics)
        return dataclasses.replace(
            t.snapshot(grid_resolution=None), diagnostics=diagnostics,
            diagnostics_log=self.recorder.log(), findings=examine_trainer(t, diagnostics),
        )  # fmt: skip

    def until(self, goal, since, most_epochs, chunk=10):
        """Train in chunks until the goal is met; the epochs it took."""
        for _ in range(0, most_epochs + 1, chunk):
            if goal_met(goal, self.snap(), since):
                return self.trainer.epoch
            self.trainer.train(chunk)
        raise AssertionError(f"not met after {most_epochs} epochs: {goal}")


# each lesson: per step, what the person does before training on
ACTIONS = {
    "01-weights": [{}, "zero x1's weight"],
    "02-biases": [{}, {"use_bias": True}],
    "03-one-neuron": [{}],
    "04-initialization": [{}, {"init": "xavier_normal"}],
    "05-symmetry": [{}, {"init": "xavier_normal"}],
    "06-dead-relu": [{"lr": 1.0}, {"activation": "leaky_relu", "lr": 0.03}],
    "07-l2": [{}, {"regularization": "l2", "reg_rate": 0.01}, {}],
    "08-debugging": [{}, {"activation": "relu", "init": "he_normal"}],
}


def test_every_shipped_lesson_is_tested():
    assert sorted(p.stem for p in LESSONS.glob("*.lesson")) == sorted(ACTIONS)
    assert len(ACTIONS) >= 8


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_a_lesson_can_be_done_step_by_step(name):
    lesson = read_lesson(LESSONS / f"{name}.lesson")
    assert 2 <= len(lesson.text) <= 5 and 1 <= len(lesson.steps) <= 3
    run = Run(lesson)
    start = run.snap()
    for step in lesson.steps:  # nothing is done before the person does it
        assert not goal_met(step.goal, start, start), step.text
    since = run.snap()
    for step, action in zip(lesson.steps, ACTIONS[name], strict=True):
        if action == "zero x1's weight":
            run.trainer.set_weight(0, 0, 0, 0.0)
        elif action:
            run.change(**action)
        run.until(step.goal, since, most_epochs=1500)
        since = run.snap()


def _trained(lesson_name, epochs, **changes):
    lesson = read_lesson(LESSONS / f"{lesson_name}.lesson")
    trainer = Trainer(lesson.preset.replace(**changes))
    trainer.train(epochs)
    return trainer


def test_claim_biases_let_a_boundary_leave_the_origin():
    without = _trained("02-biases", 300)
    with_bias = _trained("02-biases", 300, use_bias=True)
    assert without.metrics.test_accuracy <= 0.65 <= 0.97 <= with_bias.metrics.test_accuracy
    assert all(not b.any() for _, b in without.parameters())


def test_claim_one_neuron_finds_the_line():
    (w, b), = _trained("03-one-neuron", 300).parameters()  # fmt: skip
    assert w[0, 0] == pytest.approx(2.5, abs=1e-6) and b[0] == pytest.approx(-10, abs=1e-5)


def test_claim_zero_weights_leave_every_unit_identical():
    trainer = _trained("05-symmetry", 200)
    w, b = trainer.parameters()[0]
    assert np.all(w == w[0]) and np.all(b == b[0])  # every row the same, to the bit


def test_claim_large_weights_saturate_and_xavier_learns_faster():
    lesson = read_lesson(LESSONS / "04-initialization.lesson")
    large, xavier = Trainer(lesson.preset), Trainer(lesson.preset.replace(init="xavier_normal"))

    def pinned(trainer):  # share of hidden units saturated on 80 % of the points or more
        layers = trainer.diagnostics().layers[:-1]
        return np.mean(np.concatenate([layer.units.saturated for layer in layers]) >= 0.8)

    assert pinned(large) >= 0.75 and pinned(xavier) <= 0.1  # at the start
    large.train(300)
    xavier.train(300)
    assert large.metrics.test_accuracy <= 0.8 and xavier.metrics.test_accuracy >= 0.95


def test_claim_l2_shrinks_weights_and_not_biases():
    base = _trained("07-l2", 200)
    norms = lambda t: (  # noqa: E731
        sum(np.linalg.norm(w) for w, _ in t.parameters()),
        sum(np.linalg.norm(b) for _, b in t.parameters()),
    )
    w0, b0 = norms(base)
    base.set_config(base.config.replace(regularization="l2", reg_rate=0.01))
    base.train(300)
    w1, b1 = norms(base)
    assert w1 < 0.6 * w0 and abs(b1 - b0) < 0.3 * b0
