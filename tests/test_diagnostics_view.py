"""The Diagnostics dock (issue 11): what it plots, when it redraws, how it behaves."""

from dataclasses import replace

import numpy as np
import pytest
import view_probes as probe
from diagnosed import recorded_log, with_diagnostics
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from playground import Config, Trainer
from playground.core.diagnostics_types import QUANTITIES, Finding
from playground.views.canvas import python_painters
from playground.views.diagnostics_axes import MAX_POINTS, log_ticks
from playground.views.diagnostics_view import DiagnosticsView, layer_names


@pytest.fixture
def view(qtbot):
    v = DiagnosticsView()
    v.interval_ms = 0  # redraw at every new diagnostics (the throttle's tests set their own)
    qtbot.addWidget(v)
    v.resize(380, 860)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.fixture
def redraws(view, monkeypatch):
    """How many times the dock has redrawn its plots."""
    count = [0]
    redraw = view._redraw

    def counted():
        count[0] += 1
        redraw()

    monkeypatch.setattr(view, "_redraw", counted)
    return count


def trainer(**fields) -> Trainer:
    fields.setdefault("features", ("x1", "x2"))
    fields.setdefault("hidden", (5, 4))
    fields.setdefault("activation", "relu")
    return Trainer(Config(**fields))


# --- what it shows -----------------------------------------------------------------------


def test_layers_are_named_as_people_count_them(view):
    assert layer_names(1) == ["layer 1: inputs → output"]
    assert layer_names(3) == [
        "layer 1: inputs → hidden 1",
        "layer 2: hidden 1 → hidden 2",
        "layer 3: hidden 2 → output",
    ]
    view.set_snapshot(with_diagnostics(trainer()))
    assert [view.layer.itemText(i) for i in range(view.layer.count())] == layer_names(3)


def test_the_histogram_follows_the_chosen_layer_and_quantity(view):
    snap = with_diagnostics(trainer())
    view.set_snapshot(snap)
    for layer in range(3):
        for q, name in enumerate(QUANTITIES):
            view.layer.setCurrentIndex(layer)
            view.quantity.setCurrentIndex(q)
            want = snap.diagnostics.layers[layer].histograms[name]
            x, counts = probe.bars(view)
            assert np.array_equal(counts, want.counts)
            even = not view.histogram.log_scale
            assert np.array_equal(x, want.edges if even else np.arange(len(want.edges)))
    view.layer.setCurrentIndex(1)
    view.quantity.setCurrentIndex(QUANTITIES.index("pre_activations"))
    title = view.titles["histogram"].text()
    assert title == "weighted sums (before the activation) in layer 2 (hidden 1 → hidden 2)"


def test_logarithmic_bins_are_drawn_evenly_and_labelled_at_powers_of_ten(view):
    snap = with_diagnostics(trainer(activation="tanh"))
    view.set_snapshot(snap)
    assert view.histogram.log_scale  # the weights' bins are symmetric-logarithmic
    edges = snap.diagnostics.layers[0].histograms["weights"].edges
    labels = dict((text, pos) for pos, text in log_ticks(edges))
    assert labels["0"] == len(edges) // 2 - 0.5  # in the middle of the bin around 0
    assert {"−1", "1"} <= labels.keys()
    assert len(labels) <= 7
    view.quantity.setCurrentIndex(QUANTITIES.index("activations"))  # tanh's: even bins
    assert not view.histogram.log_scale
    x, _ = probe.bars(view)
    assert x[0] == -1 and x[-1] == 1


def test_gradient_flow_ratio_and_sizes_plot_the_log(view):
    snap = with_diagnostics(trainer(), log_rows=50)
    log = snap.diagnostics_log
    view.set_snapshot(snap)
    for plot, values in ((view.gradients, log.gradient_norm), (view.ratios, log.update_ratio)):
        for i, line in enumerate(plot.lines[:3]):
            x, y = probe.curve(line)
            keep = np.isfinite(values[:, i]) & (values[:, i] > 0)
            assert np.array_equal(x, log.epochs[keep])
            assert np.allclose(10**y, values[keep, i])  # a log axis plots log10
    x, y = probe.curve(view.norms.weights)
    assert np.allclose(y, np.sqrt(np.sum(log.weight_norm**2, axis=1)))
    assert view.titles["grad"].text() == "gradient size per layer (log)"
    assert "update / weight ratio" in view.titles["ratio"].text()
    assert "(≈1e-3 is healthy)" in view.titles["ratio"].text()


def test_a_recorded_log_is_plotted(view):
    t = trainer()
    log = recorded_log(t, 8)
    view.set_snapshot(replace(with_diagnostics(t), diagnostics_log=log))
    x, y = probe.curve(view.gradients.lines[0])
    assert np.array_equal(x, log.epochs) and np.allclose(10**y, log.gradient_norm[:, 0])
    assert len(probe.curve(view.ratios.lines[0])[0]) == 8  # the first step's ratio too


def test_the_chosen_layer_stands_out_in_every_per_layer_plot(view):
    view.set_snapshot(with_diagnostics(trainer()))
    view.layer.setCurrentIndex(2)
    for plot in (view.gradients, view.ratios):
        widths = [line.pen().widthF() for line in plot.lines]
        assert widths[2] > max(widths[:2])
    assert "font-weight:bold'>■ 3" in view.legends[0].text()


def test_zero_or_missing_values_on_a_log_axis_are_left_out_without_a_warning(view):
    snap = with_diagnostics(trainer())
    log = snap.diagnostics_log
    grad = np.array(log.gradient_norm)
    grad[:, 0] = 0.0  # a dead layer: no gradient at all
    grad[5, 1] = np.nan
    view.set_snapshot(replace(snap, diagnostics_log=replace(log, gradient_norm=grad)))
    assert len(probe.curve(view.gradients.lines[0])[0]) == 0
    assert len(probe.curve(view.gradients.lines[1])[0]) == len(log) - 1


def test_a_long_log_is_thinned(view):
    t = trainer()
    snap = with_diagnostics(t, log_rows=5000)
    view.set_snapshot(snap)
    x, _ = probe.curve(view.norms.weights)
    assert len(x) <= MAX_POINTS + 1 and x[-1] == snap.diagnostics_log.epochs[-1]


def test_the_doctors_findings_are_listed_and_hidden_when_there_are_none(view):
    t = trainer()
    finding = Finding(
        "dead_units", "2 of 5 neurons in hidden layer 1 are dead <always>.", 0, (1, 2)
    )
    view.set_snapshot(with_diagnostics(t, findings=[finding]))
    assert not view.findings.isHidden()
    assert "2 of 5 neurons in hidden layer 1 are dead &lt;always&gt;." in view.findings.text()
    view.set_snapshot(with_diagnostics(t))
    assert view.findings.isHidden()


def test_a_snapshot_without_diagnostics_says_so(view):
    view.set_snapshot(trainer().snapshot())
    assert view.status.text().startswith("Not measured yet")
    assert probe.bars(view)[1].sum() == 0


def test_diagnostics_of_another_architecture_are_not_drawn(view):
    old = with_diagnostics(trainer(hidden=(5, 4)))
    snap = trainer(hidden=(5, 4, 3)).snapshot()
    view.set_snapshot(
        replace(snap, diagnostics=old.diagnostics, diagnostics_log=old.diagnostics_log)
    )
    assert view.layer.count() == 4
    assert probe.bars(view)[1].sum() == 0
    assert all(len(probe.curve(line)[0]) == 0 for line in view.gradients.lines)


def test_plots_have_no_mouse_traps(view):
    for plot in (view.histogram, view.gradients, view.ratios, view.norms):
        item = plot.widget.getPlotItem()
        assert item.getViewBox().state["mouseEnabled"] == [False, False]
        assert not item.getViewBox().menuEnabled() and item.buttonsHidden


def test_the_axes_follow_the_data_in_steps(view):
    t = trainer()
    snap = with_diagnostics(t)
    view.set_snapshot(snap)
    (x0, x1), (y0, y1) = view.gradients.widget.getPlotItem().getViewBox().viewRange()
    log = snap.diagnostics_log
    grad = log.gradient_norm[np.isfinite(log.gradient_norm)]
    assert x0 <= 0 and x1 >= log.epochs[-1]
    assert y0 <= np.log10(grad.min()) and y1 >= np.log10(grad.max())  # whole decades
    assert all(float(v).is_integer() for v in view.gradients._range.y)
    top = view.histogram._range.y[1]
    assert top >= probe.bars(view)[1].max()
    # a little more of the same: no new range (the axes are replayed, not laid out)
    ranges = (view.gradients._range.y, view.histogram._range.y, view.norms._range.y)
    t.train(1)
    view.set_snapshot(with_diagnostics(t, log_rows=61))
    assert (view.gradients._range.y, view.histogram._range.y, view.norms._range.y) == ranges


def test_qt_paints_the_plots_and_their_data_without_python(view):
    """pyqtgraph's frame (axes, view box) keeps its Python paint(), called when
    an axis's range changes; the view's paintEvent and every data item are Qt's."""
    view.set_snapshot(with_diagnostics(trainer()))
    for plot in (view.histogram, view.gradients, view.ratios, view.norms):
        painters = python_painters(plot.widget)
        assert not any("paintEvent" in p or "PlotCanvas" in p for p in painters), painters
        data = [i for i in plot.widget.getPlotItem().getViewBox().childGroup.childItems()]
        assert data and all(type(i).__module__.startswith("PySide6") for i in data)


def test_two_columns_when_wide_one_when_docked(view, qtbot):
    positions = [view._grid.getItemPosition(view._grid.indexOf(c))[:2] for c in view._cards]
    assert positions == [(0, 0), (1, 0), (2, 0), (3, 0)]
    view.resize(900, 640)
    qtbot.wait(1)
    positions = [view._grid.getItemPosition(view._grid.indexOf(c))[:2] for c in view._cards]
    assert positions == [(0, 0), (0, 1), (1, 0), (1, 1)]


# --- when it redraws -----------------------------------------------------------------------


def test_a_hidden_dock_costs_nothing_and_catches_up_when_shown(view, redraws, qtbot):
    t = trainer()
    view.hide()
    for _ in range(5):
        t.train(1)
        view.set_snapshot(with_diagnostics(t))
    assert redraws[0] == 0
    newest = with_diagnostics(t)
    view.set_snapshot(newest)
    view.show()
    qtbot.waitUntil(lambda: redraws[0] == 1)
    assert (
        view.status.text()
        == f"measured at epoch {t.epoch} on {newest.diagnostics.points} training points"
    )


def test_redraws_only_for_new_diagnostics(view, redraws):
    t = trainer()
    snap = with_diagnostics(t)
    view.interval_ms = 0
    view.set_snapshot(snap)
    t.train(1)
    for _ in range(3):  # newer snapshots carrying the same diagnostics, as the worker's do
        view.set_snapshot(
            replace(
                t.snapshot(),
                diagnostics=snap.diagnostics,
                diagnostics_log=snap.diagnostics_log,
                findings=snap.findings,
            )
        )
    assert redraws[0] == 1


def test_redraws_at_most_once_per_interval_and_then_the_newest(view, redraws, qtbot):
    t = trainer()
    view.interval_ms = 60_000  # longer than the test: only the first draws at once
    snaps = []
    for _ in range(4):
        t.train(1)
        snaps.append(with_diagnostics(t))
        view.set_snapshot(snaps[-1])
    assert redraws[0] == 1 and view._timer.isActive()
    assert view._timer.interval() <= 60_000
    view.interval_ms = 0  # the interval is over
    view._timer.start(0)
    qtbot.waitUntil(lambda: redraws[0] == 2)
    assert view.status.text().startswith(f"measured at epoch {snaps[-1].diagnostics.epoch} ")
    qtbot.wait(20)
    assert redraws[0] == 2


def test_a_choice_redraws_at_once_even_within_the_interval(view, redraws):
    view.interval_ms = 60_000
    view.set_snapshot(with_diagnostics(trainer()))
    view.quantity.setCurrentIndex(1)
    assert redraws[0] == 2


def test_a_dock_behind_another_tab_redraws_only_when_brought_forward(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    view = DiagnosticsView()
    docks = [QDockWidget(title, window) for title in ("Output", "Diagnostics")]
    docks[0].setWidget(QWidget())
    docks[1].setWidget(view)
    for dock in docks:
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(docks[0], docks[1])
    window.resize(1000, 800)
    window.show()
    qtbot.waitExposed(window)
    docks[0].raise_()  # Qt keeps the dock behind 'visible', moved out of sight
    qtbot.waitUntil(lambda: view.visibleRegion().isEmpty())
    view.set_snapshot(with_diagnostics(trainer()))
    assert view.layer.count() == 0  # never drawn
    docks[1].raise_()
    qtbot.waitUntil(lambda: view.layer.count() == 3)
