"""Zoom, pan and the levels of detail of the network graph (issue 14), offscreen.

Real mouse and wheel events go to the canvas; what is drawn is read from the
items and the layout.  The level of detail switches where network_layout.py
says: a pair of layers with more than MAX_LAYER_EDGES weights whose nodes lie
under DETAIL_STEP px apart is its weight matrix.
"""

import numpy as np
import pytest
import view_probes as probe
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from playground import Config, Trainer
from playground.core.config import FEATURES
from playground.views.network_fit import MATRIX_NOTE, ZOOMED_DENSE_NOTE, ZOOMED_NOTE, text_width
from playground.views.network_hits import EdgeHit, NodeHit
from playground.views.network_layout import (
    DETAIL_STEP,
    MAX_LAYER_EDGES,
    Zoom,
    compute_layout,
    matrix_pairs,
)
from playground.views.network_matrix import _per_pixel
from playground.views.network_tiles import _LUT32_SCREEN, _SCREEN_ORDER, values_to_rgba

BIG = dict(hidden=(64,) * 4, features=FEATURES)


@pytest.fixture
def view(network_view):
    return network_view


def snapshot(seed=3, **fields):
    t = Trainer(Config(init_seed=seed, **fields))
    rng = np.random.default_rng(seed)
    for i in range(t.network.num_layers):
        w = t.network.weight(i)
        w[:] = rng.normal(0.0, 0.8, w.shape)
    return t.snapshot(grid_resolution=12)


def wheel(view, pos: QPointF, notches: float) -> None:
    viewport = view.canvas.viewport()
    QApplication.sendEvent(
        viewport,
        QWheelEvent(
            pos,
            QPointF(viewport.mapToGlobal(pos.toPoint())),
            QPoint(0, 0),
            QPoint(0, round(120 * notches)),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )


def mouse(view, kind: QEvent.Type, pos: QPointF, buttons=Qt.MouseButton.LeftButton) -> None:
    """A left-button event: `buttons` are those held after it (none after a release)."""
    viewport = view.canvas.viewport()
    moving = kind == QEvent.Type.MouseMove
    button = Qt.MouseButton.NoButton if moving else Qt.MouseButton.LeftButton
    QApplication.sendEvent(
        viewport,
        QMouseEvent(
            kind,
            pos,
            QPointF(viewport.mapToGlobal(pos.toPoint())),
            button,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        ),
    )


def drag(view, start: QPointF, end: QPointF, steps: int = 4) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, start)
    for k in range(1, steps + 1):
        mouse(view, QEvent.Type.MouseMove, start + (end - start) * (k / steps))
    mouse(view, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def node_centre(view, layer: int, unit: int) -> QPointF:
    return probe.node_rect(view, layer, unit).center()


def empty_spot(view) -> QPointF:
    """A point of the graph band on no node, edge or matrix cell."""
    lay = view._layout
    for y in range(lay.view_top + 10, lay.view_bottom - 10, 7):
        for x in range(10, lay.width - 10, 7):
            if view._target_at(QPointF(x, y)) is None:
                return QPointF(x, y)
    raise AssertionError("no empty spot")


# --- zoom and pan ---------------------------------------------------------------------


def test_the_wheel_zooms_about_the_pointer(view):
    view.set_snapshot(snapshot(**BIG))
    before = view._layout
    at = node_centre(view, 2, 40)
    wheel(view, at, 2)  # two notches: 1.25 ** 2
    assert view.zoom.scale == pytest.approx(1.25**2)
    # the node under the pointer is still under it (to within a node's pitch)
    assert view._target_at(at) == NodeHit(2, 40) or (
        abs(node_centre(view, 2, 40).y() - at.y()) <= view._layout.columns[2].step
    )
    assert view._layout.columns[2].size > before.columns[2].size
    wheel(view, at, -10)  # far out: back to the whole network, never smaller
    assert view.zoom == Zoom()
    assert np.array_equal(view._layout.node_y, before.node_y)


def test_fit_restores_the_whole_network(view, qtbot):
    view.set_snapshot(snapshot(**BIG))
    whole = view._layout
    view.zoom_at(node_centre(view, 3, 10), 6.0)
    assert view.zoom.scale == pytest.approx(6.0)
    assert view._layout.node_y.min() < whole.view_top  # some of it is out of sight
    view.fit()
    assert view.zoom.fitted
    assert np.array_equal(view._layout.node_x, whole.node_x)
    assert np.array_equal(view._layout.node_y, whole.node_y)
    # a double click on empty space does the same
    view.zoom_at(node_centre(view, 3, 10), 3.0)
    spot = empty_spot(view)
    mouse(view, QEvent.Type.MouseButtonPress, spot)
    mouse(view, QEvent.Type.MouseButtonRelease, spot, Qt.MouseButton.NoButton)
    mouse(view, QEvent.Type.MouseButtonDblClick, spot)
    mouse(view, QEvent.Type.MouseButtonRelease, spot, Qt.MouseButton.NoButton)
    assert view.zoom.fitted


def test_the_fit_key_of_the_window_restores_the_whole_network(open_window, qtbot):
    window = open_window(Config(hidden=(64,) * 6, features=FEATURES))
    net = window.network_view
    whole = net._layout
    net.zoom_at(QPointF(net.width() / 2, net.height() / 2), 2.5)
    assert not net.zoom.fitted
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert net.zoom.fitted
    assert np.array_equal(net._layout.node_y, whole.node_y)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert net.zoom.scale == pytest.approx(1.25)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert net.zoom.fitted


def test_a_drag_pans_a_zoomed_graph_and_a_click_still_edits(view):
    view.set_snapshot(snapshot(**BIG))
    view.zoom_at(QPointF(450, 300), 4.0)
    before = view.zoom
    spot = empty_spot(view)
    drag(view, spot, spot + QPointF(-30, 25))
    assert view.zoom.scale == before.scale
    assert view.zoom.dx == pytest.approx(before.dx - 30)
    assert view.zoom.dy == pytest.approx(before.dy + 25)
    # a drag that starts on a node pans too (zoomed in, edges leave little empty space)
    moved = view.zoom
    lay = view._layout
    col = lay.columns[2]
    unit = next(iter(lay.units_in_view(col))) + 1
    start = node_centre(view, 2, unit)
    assert view._target_at(start) == NodeHit(2, unit)
    drag(view, start, start + QPointF(20, 10))
    assert (view.zoom.dx, view.zoom.dy) == pytest.approx((moved.dx + 20, moved.dy + 10))
    # while a click (no move) on the node still selects it and opens its editor
    selected = []
    view.neuron_selected.connect(lambda *a: selected.append(a))
    here = node_centre(view, 2, unit)
    mouse(view, QEvent.Type.MouseButtonPress, here)
    mouse(view, QEvent.Type.MouseButtonRelease, here, Qt.MouseButton.NoButton)
    assert selected == [(2, unit)] and view._editor.isVisible()
    assert (view.zoom.dx, view.zoom.dy) == pytest.approx((moved.dx + 20, moved.dy + 10))
    view._close_editor()
    # a drag with the graph fitted moves nothing
    view.fit()
    drag(view, empty_spot(view), empty_spot(view) + QPointF(30, 30))
    assert view.zoom.fitted
    view.zoom_at(QPointF(450, 300), 4.0)
    # and the graph never pans off into emptiness
    drag(view, empty_spot(view), QPointF(899, 559), steps=2)
    assert view._layout.columns[0].centre_x <= 16 + 58 + 20 + 0.5


def test_a_zoomed_view_hovers_and_edits_the_right_edge(view, qtbot):
    snap = snapshot(**BIG)
    view.set_snapshot(snap)
    view.zoom_at(node_centre(view, 2, 30), 5.0)
    view.set_snapshot(snap)
    lay, widths = view._layout, view._edges.widths
    assert not any(matrix_pairs(lay)[1:3])  # zoomed in: edges, not matrices
    # a drawn edge with its middle in sight, on no node
    for e in np.argsort(-widths):
        mid = QPointF((lay.edge_x0[e] + lay.edge_x1[e]) / 2, (lay.edge_y0[e] + lay.edge_y1[e]) / 2)
        if lay.view_top < mid.y() < lay.view_bottom and 0 < mid.x() < lay.width:
            hit = view._target_at(mid)
            if isinstance(hit, EdgeHit) and hit.layer == int(lay.edge_layer[e]):
                break
    else:
        raise AssertionError("no edge in sight")
    layer, row, col = int(lay.edge_layer[e]), int(lay.edge_row[e]), int(lay.edge_col[e])
    mouse(view, QEvent.Type.MouseMove, mid)
    w = float(snap.weights[layer][row, col])
    assert probe.hover_text(view).split("\n")[0] == f"weight {w:.4f}"
    edits = []
    view.weight_edited.connect(lambda *a: edits.append(a))
    mouse(view, QEvent.Type.MouseButtonPress, mid)
    mouse(view, QEvent.Type.MouseButtonRelease, mid, Qt.MouseButton.NoButton)
    assert view._editor.isVisible()
    view._editor.accepted.emit(0.25)
    assert edits == [(layer, row, col, 0.25)]


def test_a_matrix_cell_reads_and_edits_its_weight(view):
    snap = snapshot(**BIG)
    view.set_snapshot(snap)
    strip = next(s for s in view._overview.strips if s.pair == 2)
    row, inp = 17, 45
    dst = strip.target
    x = strip.left + (inp + 0.5) * strip.width / strip.inputs
    y = dst.node_top(row) + dst.size / 2
    assert view._target_at(QPointF(x, y)) == EdgeHit(2, row, strip.input_at(x))
    mouse(view, QEvent.Type.MouseMove, QPointF(x, y))
    col = strip.input_at(x)
    assert probe.hover_text(view).split("\n")[0] == f"weight {float(snap.weights[2][row, col]):.4f}"


# --- levels of detail -------------------------------------------------------------------


def test_the_level_of_detail_switches_at_the_documented_density():
    """A pair with more than MAX_LAYER_EDGES weights is a matrix exactly while
    its nodes lie under DETAIL_STEP px apart; a sparser pair never is."""
    seen = set()
    for scale in np.linspace(1.0, 6.0, 60):
        lay = compute_layout(900, 560, FEATURES, (64, 64, 8, 2), 1, zoom=Zoom(scale))
        cols, pairs = lay.columns, matrix_pairs(lay)
        step = min(cols[1].step, cols[2].step)
        assert pairs[1] == (step < DETAIL_STEP), (scale, step)  # 64 x 64 = 4,096 weights
        dense = 64 * 8 > MAX_LAYER_EDGES  # noqa: SIM300 (weights against the limit)
        assert pairs[2] == (dense and min(cols[2].step, cols[3].step) < DETAIL_STEP)
        assert not pairs[3] and not pairs[4]  # 8 x 2, 2 x 1: few weights, always edges
        seen.add(pairs[1])
    assert seen == {True, False}  # both sides of the switch were crossed


def test_zoomed_out_a_dense_pair_is_its_weight_matrix(view):
    snap = snapshot(**BIG)
    view.set_snapshot(snap)
    lay = view._layout
    assert matrix_pairs(lay)[1] and lay.columns[2].step < DETAIL_STEP
    strip = next(s for s in view._overview.strips if s.pair == 1)
    item = view._overview._strip_pool[view._overview.strips.index(strip)]
    image = item.pixmap().toImage()
    assert (image.width(), image.height()) == (strip.width, 64)  # a texel row per unit
    # drawn from the unit column's top, each row one unit's pitch tall: level with it
    dst = strip.target
    assert item.pos() == QPointF(strip.left, dst.top)
    for unit in (0, 9, 63):
        top = item.mapToScene(QPointF(0, unit)).y()
        assert top == dst.node_top(unit) and item.mapToScene(QPointF(0, unit + 1)).y() == (
            dst.node_top(unit) + dst.step
        )
    # each row holds its incoming weights' colours
    w = snap.weights[1]
    expected = values_to_rgba(_per_pixel(w, strip), _LUT32_SCREEN)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    assert np.array_equal(pixels[:, : strip.width], expected)
    # where a row has more weights than pixels, a pixel is their mean
    starts = (np.arange(strip.width) * 64) // strip.width
    k = 3
    mean = w[9, starts[k] : starts[k + 1]].mean()
    rgba = expected[9, k][_SCREEN_ORDER]
    assert np.abs(rgba.astype(int) - values_to_rgba(np.array([mean]))[0].astype(int)).max() <= 1
    # no edge of a matrix pair is drawn; the legend says why
    start = snap.weights[0].size
    assert not np.any(view._edges.widths[start : start + w.size])
    assert any(MATRIX_NOTE in line for line in probe.legend_texts(view))


def test_compact_cells_show_their_bias_beside_them(view):
    snap = snapshot(**BIG)
    view.set_snapshot(snap)
    col = view._layout.columns[3]
    assert not col.tiles  # compact: a cell of its mean output
    i = view._overview._cell_columns.index(col)
    image = view._overview._cell_pool[i].pixmap().toImage()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    b = snap.biases[2]
    item = view._overview._cell_pool[i]
    for unit in (0, 31, 63):
        texel = pixels[unit, 0][_SCREEN_ORDER]
        assert np.array_equal(texel, values_to_rgba(np.array([b[unit]], np.float32))[0])
        assert item.mapToScene(QPointF(0, unit)).y() == col.node_top(unit)  # level with it
    assert item.mapToScene(QPointF(1, 0)).x() == col.x - 1  # a cell 3 px wide, left of it


def test_zoomed_in_tiles_appear_and_only_those_in_sight_are_drawn(view):
    view.set_snapshot(snapshot(**BIG))
    assert not view._layout.columns[2].tiles
    view.zoom_at(node_centre(view, 2, 20), 8.0)
    lay = view._layout
    col = lay.columns[2]
    assert col.tiles  # big enough for its picture
    tile = view._tiles[2]
    assert 0 < tile.shown < col.count
    first = tile.first
    assert col.node_top(first) + col.size >= lay.view_top
    assert col.node_top(first + tile.shown - 1) <= lay.view_bottom
    assert tile.tiles().shape == (tile.shown, col.size, col.size, 4)
    notes = (ZOOMED_NOTE, ZOOMED_DENSE_NOTE, MATRIX_NOTE)
    assert any(n in line for n in notes for line in probe.legend_texts(view))


@pytest.mark.parametrize("size", [(360, 260), (560, 330), (900, 560)])
def test_the_legend_of_a_zoomed_view_is_never_cut_off(view, size):
    view.resize(*size)
    view.set_snapshot(snapshot(hidden=(64,) * 16, features=FEATURES))
    for scale in (1.0, 2.0, 9.0):
        view.fit()
        view.zoom_at(QPointF(size[0] / 2, size[1] / 2), scale)
        legend = view._chrome.legend(view.width(), "", ())  # (only for its font size)
        lines = probe.legend_texts(view)
        assert lines and not any("…" in line for line in lines)
        said = ("dense layers", "zoomed: ")  # what is left out: the matrices, or edges
        assert any(w in line for w in said for line in lines), lines
        for text, box in probe.texts(view):
            assert box.right() <= size[0] + 0.5, text
        assert all(text_width(line, legend.px) < size[0] for line in lines)


def test_a_double_click_that_fits_clicks_nothing_under_the_fitted_graph(view):
    """The release after a double click is no click: the fit moved the graph, and
    a feature tile now under the pointer must not be toggled (nor an editor open)."""
    view.set_snapshot(snapshot(hidden=(4, 2), features=("x1", "x2")))
    fitted = view._layout
    view.zoom_at(QPointF(fitted.width * 0.7, fitted.height * 0.6), 1.7)
    zoomed = view._layout
    spots = []  # empty while zoomed, on a feature once fitted
    for y in range(90, 480, 3):
        for x in range(20, 880, 3):
            spot = QPointF(x, y)
            if view._target_at(spot) is None:
                view._layout = fitted
                fitted_hit = view._target_at(spot)
                view._layout = zoomed
                if fitted_hit is not None:
                    spots.append(spot)
    assert spots
    toggled, edits = [], []
    view.feature_toggled.connect(toggled.append)
    view.weight_edited.connect(lambda *a: edits.append(a))
    spot = spots[0]
    mouse(view, QEvent.Type.MouseButtonPress, spot)
    mouse(view, QEvent.Type.MouseButtonRelease, spot, Qt.MouseButton.NoButton)
    mouse(view, QEvent.Type.MouseButtonDblClick, spot)
    mouse(view, QEvent.Type.MouseButtonRelease, spot, Qt.MouseButton.NoButton)
    assert view.zoom.fitted
    assert toggled == [] and edits == [] and not view._editor.isVisible()
    # a move with no button held (its release was lost) does not pan
    view.zoom_at(QPointF(450, 300), 3.0)
    before = view.zoom
    mouse(view, QEvent.Type.MouseButtonPress, empty_spot(view))
    mouse(view, QEvent.Type.MouseMove, empty_spot(view) + QPointF(40, 0), Qt.MouseButton.NoButton)
    assert view.zoom == before
