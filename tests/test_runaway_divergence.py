"""Runaway training is a divergence even without a NaN: a loss only outputs beyond float32
can give, or parameters beyond float32's range, stop training with the usual message and
rollback; healthy runs never meet these bounds."""

import json
import re

import numpy as np
import pytest

from playground import Config, Trainer
from playground.cli import main
from playground.core.config import DATASETS
from playground.core.losses import encode_targets, make_head

# The issue's case: Adam from a huge initial scale.  Adam's steps are about the learning
# rate whatever the gradient, so nothing overflows: the loss stays near 1e262 for ever.
ISSUE = dict(dataset="plane", hidden=(64,) * 16, activation="relu", init="constant",
             init_scale=1e6, optimizer="adam", epochs=300)  # fmt: skip
MESSAGE = re.compile(
    r"Training diverged in epoch (\d+): (.+)\. Try a smaller learning rate \(now \S+\) or "
    r"another initializer; the network is back at the end of epoch (\d+)\."
)


def test_the_issues_case_is_a_divergence_rolled_back():
    t = Trainer(Config(**ISSUE))
    start = t.network.params.copy()
    first = t.metrics.train_loss
    assert 1e260 < first < np.inf  # finite: NaN and infinity alone never caught it
    t.train()
    assert t.diverged and t.epoch == 0
    found = MESSAGE.fullmatch(t.message)
    assert found, t.message
    assert found[1] == "1" and found[3] == "0"
    assert found[2].startswith("the training loss reached 3.6e+262, which only outputs beyond")
    assert np.array_equal(t.network.params, start)  # back where epoch 1 began
    assert len(t.history) == 1 and t.metrics.train_loss == first
    assert t.train_epoch() is False  # stays stopped until a setting changes


def test_a_normal_initializer_at_scale_1e6_runs_away_too():
    t = Trainer(Config(**{**ISSUE, "init": "normal", "activation": "linear"}))
    assert 1e200 < t.metrics.train_loss < np.inf
    t.train()
    assert t.diverged and "the training loss reached" in t.message


def test_the_command_line_reports_it_with_status_1(capsys):
    argv = ("train --dataset plane --hidden " + ",".join(["64"] * 16) + " --activation relu "
            "--init constant --init-scale 1e6 --optimizer adam --epochs 300 --json")  # fmt: skip
    assert main(argv.split()) == 1
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["diverged"] is True and result["epochs"] == 0
    assert "training loss reached" in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def _saturated(**fields) -> Trainer:
    """A network with one weight of 1e39 into a tanh unit: the unit saturates, so the
    loss stays finite and the gradient of that weight is exactly 0."""
    t = Trainer(Config(hidden=(3,), points=60, **fields))
    layers = t.parameters()
    layers[0][0][0, 0] = 1e39
    t.load_parameters(layers)
    return t


def test_parameters_beyond_float32_are_a_divergence_after_an_epoch():
    t = _saturated()
    start = t.network.params.copy()
    assert np.isfinite(t.metrics.train_loss)
    t.train(5)
    assert t.diverged and t.epoch == 0
    assert "0.weight reached 1e+39, beyond float32's range (3.4e+38)" in t.message
    assert MESSAGE.fullmatch(t.message), t.message
    assert np.array_equal(t.network.params, start)


def test_parameters_beyond_float32_are_a_divergence_after_a_step():
    t = _saturated()
    t.train(0)
    assert t.step(1) is False and t.diverged
    assert "0.weight reached 1e+39" in t.message and "in epoch 1" in t.message


def test_the_message_names_the_array_as_pytorch_does():
    from playground.core.divergence import parameter_problem

    t = Trainer(Config(hidden=(3, 2), features=("x1", "x2", "x1sq")))
    sizes = t.network.sizes
    for layer, (w, b) in enumerate(t.parameters()):
        for row, col in np.ndindex(w.shape):
            edited = Trainer(t.config)
            edited.set_weight(layer, row, col, -2e39)
            problem = parameter_problem(edited.network.params, sizes)
            assert problem.startswith(f"{2 * layer}.weight reached -2e+39"), problem
        for row in range(len(b)):
            edited = Trainer(t.config)
            edited.set_bias(layer, row, 5e38)
            problem = parameter_problem(edited.network.params, sizes)
            assert problem.startswith(f"{2 * layer}.bias reached 5e+38"), problem


@pytest.mark.parametrize("dataset", DATASETS)
def test_the_defaults_train_300_epochs_on_every_dataset_without_a_false_alarm(dataset):
    t = Trainer(Config(dataset=dataset))
    t.train(300)
    assert not t.diverged and t.epoch == 300, t.message


@pytest.mark.parametrize("fields", [
    dict(dataset="spirals", loss="cross-entropy", optimizer="adam", lr=0.1, hidden=(16, 16),
         activation="relu"),
    dict(dataset="line", optimizer="adam", lr=0.3, activation="linear"),
    dict(dataset="xor", loss="cross-entropy", optimizer="momentum", lr=1.0, activation="relu"),
    dict(dataset="circle", loss="cross-entropy", init="normal", init_scale=1e6),
])  # fmt: skip
def test_hard_but_finite_runs_are_no_false_alarm(fields):
    t = Trainer(Config(**fields))
    t.train(100)
    assert not t.diverged, t.message


@pytest.mark.parametrize(("problem", "loss", "outputs"), [
    ("classification", "mse", 1), ("classification", "mse", 4),
    ("classification", "cross-entropy", 1), ("classification", "cross-entropy", 5),
    ("regression", "mse", 1),
])  # fmt: skip
def test_outputs_within_float32_never_pass_the_loss_bound(problem, loss, outputs):
    """The bound's promise: with every logit within +-3.4e38, the loss stays under it."""
    from playground.core.divergence import FLOAT32_MAX, loss_limit

    head = make_head(problem, loss, outputs)
    rng = np.random.default_rng(0)
    n = 50
    labels = rng.normal(0, 3, n) if problem == "regression" else rng.integers(0, max(2, outputs), n)
    targets = encode_targets(head, labels, outputs)
    limit = loss_limit(head, targets)
    # the worst case: every logit at float32's edge, away from its target
    z = np.where(targets > 0, -FLOAT32_MAX, FLOAT32_MAX) * np.ones((n, outputs))
    out = np.empty_like(z)
    with np.errstate(all="ignore"):
        head.forward(z, out)
        worst = head.loss(z, out, targets)
    assert worst <= limit
    if not (problem == "classification" and loss == "mse"):  # tanh outputs never get far
        with np.errstate(all="ignore"):
            beyond = 4.0 * z
            head.forward(beyond, out)
            assert head.loss(beyond, out, targets) > limit
