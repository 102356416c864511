"""Marks on the network graph's units (issue 11): dead, saturated, identical
units, what their hover read-out says, and the legend that explains them."""

from dataclasses import replace

import numpy as np
import pytest
import view_probes as probe
from diagnosed import with_diagnostics

from playground import Config, Trainer
from playground.core.diagnostics_types import Finding
from playground.views.canvas import python_painters
from playground.views.network_fit import DENSE_NOTE, MATRIX_NOTE, dense_note
from playground.views.network_layout import TILE_MIN
from playground.views.unit_marks import LEGEND_WORDS, SATURATED_SHARE


@pytest.fixture
def view(network_view):
    return network_view


def relu_trainer(hidden=(6, 6), dead=(1, 3), **fields) -> Trainer:
    fields.setdefault("features", ("x1", "x2"))
    t = Trainer(Config(hidden=hidden, activation="relu", **fields))
    # below zero on every training point (each its own bias: not identical)
    t.network.bias(0)[list(dead)] = -50.0 - 10.0 * np.arange(len(dead))
    t.network.weight(0)[list(dead)] = 0.0
    return t


def identical(t: Trainer, layer: int, units) -> None:
    """Give `units` of weight layer `layer` the same incoming weights and bias."""
    w, b = t.network.weight(layer), t.network.bias(layer)
    w[list(units)] = w[units[0]]
    b[list(units)] = b[units[0]]


def test_dead_units_are_greyed_hatched_and_badged(view):
    t = relu_trainer()
    view.set_snapshot(with_diagnostics(t))
    marked = probe.marked_units(view)
    assert marked["dead"] == [(1, 1), (1, 3)]
    paths = probe.mark_paths(view)
    for unit in range(6):
        tile = probe.node_rect(view, 1, unit)
        dead = unit in (1, 3)
        assert paths["veil"].intersects(tile.adjusted(2, 2, -2, -2)) == dead
        assert paths["hatch"].intersects(tile.adjusted(2, 2, -2, -2)) == dead
        corner = tile.topRight()
        assert paths["badges"].contains(corner) == dead  # the ✕ disc at the upper right
    assert paths["grey"].isEmpty()  # big tiles: no plain grey squares


def test_the_hover_says_how_many_training_points_a_unit_is_active_on(view):
    t = relu_trainer()
    snap = with_diagnostics(t)
    view.set_snapshot(snap)
    n = snap.diagnostics.points
    probe.hover_at(view, probe.node_rect(view, 1, 1).center())
    text = probe.hover_text(view)
    assert f"dead: active on 0 of {n} training points" in text
    assert "output on the training points: 0 … 0, mean 0" in text
    probe.hover_at(view, probe.node_rect(view, 1, 0).center())
    active = round(float(snap.diagnostics.layers[0].units.active[0]) * n)
    assert f"\nactive on {active} of {n} training points" in probe.hover_text(view)
    # the order: value, where, then the figures, the PyTorch name and the hint last
    lines = probe.hover_text(view).split("\n")
    assert lines[1] == "hidden layer 1 · neuron 1"
    assert lines[-2:] == ["PyTorch: 0.bias[0]", "click to edit"]


def test_saturated_units_are_ringed_and_their_share_read_out(view):
    t = Trainer(Config(hidden=(4, 5), activation="tanh", features=("x1", "x2")))
    t.network.weight(0)[:] = 0.0
    t.network.bias(0)[:] = [3.0, -3.0, 0.0, 0.1]  # tanh(±3) is within 2 % of ±1
    snap = with_diagnostics(t)
    view.set_snapshot(snap)
    assert probe.marked_units(view)["saturated"][:2] == [(1, 0), (1, 1)]
    assert (1, 2) not in probe.marked_units(view)["saturated"]
    rings = probe.mark_paths(view)["rings"]
    for unit, ringed in ((0, True), (1, True), (2, False)):
        tile = probe.node_rect(view, 1, unit)
        assert rings.intersects(tile.adjusted(-3, -3, 3, 3)) == ringed
    probe.hover_at(view, probe.node_rect(view, 1, 0).center())
    assert "saturated on 100 % of 250 training points" in probe.hover_text(view)
    probe.hover_at(view, probe.node_rect(view, 1, 2).center())
    assert "saturated on 0 % of 250 training points" in probe.hover_text(view)
    assert "active on" not in probe.hover_text(view)  # no ReLU here


def test_units_the_doctor_names_are_ringed_whatever_their_share(view):
    t = Trainer(Config(hidden=(4,), activation="tanh", features=("x1", "x2")))
    snap = with_diagnostics(t)
    share = snap.diagnostics.layers[0].units.saturated
    below = int(np.argmin(share))
    assert share[below] < SATURATED_SHARE
    finding = Finding("saturated_units", "unit saturated", layer=0, units=(below,))
    view.set_snapshot(replace(snap, findings=(finding,)))
    assert (1, below) in probe.marked_units(view)["saturated"]


def test_identical_units_share_a_lettered_tag_and_say_whom_they_equal(view):
    t = relu_trainer(hidden=(6, 6), dead=())
    identical(t, 1, (1, 2, 4))
    identical(t, 1, (0, 5))
    view.set_snapshot(with_diagnostics(t))
    assert probe.marked_units(view)["symmetric"] == [(2, 0), (2, 1), (2, 2), (2, 4), (2, 5)]
    letters = probe.mark_letters(view)
    by_unit = {}
    for text, box in letters:
        unit = min(
            range(6), key=lambda u: abs(probe.node_rect(view, 2, u).top() - box.center().y())
        )
        by_unit[unit] = text
    assert by_unit[1] == by_unit[2] == by_unit[4] != by_unit[0] == by_unit[5]
    probe.hover_at(view, probe.node_rect(view, 2, 2).center())
    assert "identical to neurons 2, 5" in probe.hover_text(view)
    probe.hover_at(view, probe.node_rect(view, 2, 0).center())
    assert "identical to neuron 6" in probe.hover_text(view)


def test_the_legend_explains_the_marks_shown_and_only_those(view):
    t = relu_trainer()
    view.set_snapshot(t.snapshot(grid_resolution=20))
    plain = " · ".join(probe.legend_texts(view))
    assert not any(words in plain for words in LEGEND_WORDS.values())
    view.set_snapshot(with_diagnostics(t))
    legend = " · ".join(probe.legend_texts(view))
    assert LEGEND_WORDS["dead"] in legend
    assert LEGEND_WORDS["saturated"] not in legend
    # a healthy network again: the marks and their words go
    for i in range(2):
        t.network.bias(i)[:] = 5.0
    view.set_snapshot(with_diagnostics(t))
    assert probe.marked_units(view)["dead"] == []
    assert probe.mark_paths(view)["veil"].isEmpty()
    assert LEGEND_WORDS["dead"] not in " · ".join(probe.legend_texts(view))


@pytest.mark.parametrize("width", [360, 420, 640])
def test_marks_never_crowd_out_the_note_on_left_out_edges(view, width):
    t = relu_trainer(hidden=(40, 40), dead=(0, 1))
    identical(t, 1, (3, 4))
    view.resize(width, 420)
    view.set_snapshot(with_diagnostics(t))
    assert probe.marked_units(view)["dead"] and probe.marked_units(view)["symmetric"]
    legend = probe.legend_texts(view)
    note = dense_note(view._layout)  # dense: the strongest edges, or weight matrices
    assert note in (DENSE_NOTE, MATRIX_NOTE)
    assert any(note in line for line in legend), legend
    assert not any("…" in line for line in legend)
    for text, box in probe.texts(view):
        assert box.right() <= width + 0.5, text


@pytest.mark.parametrize("units", [2, 8, 64])
@pytest.mark.parametrize("size", [(700, 420), (1000, 640)])
def test_marks_stay_on_their_own_unit_at_any_size(view, units, size):
    """Legible from 2 to 64 units at the graph's sizes in a 1280 x 720 and a
    1440 x 900 window: badges and tags touch no other tile; tiny tiles get
    plain colour marks (no hatching, no letters)."""
    view.resize(*size)
    t = relu_trainer(hidden=(units, units), dead=(0,))
    identical(t, 1, (0, 1))
    view.set_snapshot(with_diagnostics(t))
    col = view._layout.columns[1]
    paths = probe.mark_paths(view)
    marked = {(1, 0), (2, 0), (2, 1)}
    for name in ("badges", "chips", "bars"):
        for c, u in ((c, u) for c in (1, 2) for u in range(units) if (c, u) not in marked):
            tile = probe.node_rect(view, c, u)
            assert not paths[name].intersects(tile.adjusted(1, 1, -1, -1)), (name, c, u)
    if col.size >= TILE_MIN:
        assert not paths["hatch"].isEmpty() and paths["grey"].isEmpty()
        assert len(probe.mark_letters(view)) == 2
        for text, box in probe.mark_letters(view):
            assert box.height() >= 7 and text == "A"
    else:
        assert paths["hatch"].isEmpty() and not paths["grey"].isEmpty()
        assert probe.mark_letters(view) == [] and not paths["bars"].isEmpty()


def test_marks_paint_without_python(view):
    t = relu_trainer()
    identical(t, 1, (0, 1))
    view.set_snapshot(with_diagnostics(t))
    assert probe.marked_units(view)["dead"] and probe.marked_units(view)["symmetric"]
    assert python_painters(view.canvas) == []


def test_marks_are_worked_out_only_for_new_diagnostics(view):
    t = relu_trainer()
    snap = with_diagnostics(t)
    view.set_snapshot(snap)
    marks = view._marks.marks
    t.train(1)
    later = t.snapshot()  # a newer snapshot carrying the same diagnostics, as the worker's do
    view.set_snapshot(replace(later, diagnostics=snap.diagnostics, findings=snap.findings))
    assert view._marks.marks is marks


def test_diagnostics_of_another_architecture_mark_nothing(view):
    t = relu_trainer(hidden=(6, 6))
    old = with_diagnostics(t)
    bigger = Trainer(Config(hidden=(6, 7), activation="relu", features=("x1", "x2")))
    view.set_snapshot(replace(bigger.snapshot(grid_resolution=20), diagnostics=old.diagnostics))
    assert probe.marked_units(view) == {"dead": [], "saturated": [], "symmetric": []}
    probe.hover_at(view, probe.node_rect(view, 1, 1).center())
    assert "training points" not in probe.hover_text(view)


def test_outputs_are_never_marked_but_read_out(view):
    t = Trainer(Config(hidden=(3,), activation="tanh", features=("x1", "x2")))
    view.set_snapshot(with_diagnostics(t))
    assert all(layer == 1 for kind in probe.marked_units(view).values() for layer, _ in kind)
    probe.hover_at(view, probe.node_rect(view, 2, 0).center())
    text = probe.hover_text(view)
    assert "output on the training points" in text and "saturated" not in text


def with_shares(snap, shares):
    """`snap` with hidden layer 1's saturated shares replaced (new diagnostics)."""
    diag = snap.diagnostics
    first = diag.layers[0]
    units = replace(first.units, saturated=np.asarray(shares, dtype=float))
    layers = (replace(first, units=units), *diag.layers[1:])
    return replace(snap, diagnostics=replace(diag, layers=layers))


def test_a_ring_does_not_flicker_about_the_threshold(view):
    t = Trainer(Config(hidden=(2,), activation="tanh", features=("x1", "x2")))
    snap = with_diagnostics(t)
    ringed = []
    for share in (0.97, 0.92, 0.85, 0.92, 0.96):
        view.set_snapshot(with_shares(snap, [share, 0.0]))
        ringed.append((1, 0) in probe.marked_units(view)["saturated"])
    assert ringed == [True, True, False, False, True]


def test_new_words_in_a_legend_of_as_many_lines_move_nothing(view):
    t = relu_trainer(hidden=(6, 6), dead=(1,))
    snap = with_diagnostics(t)
    view.set_snapshot(snap)
    layout, lines = view._layout, len(probe.legend_texts(view))
    identical(t, 1, (0, 1))  # a second kind of mark: more words, as many lines
    view.set_snapshot(with_diagnostics(t, snap))
    assert LEGEND_WORDS["symmetric"] in " · ".join(probe.legend_texts(view))
    assert len(probe.legend_texts(view)) == lines and view._layout is layout
