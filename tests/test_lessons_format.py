"""Lessons (issue 13), the data side: a .lesson file read strictly, and every goal
kind judged on real snapshots of a trainer, met and not met.  Hostile lesson
files are refused in one sentence naming the file; a fuzzer of mutated lessons
gets nothing else out of the reader."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import pathlib
import random
import re
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.core.config import Config
from playground.core.diagnostics_log import DiagnosticsRecorder
from playground.core.doctor import examine_trainer
from playground.core.lessons import (
    GOAL_KINDS,
    LOOK_AT,
    PANELS,
    Goal,
    Lesson,
    goal_met,
    goal_progress,
)
from playground.core.trainer import Trainer
from playground.io.lesson_file import (
    MAX_BYTES,
    LessonFileError,
    parse_lesson,
    read_lesson,
)

PRESET = {"dataset": "xor", "features": ["x1", "x2", "x1x2"], "hidden": [4], "points": 200}
GOOD = {
    "format": "neural-playground-lesson",
    "format_version": 1,
    "title": "Weight decay shrinks weights, not biases",
    "text": [
        "L2 regularization adds the squared weights to the loss.",
        "Watch the weight norm fall while the biases stay where they were.",
    ],
    "preset": PRESET,
    "panels": ["regularization", "diagnostics"],
    "steps": [
        {
            "text": "Turn on L2 regularization.",
            "goal": {"kind": "setting", "field": "regularization", "in": ["l2", "elastic"]},
            "look_at": "panel:regularization",
        },
        {
            "text": "Train 100 epochs.",
            "goal": {
                "kind": "all",
                "goals": [
                    {"kind": "epochs", "at_least": 100},
                    {"kind": "norms", "weight_fell_by": 0.3, "bias_changed_at_most": 0.5},
                ],
            },
        },
        {
            "text": "The bias of the output unit is near 0.",
            "goal": {
                "kind": "parameter",
                "layer": 1,
                "row": 0,
                "col": "bias",
                "near": 0,
                "within": 1,
            },
            "look_at": "network",
        },
    ],
}


def text_of(document) -> str:
    return json.dumps(document)


def goal(spec: dict, preset: dict | None = None) -> Goal:
    """A goal as a lesson file gives it (so through the reader's checks)."""
    document = copy.deepcopy(GOOD)
    document["preset"] = PRESET if preset is None else preset
    document["steps"] = [{"text": "Do it.", "goal": spec}]
    return parse_lesson(text_of(document)).steps[0].goal


def snap(trainer: Trainer):
    """A snapshot as the window gets one: with diagnostics and the doctor's findings."""
    return dataclasses.replace(
        trainer.snapshot(), diagnostics=trainer.diagnostics(), findings=examine_trainer(trainer)
    )


def one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text and 0 < len(text) <= 500


# --- a good lesson -------------------------------------------------------------------------


def test_a_good_lesson_reads_whole(tmp_path):
    path = tmp_path / "decay.lesson"
    path.write_text(text_of(GOOD), encoding="utf-8")
    lesson = read_lesson(path)
    assert isinstance(lesson, Lesson)
    assert lesson.title == GOOD["title"]
    assert lesson.text == tuple(GOOD["text"])
    assert lesson.preset == Config.from_dict(PRESET)
    assert lesson.preset.features == ("x1", "x2", "x1x2")
    assert lesson.panels == ("regularization", "diagnostics")
    assert [s.look_at for s in lesson.steps] == ["panel:regularization", "", "network"]
    first, second, _ = lesson.steps
    assert first.goal == Goal("setting", {"field": "regularization", "in": ("l2", "elastic")})
    sub = second.goal.params["goals"]
    assert isinstance(sub, tuple) and [g.kind for g in sub] == ["epochs", "norms"]
    assert isinstance(first.goal.params, MappingProxyType)  # read-only
    with pytest.raises(TypeError):
        first.goal.params["field"] = "lr"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        lesson.title = "x"  # type: ignore[misc]


def test_panels_are_optional_and_a_byte_order_mark_is_harmless(tmp_path):
    document = {k: v for k, v in GOOD.items() if k != "panels"}
    path = tmp_path / "bom.lesson"
    path.write_bytes(b"\xef\xbb\xbf" + text_of(document).encode())
    assert read_lesson(path).panels == ()


DOCS = pathlib.Path(__file__).parent.parent / "docs" / "lessons.md"


def test_the_docs_example_and_every_goal_they_show_read():
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    example = parse_lesson(blocks[0], "docs example")
    assert example.title == "Weight decay shrinks the weights" and len(example.steps) == 3
    preset = json.loads(blocks[0])["preset"]
    kinds = set()
    for block in blocks[1:]:
        kinds.add(goal(json.loads(block), preset).kind)
    assert kinds == set(GOAL_KINDS)  # an example of every kind
    words = DOCS.read_text(encoding="utf-8")
    assert all(f"`{name}`" in words for name in LOOK_AT if not name.startswith("panel:"))


def test_the_docs_example_can_be_done_as_it_says():
    """Its steps, followed as a person would (train, change settings, train on), are
    each met in turn, `since` being the snapshot that finished the step before."""
    lesson = parse_lesson(re.findall(r"```json\n(.*?)```", DOCS.read_text(), re.DOTALL)[0])
    trainer = Trainer(lesson.preset)
    train, decay, shrink = (step.goal for step in lesson.steps)
    since = trainer.snapshot()
    trainer.train(199)
    assert not goal_met(train, trainer.snapshot(), since)
    trainer.train(1)
    since = trainer.snapshot()
    assert goal_met(train, since)
    assert not goal_met(decay, since, since)
    trainer.set_config(trainer.config.replace(regularization="l2", reg_rate=0.01))
    since = trainer.snapshot()
    assert goal_met(decay, since, since) and not goal_met(shrink, since, since)
    trainer.train(50)
    assert goal_met(shrink, trainer.snapshot(), since)


def test_the_vocabularies():
    assert len(GOAL_KINDS) == 9 and "all" in GOAL_KINDS
    assert {f"panel:{p}" for p in PANELS} <= set(LOOK_AT)
    assert {"network", "output", "loss", "doctor", "run"} <= set(LOOK_AT)


def test_setting_values_are_kept_as_config_holds_them():
    g = goal({"kind": "setting", "field": "hidden", "is": [8, 8]})
    assert g.params["is"] == (8, 8)
    g = goal({"kind": "setting", "field": "features", "is": ["x1x2", "x1"]})
    assert g.params["is"] == ("x1", "x1x2")  # Config's own order
    g = goal({"kind": "setting", "field": "batch_size", "is": "full"})
    assert g.params["is"] is None
    assert goal_met(g, Trainer(Config(batch_size=None, points=100)).snapshot())


# --- every goal kind, met and not met, on real snapshots ----------------------------------


@pytest.fixture(scope="module")
def xor():
    """A healthy run: xor with x1x2 learns in a few dozen epochs; its start, and 60 epochs on."""
    trainer = Trainer(Config.from_dict(PRESET))
    start = snap(trainer)
    trainer.train(60)
    return start, snap(trainer)


def test_setting(xor):
    _, now = xor
    assert goal_met(goal({"kind": "setting", "field": "activation", "is": "tanh"}), now)
    relu = goal({"kind": "setting", "field": "activation", "is": "relu"})
    assert not goal_met(relu, now)
    assert goal_progress(relu, now) == "activation tanh (goal relu)"
    bias = goal({"kind": "setting", "field": "use_bias", "is": False})
    assert not goal_met(bias, now)
    assert goal_met(bias, Trainer(Config(use_bias=False, points=100)).snapshot())
    xavier = goal({"kind": "setting", "field": "init", "in": ["xavier_normal", "xavier_uniform"]})
    assert not goal_met(xavier, now)
    assert goal_met(xavier, Trainer(Config(init="xavier_uniform", points=100)).snapshot())
    lr = goal({"kind": "setting", "field": "lr", "is": 0.1})
    assert goal_met(lr, Trainer(Config(lr=0.1 + 1e-12, points=100)).snapshot())  # as typed
    assert not goal_met(lr, now)


def test_metric(xor):
    start, now = xor
    accurate = goal({"kind": "metric", "name": "test_accuracy", "at_least": 0.97})
    assert goal_met(accurate, now) and not goal_met(accurate, start)
    low = goal({"kind": "metric", "name": "train_loss", "at_most": 0.05})
    assert goal_met(low, now) and not goal_met(low, start)
    later = goal({"kind": "metric", "name": "test_accuracy", "at_least": 0.9,
                  "epochs_at_least": 100})  # fmt: skip
    assert not goal_met(later, now)
    line = goal_progress(accurate, start)
    assert line.startswith("test accuracy ") and line.endswith("(goal ≥ 97 %)")
    assert goal_progress(later, now).endswith(", epoch 60 of 100")


def test_accuracy_reads_rounded_down_so_an_unmet_goal_never_looks_met(xor):
    _, now = xor
    g = goal({"kind": "metric", "name": "test_accuracy", "at_least": 0.97})
    for value, shown in ((0.9696, "96.9 %"), (0.97, "97 %"), (241 / 250, "96.4 %")):
        metrics = dataclasses.replace(now.metrics, test_accuracy=value)
        line = goal_progress(g, dataclasses.replace(now, metrics=metrics))
        assert line == f"test accuracy {shown} (goal ≥ 97 %)"


def test_a_progress_line_stays_short_whatever_a_setting_holds():
    formula = "x1 * x2 + " + " + ".join(["sin(x1)"] * 18) + " > 0"
    now = Trainer(Config(dataset="custom", formula=formula, points=50)).snapshot()
    g = goal({"kind": "setting", "field": "formula", "is": "x1 > 0"})
    line = goal_progress(g, now)
    assert len(line) == 160 and line.endswith("…") and line.startswith("formula x1 * x2")


def test_metric_accuracy_of_a_regression_is_never_met():
    now = Trainer(Config(dataset="plane", points=100)).snapshot()
    g = goal({"kind": "metric", "name": "train_accuracy", "at_least": 0.0})
    assert not goal_met(g, now)
    assert "none (regression)" in goal_progress(g, now)


def test_parameter(xor):
    _, now = xor
    w, b = float(now.weights[0][2, 1]), float(now.biases[1][0])
    near = goal({"kind": "parameter", "layer": 0, "row": 2, "col": 1, "near": w, "within": 1e-6})
    far = goal({"kind": "parameter", "layer": 0, "row": 2, "col": 1, "near": w + 1, "within": 0.5})
    bias = goal({"kind": "parameter", "layer": 1, "row": 0, "col": "bias", "near": b,
                 "within": 1e-6})  # fmt: skip
    assert goal_met(near, now) and goal_met(bias, now) and not goal_met(far, now)
    both = goal({"kind": "all", "goals": [
        {"kind": "parameter", "layer": 0, "row": 2, "col": 1, "near": w, "within": 1e-6},
        {"kind": "parameter", "layer": 1, "row": 0, "col": "bias", "near": b, "within": 1e-6},
    ]})  # fmt: skip
    assert goal_met(both, now)
    # a person removed the hidden layer: the weight is gone, so not met (and no IndexError)
    smaller = Trainer(Config.from_dict({**PRESET, "hidden": [2]})).snapshot()
    assert not goal_met(near, smaller)
    assert "not in this network" in goal_progress(near, smaller)
    assert goal_progress(far, now).startswith("layer 0 weight [2, 1] ")


def test_dead_units():
    # ReLU units whose biases start at -30 never see a positive input: all dead
    dead = snap(Trainer(Config(activation="relu", hidden=(6,), bias_value=-30.0, points=100)))
    alive = snap(Trainer(Config(activation="tanh", hidden=(6,), points=100)))
    g = goal({"kind": "dead_units", "share_at_least": 0.5})
    assert goal_met(g, dead) and not goal_met(g, alive)
    assert goal_progress(g, dead) == "dead units 6 of 6 (100%; goal ≥ 50%)"
    assert not goal_met(g, dataclasses.replace(dead, diagnostics=None))  # not measured
    assert "not measured" in goal_progress(g, dataclasses.replace(dead, diagnostics=None))


def test_identical_units(xor):
    _, healthy = xor
    same = Trainer(Config(init="constant", hidden=(4,), points=100))
    same.train(3)
    copies = snap(same)
    g = goal({"kind": "identical_units", "at_least": 3})
    assert goal_met(g, copies) and not goal_met(g, healthy)
    assert not goal_met(goal({"kind": "identical_units", "at_least": 5}), copies)
    assert goal_progress(g, copies) == "largest group of identical units 4 (goal 3)"
    assert not goal_met(g, dataclasses.replace(copies, diagnostics=None))


def test_no_findings(xor):
    start, healthy = xor
    g = goal({"kind": "no_findings"})
    assert healthy.findings == () and goal_met(g, healthy)
    assert not goal_met(g, start)  # nothing found yet, but it has not trained 50 epochs
    assert not goal_met(goal({"kind": "no_findings", "epochs_at_least": 61}), healthy)
    assert goal_met(goal({"kind": "no_findings", "epochs_at_least": 0}), start)
    sick = snap(Trainer(Config(activation="relu", hidden=(6,), bias_value=-30.0, points=100)))
    assert sick.findings and not goal_met(goal({"kind": "no_findings", "epochs_at_least": 0}), sick)
    assert not goal_met(g, dataclasses.replace(healthy, diagnostics=None))  # no doctor, no word
    assert (
        goal_progress(g, healthy) == "doctor: no findings at epoch 60 (goal none after 50 epochs)"
    )


@pytest.fixture(scope="module")
def decay():
    """Trained 50 epochs, then 30 more under strong L2 on the weights only (no reset)."""
    trainer = Trainer(Config(hidden=(8,), points=200, optimizer="adam", lr=0.03))
    trainer.train(50)
    before = snap(trainer)
    trainer.set_config(trainer.config.replace(regularization="l2", reg_rate=0.1))
    trainer.train(30)
    return before, snap(trainer), trainer


def test_norms(decay):
    before, after, _ = decay
    assert after.generation == before.generation
    g = goal({"kind": "norms", "weight_fell_by": 0.5, "bias_changed_at_most": 0.3})
    assert goal_met(g, after, before)
    assert not goal_met(g, after)  # nothing to compare with
    assert not goal_met(g, before, before)  # nothing has changed yet
    older = dataclasses.replace(before, generation=before.generation - 1)
    assert not goal_met(g, after, older)  # a reset since, and no diagnostics of the new run
    assert not goal_met(goal({"kind": "norms", "weight_fell_by": 0.9}), after, before)
    strict = goal({"kind": "norms", "weight_fell_by": 0.5, "bias_changed_at_most": 0.05})
    assert not goal_met(strict, after, before)
    line = goal_progress(g, after, before)
    assert line.startswith("weight norm -") and "bias norm changed" in line
    # the figures are the diagnostics' own, summed over layers
    total = sum(layer.weight_norm for layer in after.diagnostics.layers)
    from playground.core.lessons import _norms

    assert _norms(after)[0] == pytest.approx(total, rel=1e-12)


def test_norms_after_a_reset_are_measured_from_the_new_run_s_start(decay):
    """The window's snapshots carry a log of the diagnostics of their run (it starts
    afresh with each generation): after a reset, the fall counts from its first row."""
    before, _, _ = decay
    trainer = Trainer(Config(hidden=(8,), points=200, optimizer="adam", lr=0.03))
    trainer.generation = before.generation + 5  # a later run than the step's start
    recorder = DiagnosticsRecorder()
    recorder.add(trainer.generation, trainer.diagnostics())
    trainer.train(50)
    trainer.set_config(trainer.config.replace(regularization="l2", reg_rate=0.3))
    trainer.train(50)
    now = dataclasses.replace(trainer.snapshot(), diagnostics_log=recorder.log())
    first = recorder.log().weight_norm[0].sum()
    fell = 1 - sum(float(np.linalg.norm(w)) for w in now.weights) / first
    g = goal({"kind": "norms", "weight_fell_by": 0.1})
    assert fell > 0.1 and goal_met(g, now, before)
    assert not goal_met(goal({"kind": "norms", "weight_fell_by": 0.99}), now, before)
    assert not goal_met(g, dataclasses.replace(now, diagnostics_log=None), before)


def test_epochs(decay):
    before, after, trainer = decay
    g = goal({"kind": "epochs", "at_least": 30})
    assert goal_met(g, after, before)  # 80 - 50
    assert not goal_met(goal({"kind": "epochs", "at_least": 31}), after, before)
    assert goal_met(goal({"kind": "epochs", "at_least": 80}), after)  # no start: the run's epoch
    assert goal_progress(g, after, before) == "epochs since this step began: 30 (goal 30)"
    fresh = Trainer(trainer.config)
    fresh.reinitialize()  # a reset after the step began: its epochs all count
    fresh.train(5)
    later = fresh.snapshot()
    assert later.generation != before.generation
    assert goal_met(goal({"kind": "epochs", "at_least": 5}), later, before)
    assert not goal_met(goal({"kind": "epochs", "at_least": 6}), later, before)


def test_all(xor, decay):
    _, now = xor
    g = goal({"kind": "all", "goals": [
        {"kind": "metric", "name": "test_accuracy", "at_least": 0.97},
        {"kind": "setting", "field": "activation", "is": "relu"},
    ]})  # fmt: skip
    assert not goal_met(g, now)
    assert goal_progress(g, now) == "activation tanh (goal relu)"  # only what is left
    g = goal({"kind": "all", "goals": [
        {"kind": "metric", "name": "test_accuracy", "at_least": 0.97},
        {"kind": "setting", "field": "activation", "is": "tanh"},
    ]})  # fmt: skip
    assert goal_met(g, now) and goal_progress(g, now) == "all met"


def test_every_progress_line_is_one_short_line(xor, decay):
    start, now = xor
    before, after, _ = decay
    for step in parse_lesson(text_of(GOOD)).steps:
        for a, b in ((now, None), (now, start), (after, before)):
            assert one_line(goal_progress(step.goal, a, b))


# --- hostile lesson files -------------------------------------------------------------------


def mutated(path: str, value) -> str:
    """GOOD with the value at `path` ("steps.0.goal.kind") replaced (or removed: DELETE)."""
    document = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    key = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return text_of(document)


DELETE = object()
PARAMETER = {"kind": "parameter", "layer": 0, "row": 0, "col": 0, "near": 0, "within": 1}
HOSTILE = [
    ("not JSON", "{", "not valid JSON"),
    ("empty", "", "not valid JSON"),
    ("deeply nested", "[" * 30_000 + "]" * 30_000, "nested 30,000 levels deep (at most 8)"),
    ("a list", "[]", "not a Neural Playground lesson"),
    ("another format", mutated("format", "neural-playground-experiment"), "not a Neural"),
    ("a newer version", mutated("format_version", 2), "version 2"),
    ("a version of true", mutated("format_version", True), "format_version"),
    ("repeated key", text_of(GOOD)[:-1] + ', "title": "again"}', "'title' twice"),
    ("NaN", mutated("steps.2.goal.near", 0).replace('"near": 0', '"near": NaN'), "NaN"),
    ("infinity by exponent", text_of(GOOD).replace('"within": 1', '"within": 1e400'), "within"),
    ("a huge integer", text_of(GOOD).replace('"within": 1', '"within": ' + "9" * 5000), "JSON"),
    ("unknown top key", mutated("author", "me"), "unknown key 'author'"),
    ("missing steps", mutated("steps", DELETE), "lacks 'steps'"),
    ("title a number", mutated("title", 5), "the title"),
    ("title too long", mutated("title", "x" * 81), "the title"),
    ("title with a newline", mutated("title", "a\nb"), "control character"),
    ("bidi override", mutated("text.0", "abc\u202edef"), "control character"),
    ("one paragraph", mutated("text", ["only one"]), "2 to 5 paragraphs (got 1)"),
    ("six paragraphs", mutated("text", ["p"] * 6), "2 to 5"),
    ("paragraph too long", mutated("text.1", "x" * 401), "paragraph 2"),
    ("preset a list", mutated("preset", [1]), "preset must be an object"),
    ("preset own data", mutated("preset", {"dataset": "own"}), "carries no points"),
    ("preset unknown option", mutated("preset", {"colour": "red"}), "unknown configuration"),
    ("preset bad value", mutated("preset", {"lr": 500}), "in its preset, lr must be"),
    ("preset wrong type", mutated("preset", {"hidden": "big"}), "in its preset, hidden"),
    ("unknown panel", mutated("panels", ["toolbox"]), "each panel"),
    ("panel twice", mutated("panels", ["data", "data"]), "twice"),
    ("no steps", mutated("steps", []), "steps must be a list of 1 to 3"),
    ("four steps", mutated("steps", GOOD["steps"] + GOOD["steps"][:1]), "1 to 3"),
    ("step a string", mutated("steps.0", "do it"), "step 1 must be an object"),
    ("step unknown key", mutated("steps.0.hint", "x"), "unknown key 'hint'"),
    ("step text too long", mutated("steps.0.text", "x" * 301), "the text of step 1"),
    ("unknown look_at", mutated("steps.0.look_at", "panel:toolbox"), "look_at of step 1"),
    ("empty look_at", mutated("steps.0.look_at", ""), "look_at of step 1"),
    ("look_at false", mutated("steps.0.look_at", False), "look_at of step 1"),
    ("unknown goal kind", mutated("steps.0.goal", {"kind": "win"}), "kind of step 1's goal"),
    ("goal without kind", mutated("steps.0.goal", {"field": "lr"}), "kind of step 1's goal"),
    ("unknown goal key", mutated("steps.2.goal.tolerance", 1), "unknown key 'tolerance'"),
    ("missing goal key", mutated("steps.2.goal.within", DELETE), "lacks 'within'"),
    ("is and in", mutated("steps.0.goal.is", "l2"), "exactly one of is or in"),
    ("neither bound", mutated("steps.0.goal", {"kind": "metric", "name": "test_loss"}),
     "exactly one of at_least or at_most"),
    ("unknown metric", mutated("steps.0.goal", {"kind": "metric", "name": "f1", "at_least": 1}),
     "\"name\" in step 1's goal"),
    ("accuracy over 1", mutated("steps.0.goal", {"kind": "metric", "name": "test_accuracy",
                                                  "at_least": 97}), "fraction from 0 to 1"),
    ("unknown field", mutated("steps.0.goal.field", "colour"), "option, e.g. lr (got 'colour')"),
    ("value Config refuses", mutated("steps.0.goal", {"kind": "setting", "field": "activation",
                                                       "is": "magic"}), "activation cannot be"),
    ("value of a wrong type", mutated("steps.0.goal", {"kind": "setting", "field": "hidden",
                                                        "is": {"a": 1}}), "hidden cannot be"),
    ("too many values", mutated("steps.0.goal.in", ["l2"] * 9), "1 to 8 values (got 9)"),
    ("too many in all", mutated("steps.1.goal.goals", [{"kind": "setting", "field": "lr",
                                                         "in": [0.1] * 8}] * 3), "16 values"),
    ("layer out of range", mutated("steps.2.goal", {**PARAMETER, "layer": 2}),
     "layer must be from 0 to 1 (got 2)"),
    ("row out of range", mutated("steps.2.goal", {**PARAMETER, "row": 4}), "row must be from"),
    ("col out of range", mutated("steps.2.goal", {**PARAMETER, "col": 3}), "col must be"),
    ("col a word", mutated("steps.2.goal", {**PARAMETER, "col": "weight"}), "\"bias\" or a"),
    ("layer a float", mutated("steps.2.goal", {**PARAMETER, "layer": 0.0}), "whole number"),
    ("layer a bool", mutated("steps.2.goal", {**PARAMETER, "layer": False}), "whole number"),
    ("layer negative", mutated("steps.2.goal", {**PARAMETER, "layer": -1}), "whole number"),
    ("within zero", mutated("steps.2.goal", {**PARAMETER, "within": 0}), "within"),
    ("near a string", mutated("steps.2.goal", {**PARAMETER, "near": "0"}), "near"),
    ("share over 1", mutated("steps.0.goal", {"kind": "dead_units", "share_at_least": 2}),
     "share_at_least"),
    ("one identical unit", mutated("steps.0.goal", {"kind": "identical_units", "at_least": 1}),
     "at_least"),
    ("zero epochs", mutated("steps.0.goal", {"kind": "epochs", "at_least": 0}), "at_least"),
    ("fell by all", mutated("steps.0.goal", {"kind": "norms", "weight_fell_by": 1.5}),
     "weight_fell_by"),
    ("all in all", mutated("steps.1.goal.goals.0", {"kind": "all", "goals": []}),
     "inside \"all\""),
    ("all of none", mutated("steps.1.goal.goals", []), "list of 1 to 4 goals (got 0)"),
    ("all of five", mutated("steps.1.goal.goals", [{"kind": "no_findings"}] * 5), "1 to 4"),
    ("subgoal broken", mutated("steps.1.goal.goals.1.weight_fell_by", -1), "goal 2 of step 2"),
    ("a long key", mutated("steps.0." + "k" * 5000, 1), "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "says"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_a_hostile_lesson_is_refused_in_one_sentence_naming_it(tmp_path, text, says):
    path = tmp_path / "hostile\nname.lesson"  # a name a terminal must not show raw
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LessonFileError) as caught:
        read_lesson(path)
    message = str(caught.value)
    assert message.startswith(f"cannot open lesson {str(path)!r}: "), message
    assert one_line(message) and says in message, message


def test_the_good_text_of_the_table_reads(tmp_path):
    assert parse_lesson(mutated("title", "A fine title")).title == "A fine title"


@pytest.mark.parametrize("kind", ["huge", "folder", "fifo", "missing", "not utf-8", "device"])
def test_a_file_that_is_not_a_small_text_file_is_refused(tmp_path, kind):
    path = tmp_path / "x.lesson"
    if kind == "huge":
        path.write_text(text_of(GOOD) + " " * MAX_BYTES)
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(path)  # opening it must not wait for a writer
    elif kind == "not utf-8":
        path.write_bytes(text_of(GOOD).encode().replace(b"Weight", b"W\xffight"))
    elif kind == "device":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        path = "/dev/zero"  # type: ignore[assignment]
    with pytest.raises(LessonFileError) as caught:
        read_lesson(path)
    message = str(caught.value)
    assert message.startswith(f"cannot open lesson {path}: ") and one_line(message), message
    expected = {
        "huge": "byte limit", "folder": "a folder", "fifo": "named pipe",
        "missing": "No such file", "not utf-8": "not UTF-8", "device": "a device",
    }  # fmt: skip
    assert expected[kind] in message


def test_parse_lesson_bounds_its_text_too():
    with pytest.raises(LessonFileError, match="over 65,536 characters"):
        parse_lesson(text_of(GOOD) + " " * MAX_BYTES, "big.lesson")


# --- fuzzing ----------------------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOOD_TEXT = json.dumps(GOOD, indent=1)


def read_or_refuse(text: str) -> None:
    """A Lesson, or a LessonFileError of one line naming the file; anything else fails."""
    try:
        lesson = parse_lesson(text, "fuzz.lesson")
    except LessonFileError as exc:
        message = str(exc)
        assert message.startswith("cannot open lesson fuzz.lesson: ") and one_line(message)
        return
    assert isinstance(lesson, Lesson) and 1 <= len(lesson.steps) <= 3


@FUZZ
@given(st.data())
def test_mutated_lesson_text_is_read_or_refused_in_one_line(data):
    text = GOOD_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        insert = data.draw(
            st.text(alphabet='{}[]",:0123456789.-eE truenfalsNaI\\\n\x00é', max_size=8)
        )
        text = text[:at] + insert + text[at + cut :]
    read_or_refuse(text)


# Values and keys the mutator plants: the kinds a goal takes, edge numbers, hostile text.
LEAVES = [
    None, True, False, 0, 1, -1, 2, 3, 64, 0.5, 1.0, -0.0, 1e-12, 1e308, float("inf"), 2**70,
    "", " ", "bias", "l2", "relu", "full", "all", "epochs", "metric", "setting", "parameter",
    "test_accuracy", "panel:data", "network", "own", "x" * 500, "a\nb", "\u202e", "\ud800",
]  # fmt: skip
KEYS = [
    "kind", "field", "is", "in", "name", "at_least", "at_most", "epochs_at_least", "layer",
    "row", "col", "near", "within", "goals", "share_at_least", "weight_fell_by",
    "bias_changed_at_most", "text", "goal", "look_at", "panels", "preset", "hidden", "zzz",
]  # fmt: skip


def random_json(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth < 3 and roll < 0.15:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if depth < 3 and roll < 0.3:
        return {rng.choice(KEYS): random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return rng.choice(LEAVES)


def places(node, path=()):
    """Every path into a JSON document."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, (dict, list)):
            yield from places(value, (*path, key))


def mutate(rng: random.Random) -> str:
    """GOOD with one to three changes anywhere: a value replaced (by a random one, a
    near number, or another part of the lesson), a key removed or added."""
    document = copy.deepcopy(GOOD)
    for _ in range(rng.randint(1, 3)):
        spots = list(places(document))
        if not spots:
            break
        where = rng.choice(spots)
        node = document
        for key in where[:-1]:
            node = node[key]
        old, roll = node[where[-1]], rng.random()
        if isinstance(node, dict) and roll < 0.2:
            del node[where[-1]]
        elif isinstance(node, dict) and roll < 0.35:
            node[rng.choice(KEYS)] = random_json(rng)
        elif type(old) in (int, float) and roll < 0.6:
            node[where[-1]] = rng.choice([old + 1, old - 1, old * 10, -old, float(old)])
        elif roll < 0.75:
            other = document
            for key in rng.choice(spots):  # graft another part of the lesson here
                other = other[key]
            node[where[-1]] = copy.deepcopy(other)
        else:
            node[where[-1]] = random_json(rng)
    return json.dumps(document, allow_nan=True)


@FUZZ
@given(st.randoms(use_true_random=False))
def test_a_lesson_with_any_value_anywhere_is_read_or_refused_in_one_line(rng):
    read_or_refuse(mutate(rng))


def test_the_structural_fuzzer_is_not_vacuous():
    """Its mutants are often accepted and often refused deep inside a goal."""
    rng = random.Random(13)
    accepted, refusals = 0, []
    for _ in range(600):
        try:
            parse_lesson(mutate(rng), "fuzz.lesson")
            accepted += 1
        except LessonFileError as exc:
            refusals.append(str(exc))
    assert accepted >= 15, accepted
    assert sum("goal" in r for r in refusals) >= 50
    assert sum("in its preset" in r for r in refusals) >= 5
