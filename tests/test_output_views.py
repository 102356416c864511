"""The output heatmap, the loss plot and the dataset thumbnails, fed real and made-up snapshots."""

from dataclasses import replace

import numpy as np
import pytest
import view_probes as probe
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from playground import Config, Trainer
from playground.core.snapshot import Grids, History, Metrics
from playground.views import colors
from playground.views.canvas import python_painters
from playground.views.heatmap import HEATMAP_ALPHA, HEATMAP_LUT, target_limit
from playground.views.loss_numbers import (
    clean,
    decimate,
    format_accuracy,
    format_epoch,
    format_loss,
)
from playground.views.loss_view import LossView
from playground.views.network_view import NetworkView
from playground.views.output_view import OutputView
from playground.views.picture import build_picture
from playground.views.plot_axes import format_ticks, linear_ticks, log_ticks, nice_ceiling
from playground.views.thumbnails import dataset_icon, dataset_pixmap

R = 100


def faded(hex_color: str) -> np.ndarray:
    """A colour as TF shows it: at alpha 160/255 over white."""
    c = QColor(hex_color)
    rgb = np.array([c.red(), c.green(), c.blue()], dtype=float)
    return 255 - (255 - rgb) * HEATMAP_ALPHA / 255


def x2_snapshot(**config):
    """A network without hidden layers whose output is tanh(5 x2): +1 above the x1 axis."""
    t = Trainer(Config(hidden=(), features=("x1", "x2"), **config))
    t.set_weight(0, 0, 0, 0.0)
    t.set_weight(0, 0, 1, 5.0)
    t.set_bias(0, 0, 0.0)
    return t, t.snapshot(grid_resolution=R)


@pytest.fixture
def view(qtbot):
    w = OutputView()
    qtbot.addWidget(w)
    w.resize(360, 360)
    return w


@pytest.fixture
def loss_view(qtbot):
    w = LossView()
    qtbot.addWidget(w)
    w.resize(360, 320)
    return w


def shown(widget, qtbot):
    widget.show()
    qtbot.waitExposed(widget)
    return widget.grab().toImage()


def rgb(image, x: float, y: float) -> np.ndarray:
    c = image.pixelColor(int(x), int(y))
    return np.array([c.red(), c.green(), c.blue()], dtype=float)


def pixel_at(view: OutputView, image, fx: float, fy: float) -> np.ndarray:
    """RGB of the grabbed widget at a fraction (fx from the left, fy from the TOP) of the
    plotting square: screen positions, whatever the view's own coordinates say."""
    box = probe.plot_rect(view)
    return rgb(image, box.left() + fx * box.width(), box.top() + fy * box.height())


# --- the heatmap ------------------------------------------------------------------


def test_heatmap_is_one_fixed_image_over_the_input_square(view, qtbot):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    values, levels = probe.image_values(view)
    assert values.shape == (R, R)
    assert levels == (-1.0, 1.0)
    assert HEATMAP_LUT.shape == (256, 3) and HEATMAP_LUT.dtype == np.uint8
    # as TF: the scale at alpha 160 over white
    assert np.allclose(HEATMAP_LUT[-1], faded(colors.POSITIVE), atol=1)
    assert np.allclose(HEATMAP_LUT[0], faded(colors.NEGATIVE), atol=1)
    # drawn through that table, opaque: the top row (x2 = +6) is +1, the bottom -1
    rgba = probe.image_rgba(view)
    assert rgba.shape == (R, R, 4) and rgba.dtype == np.uint8 and (rgba[..., 3] == 255).all()
    assert np.allclose(rgba[0, :, :3], faded(colors.POSITIVE), atol=1)
    assert np.allclose(rgba[-1, :, :3], faded(colors.NEGATIVE), atol=1)
    # and it fills the plotting square, which is square and inside the widget
    image = shown(view, qtbot)
    box = probe.plot_rect(view)
    assert box.width() == box.height() > 250
    assert view.rect().toRectF().contains(box)
    for x, y in ((box.left() + 2, box.top() + 2), (box.right() - 3, box.top() + 2)):
        assert np.allclose(rgb(image, x, y), faded(colors.POSITIVE), atol=6)
    assert rgb(image, box.left() - 3, box.center().y()).min() > 245  # white outside
    assert rgb(image, box.center().x(), box.top() - 3).min() > 245


def test_heatmap_is_right_side_up(view, qtbot):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    values = probe.image_values(view)[0]
    # data: grid rows count up from x2 = -6, and the output is +1 where x2 > 0
    assert (values[R // 2 + 5 :] > 0.9).all() and (values[: R // 2 - 5] < -0.9).all()
    # pixels: the upper half of the picture is blue, the lower half orange
    grab = shown(view, qtbot)
    blue, orange = faded(colors.POSITIVE), faded(colors.NEGATIVE)
    for fx in (0.04, 0.96):  # the corners: outside the circle data's points
        assert np.allclose(pixel_at(view, grab, fx, 0.04), blue, atol=6)
        assert np.allclose(pixel_at(view, grab, fx, 0.96), orange, atol=6)


def test_heatmap_is_scaled_smoothly(view, qtbot):
    """A 4 x 4 image over some 300 px: blended between cell centres, not blocks."""
    t = Trainer(Config(hidden=(), features=("x1", "x2")))
    t.set_weight(0, 0, 0, 0.3)
    t.set_weight(0, 0, 1, 0.0)
    view.set_snapshot(t.snapshot(grid_resolution=4))
    grab = shown(view, qtbot)
    row = [tuple(pixel_at(view, grab, fx, 0.5)) for fx in np.linspace(0.13, 0.87, 60)]
    assert len(set(row)) > 20  # a gradient, not 4 flat blocks


def test_discretize_sends_values_to_the_ends_of_the_scale(view):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    assert (np.abs(probe.image_values(view)[0]) < 0.9).any()  # a soft edge near x2 = 0
    view.set_discretize(True)
    assert set(np.unique(probe.image_values(view)[0])) == {-1.0, 1.0}
    drawn = {tuple(p) for p in probe.image_rgba(view)[..., :3].reshape(-1, 3)}
    assert drawn == {tuple(HEATMAP_LUT[0]), tuple(HEATMAP_LUT[-1])}
    view.set_discretize(False)
    assert (np.abs(probe.image_values(view)[0]) < 0.9).any()


def test_sigmoid_output_uses_levels_zero_to_one(view):
    t, snap = x2_snapshot(loss="cross-entropy")
    assert snap.config.output_activation == "sigmoid"
    view.set_snapshot(snap)
    values, levels = probe.image_values(view)
    assert levels == (0.0, 1.0)
    assert values.min() >= 0.0 and values[-1].min() > 0.99
    view.set_discretize(True)
    assert set(np.unique(probe.image_values(view)[0])) == {0.0, 1.0}
    # p = 0.5 sits on the grey middle entry
    view.set_discretize(False)
    t.set_weight(0, 0, 1, 0.1)  # p within 0.5 +- 0.15 everywhere
    view.set_snapshot(t.snapshot(grid_resolution=R))
    middle = np.abs(probe.image_values(view)[0] - 0.5) < 0.002
    assert middle.any()
    drawn = probe.image_rgba(view)[::-1][middle][:, :3].astype(float)
    assert np.allclose(drawn, faded(colors.ZERO), atol=2)


def test_regression_output_is_clamped_to_the_targets_range(view):
    t = Trainer(Config(dataset="plane", hidden=()))
    t.set_weight(0, 0, 0, 3.0)  # output 3 x1: up to +-18
    t.set_weight(0, 0, 1, 0.0)
    snap = t.snapshot(grid_resolution=R)
    assert np.abs(snap.grids.output).max() > 10
    view.set_snapshot(snap)
    values, levels = probe.image_values(view)
    top = target_limit(snap.dataset)  # the largest |target|: the scale's ends
    assert top == float(np.abs(snap.dataset.y_all).max())
    assert levels == (-top, top)
    assert np.abs(values).max() == pytest.approx(top)  # beyond the targets: the ends' colours
    view.set_discretize(True)  # regression: the sign of the output
    assert set(np.unique(probe.image_values(view)[0])) <= {-1.0, 0.0, 1.0}


def test_nan_is_drawn_transparent(view):
    t = Trainer(Config(hidden=(3,)))
    snap = t.snapshot(grid_resolution=R)
    broken = tuple(np.full_like(a, np.nan) for a in snap.grids.layers)
    broken[-1][:10] = np.inf  # the bottom ten rows: +inf, the top end of the scale
    view.set_snapshot(replace(snap, grids=Grids(R, broken)))
    rgba = probe.image_rgba(view)
    assert (rgba[: R - 10] == 0).all()  # NaN: nothing drawn, the white shows
    assert (rgba[R - 10 :, :, :3] == HEATMAP_LUT[-1]).all()


def test_several_classes_colour_by_the_winner_with_confidence(view):
    t = Trainer(Config(dataset="blobs", classes=3, loss="cross-entropy", hidden=()))
    snap = t.snapshot(grid_resolution=4)
    probs = np.full((4, 4, 3), 1 / 3, dtype=np.float32)  # row 0: no idea
    probs[1] = [1.0, 0.0, 0.0]  # sure of class 0
    probs[2] = [0.0, 0.0, 1.0]  # sure of class 2
    probs[3] = [0.2, 0.6, 0.2]  # class 1, half sure: (0.6 - 1/3) / (2/3) = 0.4
    grids = Grids(4, (*snap.grids.layers[:-1], probs))
    view.set_snapshot(replace(snap, grids=grids))
    image, levels = probe.image_values(view)
    assert image.shape == (4, 4, 4) and image.dtype == np.uint8
    assert levels is None  # coloured directly, no scale
    assert np.array_equal(probe.image_rgba(view), image[::-1])  # drawn as is, +x2 up
    rgb = image[..., :3].astype(float)
    assert np.allclose(rgb[0], 255, atol=1)  # a tie is white
    assert np.allclose(rgb[1], faded(colors.CLASS_COLORS[0]), atol=1)
    assert np.allclose(rgb[2], faded(colors.CLASS_COLORS[2]), atol=1)
    half = 255 - (255 - faded(colors.CLASS_COLORS[1])) * 0.4
    assert np.allclose(rgb[3], half, atol=1.5)
    view.set_discretize(True)  # full-strength class colours
    rgb = probe.image_values(view)[0][..., :3].astype(float)
    assert np.allclose(rgb[3], faded(colors.CLASS_COLORS[1]), atol=1)
    assert np.allclose(rgb[1], faded(colors.CLASS_COLORS[0]), atol=1)
    # hovering output neuron 1: that class's probability in its colour
    view.show_neuron(len(grids.layers) - 1, 1)
    rgb = probe.image_values(view)[0][..., :3].astype(float)
    assert np.allclose(rgb[3], 255 - (255 - faded(colors.CLASS_COLORS[1])) * 0.6, atol=1.5)
    assert np.allclose(rgb[1], 255, atol=1)  # p = 0 there


def test_show_neuron_switches_the_picture_and_back(view):
    t = Trainer(Config(hidden=(3,)))
    snap = t.snapshot(grid_resolution=R)
    view.set_snapshot(snap)
    output = probe.image_values(view)[0].copy()
    view.show_neuron(1, 2)
    assert probe.shown_neuron(view) == (1, 2)
    assert np.allclose(probe.image_values(view)[0], np.clip(snap.grids.layers[1][..., 2], -1, 1))
    assert not np.allclose(probe.image_values(view)[0], output)
    # new snapshots keep showing that neuron
    t.train(5)
    later = t.snapshot(grid_resolution=R)
    view.set_snapshot(later)
    assert np.allclose(probe.image_values(view)[0], np.clip(later.grids.layers[1][..., 2], -1, 1))
    # an input feature spans the whole scale (x1 runs over +-6)
    view.show_neuron(0, 0)
    limit = np.abs(later.grids.layers[0][..., 0]).max()
    assert probe.image_values(view)[1][1] == pytest.approx(limit)
    view.show_neuron(-1, -1)
    assert probe.shown_neuron(view) == (-1, -1)
    assert np.allclose(probe.image_values(view)[0], np.clip(later.grids.output[..., 0], -1, 1))
    view.show_neuron(5, 0)  # no such layer (the network was rebuilt): the output
    assert np.allclose(probe.image_values(view)[0], np.clip(later.grids.output[..., 0], -1, 1))


def test_the_same_grids_keep_the_picture_and_fresh_ones_redraw_it(view):
    t, snap = x2_snapshot()
    view.set_snapshot(snap)
    key, before = probe.heatmap_key(view), probe.image_values(view)[0]
    t.set_weight(0, 0, 1, -5.0)
    carried = replace(t.snapshot(), grids=snap.grids)  # as published between pictures
    assert not carried.fresh_grids
    view.set_snapshot(carried)
    assert probe.heatmap_key(view) == key  # not computed again
    assert np.array_equal(probe.image_values(view)[0], before)
    view.set_snapshot(replace(carried, fresh_grids=True))
    assert probe.heatmap_key(view) != key  # fresh: drawn again, even from the same object
    view.set_snapshot(t.snapshot(grid_resolution=R))
    assert not np.array_equal(probe.image_values(view)[0], before)
    assert probe.image_values(view)[0][-1].max() < -0.9  # the new weight flipped it


def test_a_new_generation_never_shows_the_grids_of_the_last(view):
    """No grids (a hand-made snapshot): a blank heatmap, never the last one's."""
    t, snap = x2_snapshot()
    view.set_snapshot(snap)
    assert probe.image_values(view)[0].max() > 0.9
    reset = replace(t.snapshot(), generation=snap.generation + 1)
    view.set_snapshot(reset)
    values, levels = probe.image_values(view)
    assert levels == (-1.0, 1.0) and not values.any()  # all on the grey middle
    view.show_neuron(1, 0)
    view.set_discretize(True)
    assert not probe.image_values(view)[0].any()
    spirals = Trainer(Config(dataset="spirals", classes=3, loss="cross-entropy", hidden=(4,)))
    view.set_snapshot(replace(spirals.snapshot(), generation=snap.generation + 2))
    assert not probe.image_values(view)[0].any()


def test_a_picture_draws_the_grids_its_snapshot_carries(qtbot):
    """The shell's latest snapshot usually carries earlier grids (not fresh): a
    picture made from it draws them all the same; one without grids is blank."""
    t = Trainer(Config(hidden=(3,)))
    t.train(3)
    pictured = t.snapshot(grid_resolution=R)
    t.train(2)
    carried = replace(t.snapshot(), grids=pictured.grids)
    for snap, blank in ((carried, False), (replace(carried, grids=None), True)):
        picture = build_picture(snap, (1000, 500))
        qtbot.addWidget(picture)
        (network,) = picture.findChildren(NetworkView)
        (output,) = picture.findChildren(OutputView)
        values = probe.image_values(output)[0]
        hidden = probe.tile_images(network)[1]
        if blank:
            assert not values.any()
            assert (hidden[..., :3] == hidden[0, 0, 0, :3]).all()
        else:
            assert np.array_equal(values, np.clip(pictured.grids.output[..., 0], -1, 1))
            assert len(np.unique(hidden.reshape(-1, 4), axis=0)) > 10


# --- the points -----------------------------------------------------------------------


def isolated(view, xy, others, gap=10.0):
    """Indices of points (in pixels) with no other point within `gap` px."""
    px, all_px = probe.to_pixels(view, xy), probe.to_pixels(view, others)
    d = np.linalg.norm(px[:, None, :] - all_px[None, :, :], axis=-1)
    return [i for i in range(len(px)) if np.sort(d[i])[1] > gap]


def ring(image, centre):
    """Lightness of the pixels around centre where a point's outline is (radius 3.5)."""
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    return [
        image.pixelColor(int(centre[0] + r * np.cos(a)), int(centre[1] + r * np.sin(a))).lightness()
        for r in (3.0, 3.5, 4.0)
        for a in angles
    ]


def test_points_match_the_data_and_test_points_toggle(view, qtbot, monkeypatch):
    t, snap = x2_snapshot()
    ds = snap.dataset
    view.set_snapshot(snap)
    assert np.allclose(probe.point_positions(view), ds.x_train)
    assert np.allclose(probe.point_positions(view, test=True), ds.x_test)
    assert probe.points_visible(view) and not probe.points_visible(view, test=True)
    view.set_show_test(True)
    assert probe.points_visible(view) and probe.points_visible(view, test=True)
    # fill by class (class 1 blue, class 0 orange)
    fills = probe.point_colors(view)
    assert len(fills) == len(ds.x_train)
    for label, fill in zip(ds.y_train, fills, strict=True):
        assert fill == (colors.POSITIVE if label == 1 else colors.NEGATIVE)
    # drawn where the data is, in its colour; outlines white for train, dark for test
    image = shown(view, qtbot)
    everything = np.concatenate([ds.x_train, ds.x_test])
    for test, xy in ((False, ds.x_train), (True, ds.x_test)):
        lonely = isolated(view, xy, everything)[:5]
        assert lonely
        for i in lonely:
            centre = probe.to_pixels(view, xy[i])[0]
            fill = QColor(probe.point_colors(view, test)[i])
            assert np.allclose(rgb(image, *centre), fill.getRgb()[:3], atol=3)
            around = image.pixelColor(int(centre[0]), int(centre[1] + 8)).lightness()
            if test:  # dark: darker than the fill and the heatmap around it
                assert min(ring(image, centre)) < min(fill.lightness(), around) - 20
            else:  # white
                assert max(ring(image, centre)) > max(fill.lightness(), around) + 40
    view.set_show_test(False)
    image = view.grab().toImage()
    i = isolated(view, ds.x_test, everything)[0]
    assert not np.allclose(
        rgb(image, *probe.to_pixels(view, ds.x_test[i])[0]),
        QColor(probe.point_colors(view, True)[i]).getRgb()[:3],
        atol=3,
    )
    # the same (immutable) dataset is not drawn again
    calls = []
    monkeypatch.setattr(view, "_draw_points", lambda *a, **k: calls.append(1))
    t.train(1)
    view.set_snapshot(t.snapshot(grid_resolution=R))
    assert calls == []


def test_regression_points_use_the_diverging_scale(view):
    t = Trainer(Config(dataset="plane", hidden=()))
    snap = t.snapshot(grid_resolution=R)
    view.set_snapshot(snap)
    y = snap.dataset.y_train
    fills = probe.point_colors(view)
    assert len(set(fills)) > 50  # a point's own shade, not a few bins
    top = target_limit(snap.dataset)
    for i in (int(np.argmax(y)), int(np.argmin(y)), 0, 1, 2):
        assert fills[i] == colors.qcolor(y[i], top).name()


def test_points_follow_a_resize(view, qtbot):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    shown(view, qtbot)
    view.resize(520, 300)
    image = view.grab().toImage()
    box = probe.plot_rect(view)
    assert box.height() == box.width() < 280  # the height limits it now
    ds = snap.dataset
    i = isolated(view, ds.x_train, np.concatenate([ds.x_train, ds.x_test]))[0]
    fill = QColor(probe.point_colors(view)[i]).getRgb()[:3]
    assert np.allclose(rgb(image, *probe.to_pixels(view, ds.x_train[i])[0]), fill, atol=3)


def test_points_are_drawn_again_for_a_screen_of_another_scale(view, qtbot, monkeypatch):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    shown(view, qtbot)
    before = view._point_items[False].pixmap()
    monkeypatch.setattr(view.canvas, "devicePixelRatioF", lambda: 2.0)  # moved to a 200 % screen
    view.set_snapshot(snap)  # the same data: only the scale changed
    after = view._point_items[False].pixmap()
    assert after.devicePixelRatio() == 2.0
    assert after.width() == 2 * before.width() // round(before.devicePixelRatio())
    # paused, no snapshot comes: the window's screen change is enough
    monkeypatch.setattr(view.canvas, "devicePixelRatioF", lambda: 3.0)
    view.window().windowHandle().screenChanged.emit(view.screen())
    qtbot.waitUntil(lambda: view._point_items[False].pixmap().devicePixelRatio() == 3.0)


# --- axes, layout, and painting without Python -----------------------------------------


def test_the_view_is_square_and_does_not_pan(view, qtbot):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    view.resize(500, 360)
    shown(view, qtbot)
    box = probe.plot_rect(view)
    assert box.width() == box.height()
    assert abs(box.center().x() - 250 - (26 - 10) / 2) <= 1  # centred, axes aside
    # the ticks: -6 .. 6 labelled at the edges and the middle of the square
    x_labels, y_labels = probe.tick_labels(view, "x"), probe.tick_labels(view, "y")
    assert [text for text, _ in x_labels] == ["-6", "-4", "-2", "0", "2", "4", "6"]
    assert [text for text, _ in y_labels] == ["-6", "-4", "-2", "0", "2", "4", "6"]
    assert x_labels[0][1] == pytest.approx(box.left(), abs=1)
    assert x_labels[3][1] == pytest.approx(box.center().x(), abs=1)
    assert x_labels[-1][1] == pytest.approx(box.right(), abs=1)
    assert y_labels[0][1] == pytest.approx(box.bottom(), abs=1)  # +x2 up
    assert y_labels[-1][1] == pytest.approx(box.top(), abs=1)
    # a wheel or a drag moves nothing
    canvas = view.canvas
    assert not canvas.isInteractive()
    at, none = QPointF(100, 100), Qt.MouseButton.NoButton
    phase = Qt.ScrollPhase.NoScrollPhase
    wheel = QWheelEvent(
        at, at, QPoint(0, 0), QPoint(0, 240), none, Qt.KeyboardModifier(0), phase, False
    )
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.mapToScene(0, 0) == QPointF(0, 0)
    assert probe.plot_rect(view) == box


def test_height_follows_width(view):
    assert view.hasHeightForWidth()
    assert view.heightForWidth(400) == 400 - 36 + 30  # a square plus the axes


def output_snapshots():
    circle = Trainer(Config(dataset="circle", hidden=(3,)))
    circle.train(5)
    plane = Trainer(Config(dataset="plane", hidden=(2,)))
    spirals = Trainer(Config(dataset="spirals", classes=3, loss="cross-entropy", hidden=(4,)))
    return [t.snapshot(grid_resolution=40) for t in (circle, plane, spirals)]


def test_qt_paints_the_output_view_without_python(view, qtbot):
    """No Python paint() or paintEvent(): painting leaves the GIL to the trainer (canvas.py)."""
    assert python_painters(view.canvas) == []
    view.set_show_test(True)
    shown(view, qtbot)
    for snap in output_snapshots():
        view.set_snapshot(snap)
        view.show_neuron(1, 0)
        view.set_discretize(True)
        view.canvas.viewport().repaint()
        assert python_painters(view.canvas) == []
        view.show_neuron(-1, -1)
        view.set_discretize(False)
    kinds = {type(item).__name__ for item in view.canvas.scene().items()}
    assert kinds <= {"QGraphicsPixmapItem", "QGraphicsRectItem", "QGraphicsPathItem",
                     "QGraphicsSimpleTextItem"}  # fmt: skip


def test_qt_paints_the_loss_view_without_python(loss_view, qtbot):
    assert python_painters(loss_view.canvas) == []
    shown(loss_view, qtbot)
    for snap in output_snapshots():
        for log in (False, True, False):
            loss_view.set_log_scale(log)
            loss_view.set_snapshot(snap)
            loss_view.canvas.viewport().repaint()
            assert python_painters(loss_view.canvas) == []
    loss_view.set_log_scale(True)
    assert python_painters(loss_view.canvas) == []


# --- the loss plot ------------------------------------------------------------------


def with_history(snap, train, test, epoch=None, **metrics):
    n = len(train)
    history = History(
        epochs=np.arange(n, dtype=float),
        train_loss=np.asarray(train, dtype=float),
        test_loss=np.asarray(test, dtype=float),
    )
    values = {"epoch": n - 1, "train_loss": train[-1], "test_loss": test[-1]}
    values.update(metrics)
    return replace(snap, history=history, epoch=epoch or n - 1, metrics=Metrics(**values))


def test_loss_curves_show_the_cleaned_history(loss_view):
    t = Trainer(Config())
    t.train(30)
    snap = t.snapshot()
    loss_view.set_snapshot(snap)
    h = snap.history
    x, y = probe.curve_data(loss_view, "train")
    assert np.array_equal(x, h.epochs)
    assert np.array_equal(y, h.train_loss)
    assert np.array_equal(probe.curve_data(loss_view, "test")[1], h.test_loss)
    # NaN and inf (a diverged run) are left out
    train = [0.5, 0.4, np.nan, 0.3, np.inf]
    loss_view.set_snapshot(with_history(replace(snap, generation=99), train, [0.6] * 5))
    assert probe.curve_data(loss_view, "train")[0].tolist() == [0.0, 1.0, 3.0]
    assert probe.curve_data(loss_view, "train")[1].tolist() == [0.5, 0.4, 0.3]
    assert probe.curve_data(loss_view, "test")[1].tolist() == [0.6] * 5


def curve_pixels(loss_view, name):
    path = probe.curve_path(loss_view, name)
    return np.array(
        [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]
    )


def test_loss_curves_are_drawn_where_the_data_is(loss_view, qtbot):
    train = list(np.linspace(0.7, 0.1, 300))
    loss_view.set_snapshot(with_history(Trainer(Config()).snapshot(), train, [0.5] * 300))
    image = shown(loss_view, qtbot)
    box = probe.plot_rect(loss_view)
    (x0, x1), (y0, y1) = probe.view_range(loss_view)
    for name in ("train", "test"):
        x, y = probe.curve_data(loss_view, name)
        px = curve_pixels(loss_view, name)
        assert len(px) == len(x)
        assert np.allclose(px[:, 0], box.left() + (x - x0) / (x1 - x0) * box.width())
        assert np.allclose(px[:, 1], box.bottom() - (y - y0) / (y1 - y0) * box.height())
    # on screen: the dark test curve at 0.5, the grey train curve under it
    top = loss_view.canvas.mapTo(loss_view, QPoint(0, 0))
    test_y = box.bottom() - (0.5 - y0) / (y1 - y0) * box.height() + top.y()
    x = box.left() + 0.5 * 299 / (x1 - x0) * box.width() + top.x()
    assert QColor(image.pixel(int(x), round(test_y))).lightness() < 80
    train_y = box.bottom() - (0.4 - y0) / (y1 - y0) * box.height() + top.y()
    grey = QColor(image.pixel(int(x), round(train_y)))
    assert 100 < grey.lightness() < 200


def test_loss_curves_follow_a_resize(loss_view, qtbot):
    rng = np.random.default_rng(0)
    n = 50_000
    train = np.exp(-np.arange(n) / 10_000) + 0.01 * rng.random(n)
    loss_view.set_snapshot(with_history(Trainer(Config()).snapshot(), train, train))
    assert len(probe.curve_data(loss_view, "train")[0]) > 1900  # not laid out: the most
    shown(loss_view, qtbot)
    qtbot.waitUntil(lambda: len(probe.curve_data(loss_view, "train")[0]) < 1000)  # 2 per px column
    narrow = len(probe.curve_data(loss_view, "train")[0])
    loss_view.resize(600, 400)
    qtbot.waitUntil(lambda: len(probe.curve_data(loss_view, "train")[0]) > narrow)
    box = probe.plot_rect(loss_view)
    assert box.width() > 500
    assert len(probe.curve_data(loss_view, "train")[0]) <= 2 * box.width() + 4
    px = curve_pixels(loss_view, "train")
    assert px[0, 0] == pytest.approx(box.left()) and px[:, 0].max() <= box.right()
    assert px[:, 1].min() >= box.top() and px[:, 1].max() <= box.bottom()
    x_labels = probe.tick_labels(loss_view, "x")
    assert x_labels[0][1] == pytest.approx(box.left(), abs=1)


def test_long_histories_are_decimated_keeping_spikes(loss_view):
    rng = np.random.default_rng(0)
    n = 100_000
    train = np.exp(-np.arange(n) / 20_000) + 0.01 * rng.random(n)
    train[54_321] = 7.0  # a spike must survive
    snap = with_history(Trainer(Config()).snapshot(), train, train / 2)
    loss_view.set_snapshot(snap)
    x, y = probe.curve_data(loss_view, "train")
    assert len(x) <= 2000
    assert y.max() == 7.0 and x[np.argmax(y)] == 54_321
    assert x[0] == 0 and x[-1] == n - 1 and (np.diff(x) > 0).all()


@pytest.mark.parametrize("n", [2001, 2500, 10_007, 123_457])
def test_decimate_bounds_points_and_keeps_extremes(n):
    rng = np.random.default_rng(n)
    x, y = np.arange(n, dtype=float), rng.standard_normal(n)
    for limit in (2000, 600):
        dx, dy = decimate(x, y, limit)
        assert len(dx) <= limit
        assert dy.min() == y.min() and dy.max() == y.max()
        assert dx[0] == 0 and dx[-1] == n - 1 and (np.diff(dx) > 0).all()
        assert np.array_equal(dy, y[dx.astype(int)])
    short_x, short_y = x[:50], y[:50]
    assert decimate(short_x, short_y, 600) == (short_x, short_y)  # short: untouched


def test_clean_drops_non_finite_and_non_positive():
    x = np.arange(5.0)
    y = np.array([1.0, np.nan, 0.0, -np.inf, 2.0])
    assert clean(x, y)[1].tolist() == [1.0, 0.0, 2.0]
    assert clean(x, y, positive=True)[0].tolist() == [0.0, 4.0]


def test_log_scale_toggles(loss_view, qtbot):
    snap = with_history(Trainer(Config()).snapshot(), [1.0, 0.1, 0.0, 0.001], [1.0] * 4)
    shown(loss_view, qtbot)
    loss_view.set_snapshot(snap)
    assert probe.curve_data(loss_view, "train")[1].tolist() == [1.0, 0.1, 0.0, 0.001]
    assert not probe.log_scale(loss_view)
    linear = [text for text, _ in probe.tick_labels(loss_view, "y")]
    assert linear == ["0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2"]  # up to 1.02: 1.2
    loss_view.set_log_scale(True)
    assert probe.log_scale(loss_view)
    # log10, and the zero (which has no logarithm) left out
    assert np.allclose(probe.curve_data(loss_view, "train")[1], [0.0, -1.0, -3.0])
    assert probe.curve_data(loss_view, "train")[0].tolist() == [0.0, 1.0, 3.0]
    assert probe.view_range(loss_view)[1] == (-3.0, 0.0)
    # decades, in plain numbers, bottom to top
    labels = sorted(probe.tick_labels(loss_view, "y"), key=lambda label: -label[1])
    assert [text for text, _ in labels] == ["0.001", "0.01", "0.1", "1"]
    loss_view.set_log_scale(False)
    assert not probe.log_scale(loss_view)
    assert probe.curve_data(loss_view, "train")[1].tolist() == [1.0, 0.1, 0.0, 0.001]
    assert [text for text, _ in probe.tick_labels(loss_view, "y")] == linear


def test_log_scale_labels_2_and_5_when_decades_are_few(loss_view, qtbot):
    shown(loss_view, qtbot)
    snap = with_history(Trainer(Config()).snapshot(), [0.9, 0.3, 0.15], [0.8, 0.4, 0.2])
    loss_view.set_log_scale(True)
    loss_view.set_snapshot(snap)
    assert probe.view_range(loss_view)[1] == (-1.0, 0.0)
    labels = sorted(probe.tick_labels(loss_view, "y"), key=lambda label: -label[1])
    assert [text for text, _ in labels] == ["0.1", "0.2", "0.5", "1"]


def test_tick_choices():
    assert linear_ticks(0, 0.6, 90, 20) == ([0.0, 0.2, 0.4, 0.6000000000000001], 0.2)
    assert linear_ticks(0, 400, 300, 40)[0] == [0, 100, 200, 300, 400]
    assert linear_ticks(0, 120, 300, 30)[0] == [0, 20, 40, 60, 80, 100, 120]  # 7, not 3
    assert linear_ticks(0, 120, 100, 30)[0] == [0, 50, 100]  # no room for 7
    assert len(linear_ticks(0, 1.0, 200, 20)[0]) == 6
    assert log_ticks(-3.0, 0.0) == ([-3.0, -2.0, -1.0, 0.0], [])
    major, minor = log_ticks(-1.0, 0.5)
    assert major == [-1.0, 0.0] and np.allclose(10 ** np.array(minor), [0.2, 0.5, 2.0])
    major, minor = log_ticks(-0.5, 0.0)  # half a decade: finer still
    assert major == [0.0] and np.allclose(10 ** np.array(minor), [0.4, 0.5, 0.7])
    assert format_ticks([0, 0.2, 0.4], 0.2) == ["0", "0.2", "0.4"]
    assert format_ticks([0, 0.05, 0.1], 0.05) == ["0", "0.05", "0.10"]
    assert format_ticks([0, 300, 600], 300) == ["0", "300", "600"]
    # one format per axis: epochs in k (or M) once the largest tick is big
    assert format_ticks([0, 2000, 4000, 6000, 8000, 10000], 2000, suffixes=True) == [
        "0", "2k", "4k", "6k", "8k", "10k"
    ]  # fmt: skip
    assert format_ticks([0, 1e6, 2e6], 1e6, suffixes=True) == ["0", "1M", "2M"]
    assert format_ticks([0, 2000, 4000], 2000) == ["0", "2000", "4000"]  # a loss: no suffix
    assert format_ticks([0, 1e296, 2e296], 1e296) == ["0", "1e296", "2e296"]
    assert format_ticks([0, 5e5, 1e6, 1.5e6], 5e5) == ["0", "5e5", "1e6", "1.5e6"]
    assert format_ticks([0, 1e-9, 2e-9], 1e-9) == ["0", "1e-9", "2e-9"]


def test_readouts(loss_view):
    base = Trainer(Config()).snapshot()
    snap = with_history(
        base, [0.5, 0.041], [0.6, 0.0571234], epoch=412, train_accuracy=0.99, test_accuracy=0.984
    )
    loss_view.set_snapshot(snap)
    assert probe.readout_texts(loss_view) == [
        "Epoch 000,412",
        "Test loss 0.057",
        "Training loss 0.041",
        "Test accuracy 98.4 %",
        "Training accuracy 99.0 %",
    ]
    regression = Trainer(Config(dataset="plane")).snapshot()
    loss_view.set_snapshot(with_history(regression, [0.2, 0.001234], [0.3, 0.0025]))
    texts = probe.readout_texts(loss_view)
    assert texts[1:] == ["Test loss 0.002500", "Training loss 0.001234"]
    assert loss_view.test_accuracy.isHidden() and loss_view.train_accuracy.isHidden()


def test_number_formats():
    assert format_loss(0.0571234) == "0.057"
    assert format_loss(1.5) == "1.500"
    assert format_loss(0.001234) == "0.001234"  # four significant digits when small
    assert format_loss(0.0) == "0.000"
    assert format_loss(3.2e-7) == "3.200e-07"
    assert format_loss(123456.789) == "1.235e+05"  # scientific from 10^5: 10 characters at most
    assert format_loss(float("nan")) == "NaN"
    assert format_loss(float("inf")) == "∞"
    assert format_accuracy(0.984) == "98.4 %"
    assert format_accuracy(None) == "—"
    assert format_epoch(412) == "000,412"
    assert format_epoch(1_234_567) == "1,234,567"


def test_curves_are_throttled_but_catch_up(loss_view, qtbot):
    t = Trainer(Config())
    loss_view.curve_interval_ms = 200
    loss_view.set_snapshot(t.snapshot())  # a new run: drawn at once
    assert len(probe.curve_data(loss_view, "train")[0]) == 1
    t.train(3)
    loss_view.set_snapshot(t.snapshot())
    assert probe.readout_texts(loss_view)[0] == "Epoch 000,003"  # read-outs at once
    assert len(probe.curve_data(loss_view, "train")[0]) == 1  # the curve waits, then draws:
    qtbot.waitUntil(lambda: len(probe.curve_data(loss_view, "train")[0]) == 4, timeout=2000)
    assert probe.curve_path(loss_view, "train").elementCount() == 4


def test_loss_view_range_holds_the_data_and_grows_in_steps(loss_view):
    assert [nice_ceiling(v) for v in (0.43, 1.0, 101, 151, 9000)] == [0.5, 1.0, 120, 200, 10_000]
    base = Trainer(Config()).snapshot()
    train = list(np.linspace(0.7, 0.1, 412))
    loss_view.set_snapshot(with_history(base, train, train))
    (x0, x1), (y0, y1) = probe.view_range(loss_view)
    assert x0 <= 0 and 411 <= x1 <= 600 and y0 <= 0 and 0.7 <= y1 <= 1.0
    labels = {axis: probe.tick_labels(loss_view, axis) for axis in "xy"}
    loss_view.set_snapshot(with_history(base, [*train, 0.09], [*train, 0.09]))
    assert probe.view_range(loss_view)[0] == (x0, x1)  # no change per epoch
    assert {axis: probe.tick_labels(loss_view, axis) for axis in "xy"} == labels


# --- thumbnails ---------------------------------------------------------------------


def colour_counts(image, x0, y0, x1, y1):
    blue = orange = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            c = image.pixelColor(x, y)
            blue += c.blue() > 150 and c.red() < 80
            orange += c.red() > 200 and c.blue() < 100
    return blue, orange


def test_thumbnail_is_right_side_up(qapp):
    pixmap = dataset_pixmap("gauss", 64)
    image = pixmap.toImage()
    w, h = image.width(), image.height()
    assert w == h == round(64 * pixmap.devicePixelRatio())
    # class 1 (blue) lies around (2, 2): upper right; class 0 (orange) lower left
    upper_right = colour_counts(image, w // 2, 0, w, h // 2)
    lower_left = colour_counts(image, 0, h // 2, w // 2, h)
    assert upper_right[0] > 30 and upper_right[1] == 0
    assert lower_left[1] > 30 and lower_left[0] == 0
    # a light background and a border
    assert image.pixelColor(w // 2, 1).lightness() > 230
    assert image.pixelColor(0, h // 2).lightness() < image.pixelColor(3, h // 2).lightness()


def test_thumbnails_are_cached_and_sized(qapp):
    a = dataset_pixmap("spiral", 48)
    assert dataset_pixmap("spiral", 48) is a
    assert dataset_icon("spiral", 48) is dataset_icon("spiral", 48)
    assert dataset_pixmap("spiral", 64) is not a
    ratio = a.devicePixelRatio()
    assert ratio >= 1 and a.width() == round(48 * ratio)
    icon = dataset_icon("blobs", 48, 4)
    assert not icon.isNull()
    assert icon.pixmap(48, 48).deviceIndependentSize().width() == 48

    # the class count is part of the key: 4 blobs paint a 4th colour, 3 do not
    def has_fourth_colour(k):
        image = dataset_pixmap("blobs", 64, k).toImage()
        purple = QColor(colors.CLASS_COLORS[3])
        return any(
            image.pixelColor(x, y) == purple
            for x in range(image.width())
            for y in range(image.height())
        )

    assert has_fourth_colour(4) and not has_fourth_colour(3)


@pytest.mark.parametrize("name", ["circle", "spirals", "plane", "multi-gauss", "line"])
def test_every_kind_of_dataset_has_a_picture(qapp, name):
    image = dataset_pixmap(name, 40, 3).toImage()
    corner = image.pixelColor(image.width() // 2, image.height() // 2)
    assert not image.isNull() and corner.isValid()


# --- a look at it all -----------------------------------------------------------------


def test_views_render_to_png(qtbot, tmp_path):
    t = Trainer(Config(dataset="spiral", hidden=(8, 8)))
    t.train(20)
    snap = t.snapshot(grid_resolution=R)
    out, loss = OutputView(), LossView()
    for w, size in ((out, (360, 360)), (loss, (360, 300))):
        qtbot.addWidget(w)
        w.resize(*size)
        w.set_snapshot(snap)
        w.show()
        qtbot.waitExposed(w)
    out.set_show_test(True)
    for name, w in (("output", out), ("loss", loss)):
        path = tmp_path / f"{name}.png"
        assert w.grab().save(str(path))
        image = w.grab().toImage()
        seen = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 200, 7)}
        assert len(seen) > 10, f"{name} view looks blank"


def test_a_diverged_run_draws_without_complaint(qtbot):
    """NaN and inf everywhere: no warnings (they are errors here), no exceptions."""
    t = Trainer(Config(hidden=(3,), activation="relu"))
    snap = t.snapshot(grid_resolution=20)
    broken = tuple(np.full_like(a, np.nan) for a in snap.grids.layers)
    broken[1][:5] = np.inf
    snap = replace(snap, grids=Grids(20, broken))
    snap = with_history(snap, [np.nan, np.inf], [np.nan, np.nan])
    out, loss = OutputView(), LossView()
    for w in (out, loss):
        qtbot.addWidget(w)
        w.resize(300, 300)
        w.set_snapshot(snap)
        w.show()
        qtbot.waitExposed(w)
    out.show_neuron(1, 0)
    loss.set_log_scale(True)
    for w in (out, loss):
        assert not w.grab().toImage().isNull()
    assert len(probe.curve_data(loss, "train")[0]) == 0
    assert probe.curve_path(loss, "train").isEmpty()
    assert probe.readout_texts(loss)[1:3] == ["Test loss NaN", "Training loss ∞"]


def test_k_class_squared_error_draws_the_winning_class(qtbot):
    """K tanh outputs: the picture shows the argmax class, as the engine predicts."""
    t = Trainer(Config(dataset="blobs", classes=3, loss="mse", hidden=(), features=("x1", "x2")))
    t.network.weight(0)[...] = [[0.0, 0.0], [0.0, 0.0], [3.0, 0.0]]  # class 2 grows with x1
    t.network.bias(0)[...] = (0.5, -0.5, -0.5)  # class 0 wins where x1 < 0
    view = OutputView()
    qtbot.addWidget(view)
    view.set_snapshot(t.snapshot(grid_resolution=20))
    rgba = probe.image_values(view)[0].astype(float)

    def hue_class(pixel) -> int:
        # a class colour blended toward white: 255 - pixel points along 255 - colour
        away = 255.0 - pixel[:3]
        dirs = [255.0 - np.array(QColor(c).getRgb()[:3]) for c in colors.CLASS_COLORS[:3]]
        cos = [away @ d / (np.linalg.norm(away) * np.linalg.norm(d)) for d in dirs]
        return int(np.argmax(cos))

    assert hue_class(rgba[10, 18]) == 2 and hue_class(rgba[10, 1]) == 0


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("top", [1.5e6, 7.3e-9, 4.2e5, 1e300])
def test_every_number_fits_its_place(loss_view, qtbot, log, top):
    # the y labels stay inside the narrow axis, the fixed-size read-outs hold the
    # longest numbers they can be given
    shown(loss_view, qtbot)
    loss_view.set_log_scale(log)
    curve = list(np.linspace(top, top / 3, 50))
    snap = with_history(Trainer(Config()).snapshot(), curve, curve)
    loss_view.set_snapshot(snap)
    ys = [item for item in loss_view._axes._labels if item.data(0) == "y"]
    axis = probe.plot_rect(loss_view).left()
    assert ys and all(
        0 <= item.sceneBoundingRect().left() < item.sceneBoundingRect().right() < axis
        for item in ys
    )
    for value in (top, 1.797e308, 123456.789, 5e-100, 0.0004687):
        loss_view.test_loss.set_value(format_loss(value))
        label = loss_view.test_loss.value_label
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
