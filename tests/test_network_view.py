"""The network graph, offscreen: synthetic snapshots in, item state and signals out."""

from dataclasses import replace

import numpy as np
import pytest
import view_probes as probe
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication

from playground import Config, Trainer
from playground.core.config import FEATURES, MAX_HIDDEN_LAYERS, MAX_NEURONS
from playground.views import colors
from playground.views.canvas import python_painters
from playground.views.network_layout import TILE_MIN
from playground.views.network_view import NetworkView

TF7 = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
NEG, ZERO, POS = (
    np.array(QColor(c).getRgb()[:3]) for c in (colors.NEGATIVE, colors.ZERO, colors.POSITIVE)
)


def random_weights(t: Trainer, rng, scale=2.0) -> None:
    for i in range(t.network.num_layers):
        w = t.network.weight(i)
        w[:] = rng.normal(0.0, scale, w.shape)


def rgb_close(rgba, rgb, tol=4) -> bool:
    return bool(np.abs(np.asarray(rgba)[..., :3].astype(int) - rgb).max() <= tol)


@pytest.fixture
def view(network_view):
    return network_view


def trainer(**fields) -> Trainer:
    fields.setdefault("features", ("x1", "x2"))
    return Trainer(Config(**fields))


def point(p: QPointF) -> QPoint:
    return p.toPoint()


def move_mouse(view: NetworkView, pos: QPointF) -> None:
    """A real mouse-move event on the view (QTest.mouseMove only moves the
    cursor, which the offscreen platform reports late or not at all)."""
    viewport = view.canvas.viewport()
    QApplication.sendEvent(
        viewport,
        QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(pos),
            QPointF(viewport.mapToGlobal(pos)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )


# --- edges ---------------------------------------------------------------------------


def test_edge_width_follows_abs_weight_and_colour_its_sign(view):
    t = trainer(hidden=(3,))
    w = t.network.weight(0)  # (3, 2): edge order is row-major, e = row * 2 + col
    w[:] = [[0.0, -2.5], [2.5, 7.0], [-7.0, 0.5]]
    view.set_snapshot(t.snapshot())
    widths = probe.edge_pen_widths(view)
    assert widths[:6].tolist() == [1.0, 5.5, 5.5, 10.0, 10.0, 2.0]
    edge_colors = probe.edge_colors(view)
    assert rgb_close(edge_colors[0], ZERO, 1)
    assert rgb_close(edge_colors[1], NEG, 1) and rgb_close(edge_colors[4], NEG, 1)
    assert rgb_close(edge_colors[2], POS, 1) and rgb_close(edge_colors[3], POS, 1)
    # the pens really drawn carry those widths, the wide (strong) ones on top
    drawn = [pen.widthF() for pen in probe.drawn_pens(view)]
    assert {1.0, 5.5, 10.0} <= set(drawn)
    assert drawn == sorted(drawn)


def test_edges_redrawn_bucket_by_bucket_match_a_fresh_drawing(qtbot, view):
    """A snapshot rebuilds only the buckets edges moved between: the picture is
    the one a fresh view draws, and the path items are reused, not piled up."""
    t = trainer(hidden=(8, 8, 8), features=TF7)
    rng = np.random.default_rng(3)
    view.set_snapshot(t.snapshot())
    counts = []
    for _ in range(2):
        for scale in (0.3, 2.0, 0.05, 1.0):  # weights moving between many buckets
            random_weights(t, np.random.default_rng(int(scale * 100)), scale)
            view.set_snapshot(t.snapshot())
        counts.append(probe.item_count(view))
    assert counts[0] == counts[1]  # the pool is reused, not grown
    random_weights(t, rng, 1.5)
    snap = t.snapshot(grid_resolution=20)
    view.set_snapshot(snap)
    fresh = NetworkView()
    qtbot.addWidget(fresh)
    fresh.resize(view.size())
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.set_snapshot(snap)
    assert [p.widthF() for p in probe.drawn_pens(view)] == [
        p.widthF() for p in probe.drawn_pens(fresh)
    ]
    assert view.canvas.grab().toImage() == fresh.canvas.grab().toImage()  # buttons aside


def test_very_many_edges_turn_antialiasing_off(view):
    def smooth() -> bool:
        return bool(view.canvas.renderHints() & QPainter.RenderHint.Antialiasing)

    view.set_snapshot(trainer(hidden=(4, 2)).snapshot())
    assert smooth()
    view.set_snapshot(trainer(hidden=(32,) * 8).snapshot())  # 7 x 384 + 96 edges drawn
    assert not smooth()
    view.set_snapshot(trainer(hidden=(8,) * 6, features=TF7).snapshot())
    assert smooth()


def test_tf_sized_net_uses_tf_widths_unscaled(view):
    t = trainer(hidden=(8,) * 6, features=TF7)
    rng = np.random.default_rng(1)
    for i in range(t.network.num_layers):
        t.network.weight(i)[:] = rng.uniform(-6, 6, t.network.weight(i).shape)
    snap = t.snapshot(grid_resolution=40)
    view.set_snapshot(snap)
    w = np.abs(np.concatenate([x.ravel() for x in snap.weights]))
    expected = np.round((1 + 9 * np.minimum(w, 5) / 5) * 2) / 2
    assert np.array_equal(probe.edge_pen_widths(view), expected)
    assert len(expected) == 7 * 8 + 5 * 64 + 8


# --- tiles and biases ------------------------------------------------------------------


def test_tiles_show_each_neurons_output_right_side_up(view):
    t = trainer(hidden=(3,))
    w, b = t.network.weight(0), t.network.bias(0)
    w[:] = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    b[:] = [3.0, 0.0, 0.0]  # neuron 0: tanh(3) ~ +1 everywhere
    view.set_snapshot(t.snapshot(grid_resolution=50))
    tiles = probe.tile_images(view)
    size = int(probe.node_rect(view, 1, 0).width())
    assert size >= TILE_MIN
    assert tiles[1].shape == (3, size, size, 4)
    assert tiles[2].shape[0] == 1 and tiles[0].shape[0] == 2  # output; enabled features
    assert rgb_close(tiles[1][0], POS, 3)  # positive output shows blue
    x1_tile, x2_tile = tiles[1][1], tiles[1][2]
    assert rgb_close(x1_tile[:, 0], NEG, 3) and rgb_close(x1_tile[:, -1], POS, 3)
    assert rgb_close(x2_tile[0], POS, 3) and rgb_close(x2_tile[-1], NEG, 3)  # +x2 is up
    # the input features' own tiles: x1 orange on the left, blue on the right
    assert rgb_close(tiles[0][0][:, 0], NEG, 3) and rgb_close(tiles[0][0][:, -1], POS, 3)


def test_sigmoid_output_is_drawn_as_2p_minus_1(view):
    t = trainer(hidden=(), loss="cross-entropy")
    t.network.weight(0)[:] = 0.0
    t.network.bias(0)[:] = 0.0  # p = 0.5 everywhere: the neutral grey
    view.set_snapshot(t.snapshot(grid_resolution=20))
    assert rgb_close(probe.tile_images(view)[1][0], ZERO, 2)


def test_bias_squares_use_the_diverging_scale(view):
    t = trainer(hidden=(2,))
    t.network.bias(0)[:] = [-1.0, 2.0]
    t.network.bias(1)[:] = [0.0]
    view.set_snapshot(t.snapshot())
    hidden, output = probe.bias_colors(view)
    assert rgb_close(hidden[0], NEG, 1) and rgb_close(hidden[1], POS, 1)
    assert rgb_close(output[0], ZERO, 1)

    def drawn(layer: int, unit: int) -> np.ndarray:  # the pixel inside the square
        rect = probe.node_rect(view, layer, unit)
        image = view.grab().toImage()
        return np.array(QColor(image.pixel(int(rect.left()) - 1, int(rect.bottom()) + 1)).getRgb())

    assert rgb_close(drawn(1, 0), NEG, 1) and rgb_close(drawn(2, 0), ZERO, 1)
    t.network.bias(0)[:] = [1.0, 2.0]  # only the first square changes colour
    view.set_snapshot(t.snapshot())
    assert rgb_close(drawn(1, 0), POS, 1) and rgb_close(drawn(1, 1), POS, 1)


def test_overflowing_outputs_draw_at_the_scale_ends_without_warnings(view):
    """A nearly diverged network's neurons reach float32's limits (and beyond)."""
    t = trainer(hidden=(3,), activation="linear", dataset="plane")
    t.network.params[:] = 1e37  # hidden values ~1e38: x 127.5 overflows float32
    view.set_snapshot(t.snapshot(grid_resolution=20))  # warnings are errors in tests
    hidden = probe.tile_images(view)[1]
    assert rgb_close(hidden[0, 10, 10], POS) or rgb_close(hidden[0, 10, 10], NEG)


def test_the_same_grids_keep_the_tiles_and_fresh_ones_redraw_them(view):
    """A snapshot carrying the grids already shown (not fresh, as the worker
    publishes between pictures) moves the edges and biases only; fresh grids,
    even the same object, and new grids draw the tiles again."""
    t = trainer(hidden=(4, 2))
    pictured = t.snapshot(grid_resolution=30)
    view.set_snapshot(pictured)
    before = [tile.copy() for tile in probe.tile_images(view)]
    keys, widths = probe.tile_pixmap_keys(view), probe.edge_pen_widths(view)
    t.network.weight(1)[:] = 4.0
    t.network.bias(0)[:] = -2.0
    carried = replace(t.snapshot(), grids=pictured.grids)
    assert not carried.fresh_grids
    view.set_snapshot(carried)
    assert probe.tile_pixmap_keys(view) == keys  # not computed again
    assert all(np.array_equal(a, b) for a, b in zip(before, probe.tile_images(view), strict=True))
    assert not np.array_equal(widths, probe.edge_pen_widths(view))  # the weights did update
    hidden = probe.bias_colors(view)[0]
    assert rgb_close(hidden, NEG, 1)  # and the biases
    view.set_snapshot(replace(carried, fresh_grids=True))
    redrawn = probe.tile_pixmap_keys(view)
    assert redrawn[0] == keys[0]  # the features' tiles never change with the grids
    assert all(new != old for new, old in zip(redrawn[1:], keys[1:], strict=True))
    view.set_snapshot(t.snapshot(grid_resolution=30))
    assert not np.array_equal(before[1], probe.tile_images(view)[1])


def test_a_snapshot_without_grids_shows_blank_tiles(view):
    t = trainer(hidden=(3,))
    t.network.weight(0)[:] = 0.0
    t.network.bias(0)[:] = 3.0  # every hidden neuron about +1: blue
    view.set_snapshot(t.snapshot(grid_resolution=20))
    assert rgb_close(probe.tile_images(view)[1], POS, 3)
    view.set_snapshot(t.snapshot())  # a caller asked for no grids
    assert rgb_close(probe.tile_images(view)[1], ZERO, 1)
    assert rgb_close(probe.tile_images(view)[2], ZERO, 1)


def test_a_new_generation_never_shows_the_grids_of_the_last(view):
    """After a reset (same architecture) or a rebuild, the tiles are the new
    snapshot's grids, or blank until its generation has some."""
    t = trainer(hidden=(3,))
    t.network.weight(0)[:] = 0.0
    t.network.bias(0)[:] = 3.0  # every hidden neuron about +1: blue
    old = t.snapshot(grid_resolution=20)
    view.set_snapshot(old)
    assert rgb_close(probe.tile_images(view)[1], POS, 3)
    reset = replace(t.snapshot(), generation=old.generation + 1)  # no grids of its own yet
    view.set_snapshot(reset)
    assert rgb_close(probe.tile_images(view)[1], ZERO, 1)
    # a rebuild to another architecture, and back: the old grids never return
    other = trainer(hidden=(5,))
    view.set_snapshot(replace(other.snapshot(grid_resolution=20), generation=old.generation + 2))
    assert [len(t) for t in probe.tile_images(view)] == [2, 5, 1]
    back = replace(t.snapshot(), generation=old.generation + 3)
    view.set_snapshot(back)
    assert [len(t) for t in probe.tile_images(view)] == [2, 3, 1]
    assert rgb_close(probe.tile_images(view)[1], ZERO, 1)
    assert "output over the square" not in probe.hover_text(view)
    probe.hover_at(view, probe.node_rect(view, 1, 0).center())
    assert "bias 3.0000" in probe.hover_text(view)
    assert "output over the square" not in probe.hover_text(view)  # no range of old grids


def test_new_architecture_relays_out(view):
    view.set_snapshot(trainer(hidden=(4, 2)).snapshot(grid_resolution=20))
    assert [len(t) for t in probe.tile_images(view)] == [2, 4, 2, 1]
    view.set_snapshot(trainer(hidden=(5,), features=("x1", "x2", "sinx1")).snapshot())
    assert len(probe.edge_pen_widths(view)) == 3 * 5 + 5
    assert [len(t) for t in probe.tile_images(view)] == [3, 5, 1]  # blank until grids come
    assert (
        probe.neuron_buttons(view, 0)[0].isVisible()
        and not probe.neuron_buttons(view, 1)[0].isVisible()
    )


# --- clicks, buttons, editing ---------------------------------------------------------


def test_clicking_a_feature_emits_its_name(qtbot, view):
    view.set_snapshot(trainer(hidden=(2,)).snapshot())
    target = probe.node_rect(view, 0, FEATURES.index("x1sq")).center()
    with qtbot.waitSignal(view.feature_toggled, timeout=1000) as blocker:
        qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point(target))
    assert blocker.args == ["x1sq"]


def test_a_drag_or_a_right_click_is_no_click(qtbot, view):
    view.set_snapshot(trainer(hidden=(2,)).snapshot())
    viewport = view.canvas.viewport()
    target = point(probe.node_rect(view, 0, FEATURES.index("x1sq")).center())
    with qtbot.assertNotEmitted(view.feature_toggled):
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=target)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target + QPoint(0, 30))
        qtbot.mouseClick(viewport, Qt.MouseButton.RightButton, pos=target)
    with qtbot.waitSignal(view.feature_toggled, timeout=1000):  # a small wobble is a click
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=target)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target + QPoint(1, 1))


def test_buttons_emit_and_are_disabled_at_the_limits(qtbot, view):
    view.set_snapshot(trainer(hidden=(1, MAX_NEURONS, 3)).snapshot())
    (add0, rem0), (add1, rem1), (add2, rem2) = (probe.neuron_buttons(view, i) for i in range(3))
    assert add0.isEnabled() and not rem0.isEnabled()
    assert not add1.isEnabled() and rem1.isEnabled()
    with qtbot.waitSignal(view.neuron_added) as added:
        qtbot.mouseClick(add2, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.neuron_removed) as removed:
        qtbot.mouseClick(rem2, Qt.MouseButton.LeftButton)
    assert added.args == [2] and removed.args == [2]
    with qtbot.assertNotEmitted(view.neuron_removed):
        qtbot.mouseClick(rem0, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.layer_added):
        qtbot.mouseClick(view.add_layer_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.layer_removed):
        qtbot.mouseClick(view.remove_layer_button, Qt.MouseButton.LeftButton)

    view.set_snapshot(trainer(hidden=(1,) * MAX_HIDDEN_LAYERS).snapshot())
    assert not view.add_layer_button.isEnabled() and view.remove_layer_button.isEnabled()
    view.set_snapshot(trainer(hidden=()).snapshot())
    assert view.add_layer_button.isEnabled() and not view.remove_layer_button.isEnabled()
    with qtbot.assertNotEmitted(view.layer_removed):
        qtbot.mouseClick(view.remove_layer_button, Qt.MouseButton.LeftButton)


def test_clicking_an_edge_edits_its_weight(qtbot, view):
    view.set_snapshot(trainer(hidden=(4, 2)).snapshot())
    assert probe.editor(view) is None
    target = probe.edge_point(view, 1, 0, 1, 0.6)
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point(target))
    editor = probe.editor(view)
    assert editor is not None
    qtbot.keyClicks(editor, "2.5")
    with qtbot.waitSignal(view.weight_edited) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [1, 0, 1, 2.5]
    assert probe.editor(view) is None


def test_clicking_a_node_edits_its_bias_and_escape_cancels(qtbot, view):
    view.set_snapshot(trainer(hidden=(4, 2)).snapshot())
    probe.click_at(view, probe.node_rect(view, 2, 1).center())
    qtbot.keyClicks(probe.editor(view), "-10")
    with qtbot.waitSignal(view.bias_edited) as blocker:
        qtbot.keyClick(probe.editor(view), Qt.Key.Key_Enter)
    assert blocker.args == [1, 1, -10.0]

    probe.click_at(view, probe.node_rect(view, 1, 3).center())
    editor = probe.editor(view)
    qtbot.keyClicks(editor, "7")
    with qtbot.assertNotEmitted(view.bias_edited), qtbot.assertNotEmitted(view.weight_edited):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert probe.editor(view) is None


def test_editor_refuses_what_is_not_a_number(qtbot, view):
    view.set_snapshot(trainer(hidden=(2,)).snapshot())
    probe.click_at(view, probe.edge_point(view, 0, 1, 0))
    editor = probe.editor(view)
    qtbot.keyClicks(editor, "abc")
    with qtbot.assertNotEmitted(view.weight_edited):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert probe.editor(view) is editor  # still open, marked invalid
    editor.selectAll()
    qtbot.keyClicks(editor, "inf")
    with qtbot.assertNotEmitted(view.weight_edited):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert probe.editor(view) is editor


# --- hovering -----------------------------------------------------------------------------


def test_hovering_a_neuron_emits_it_and_shows_its_bias(qtbot, view):
    t = trainer(hidden=(4, 2))
    t.network.bias(0)[2] = 0.4321
    view.set_snapshot(t.snapshot(grid_resolution=20))
    with qtbot.waitSignal(view.neuron_hovered) as blocker:
        move_mouse(view, probe.node_rect(view, 1, 2).center())
    assert blocker.args == [1, 2]
    assert "bias 0.4321" in probe.hover_text(view)
    # live: the next snapshot refreshes the read-out
    t.network.bias(0)[2] = -1.5
    view.set_snapshot(t.snapshot())
    assert "bias -1.5000" in probe.hover_text(view)
    with qtbot.waitSignal(view.neuron_hovered) as blocker:
        move_mouse(view, QPointF(5, view.height() / 2))
    assert blocker.args == [-1, -1]
    assert probe.hover_text(view) == ""


def test_hovering_an_edge_shows_its_weight(qtbot, view):
    t = trainer(hidden=(3,))
    t.network.weight(1)[0, 2] = -0.75
    view.set_snapshot(t.snapshot())
    with qtbot.assertNotEmitted(view.neuron_hovered):
        move_mouse(view, probe.edge_point(view, 1, 0, 2, 0.5))
    lines = probe.hover_text(view).split("\n")
    assert lines[:3] == ["weight -0.7500", "from hidden layer 1 · neuron 3", "to output"]
    assert "PyTorch: 2.weight[0, 2]" in lines


def test_hovering_an_enabled_feature_emits_grid_layer_zero(qtbot, view):
    view.set_snapshot(trainer(hidden=(2,), features=("x2", "sinx1")).snapshot())
    with qtbot.waitSignal(view.neuron_hovered) as blocker:
        probe.hover_at(view, probe.node_rect(view, 0, FEATURES.index("sinx1")).center())
    assert blocker.args == [0, 1]  # the second enabled feature


# --- painting without Python ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields", [{}, dict(hidden=(32,) * 8, activation="relu")], ids=["default", "8x32-aliased"]
)
def test_qt_paints_the_graph_without_python(qtbot, view, fields):
    """Painting that calls Python holds the GIL and stalls the trainer thread:
    every item of the graph is one Qt paints on its own (see canvas.py)."""
    assert python_painters(view.canvas) == []
    t = trainer(**fields)
    t.train(3)
    view.set_snapshot(t.snapshot(grid_resolution=20))
    assert python_painters(view.canvas) == []
    move_mouse(view, probe.node_rect(view, 1, 1).center())  # the ring and the card
    assert probe.hover_text(view) and python_painters(view.canvas) == []
    e = int(np.argmax(probe.edge_pen_widths(view)))  # a drawn edge: highlight line and card
    move_mouse(view, probe.edge_point(view, *probe.edge_of(view, e)))
    assert "weight" in probe.hover_text(view)
    view.set_snapshot(t.snapshot(grid_resolution=20))  # live while hovering
    assert python_painters(view.canvas) == []
    view.canvas.viewport().repaint()


# --- size and scale -------------------------------------------------------------------------


def test_layout_follows_the_widget_size(qtbot, view):
    view.set_snapshot(trainer(hidden=(8,) * 3).snapshot())
    small = probe.node_rect(view, 1, 0)
    view.resize(1400, 900)
    qtbot.waitUntil(lambda: probe.node_rect(view, 1, 0) != small)
    big = probe.node_rect(view, 1, 0)
    assert big.width() > small.width() and big.center().x() > small.center().x()


def test_a_16_by_64_network_stays_bounded(view):
    t = trainer(hidden=(MAX_NEURONS,) * MAX_HIDDEN_LAYERS, features=TF7)
    pictured = t.snapshot(grid_resolution=10)
    view.set_snapshot(pictured)
    assert probe.item_count(view) < 200
    tiles = probe.tile_images(view)
    assert len(tiles) == 18 and tiles[5].shape[0] == MAX_NEURONS
    assert tiles[5].shape[1] < TILE_MIN  # tiny nodes: one flat colour, the mean output
    assert all(len(np.unique(tile.reshape(-1, 4), axis=0)) == 1 for tile in tiles[5])
    means = pictured.grids.layers[5].mean(axis=(0, 1))
    for tile, mean in zip(tiles[5], means, strict=True):
        assert rgb_close(tile[0, 0], colors.to_rgba(np.array(mean))[:3], 2)
    # zoomed out, a dense pair of layers is its weight matrix: no edges at all
    snap = t.snapshot()
    w = np.abs(snap.weights[5].ravel())
    start = sum(x.size for x in snap.weights[:5])
    assert not np.any(probe.edge_pen_widths(view)[start : start + w.size] > 0)
    assert 5 in [s.pair for s in view._overview.strips]
    # zoomed in, its edges come back: only the strongest of those in view
    view.zoom_at(QPointF(450, 280), 3.0)
    view.set_snapshot(snap)
    in_view = view._edges._drawable[start : start + w.size]
    drawn = probe.edge_pen_widths(view)[start : start + w.size] > 0
    assert 0 < drawn.sum() < in_view.sum() and not np.any(drawn & ~in_view)
    assert w[drawn].min() >= w[in_view & ~drawn].max()
    view.fit()
    image = view.grab().toImage()
    assert not image.isNull() and image.width() == 900


@pytest.mark.parametrize(
    "fields",
    [dict(hidden=(8,) * 6, features=TF7, dataset="spiral"), {}],
    ids=["tf-6x8", "default-4-2"],
)
def test_render_is_not_blank(view, tmp_path, fields):
    t = trainer(**fields)
    t.train(5)
    view.set_snapshot(t.snapshot(grid_resolution=50))
    assert view.grab().save(str(tmp_path / "network_view.png"))
    image = view.grab().toImage()
    sample = {image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 560, 7)}
    assert len(sample) > 50
