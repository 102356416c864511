"""The output heatmap, the loss plot and the dataset thumbnails, fed real and made-up snapshots."""

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from playground import Config, Trainer
from playground.core.snapshot import Grids, History, Metrics
from playground.views import colors
from playground.views.loss_view import (
    LossView,
    clean,
    decimate,
    format_accuracy,
    format_epoch,
    format_loss,
)
from playground.views.output_view import HEATMAP_ALPHA, OutputView
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


def pixel_at(view: OutputView, image, fx: float, fy: float) -> np.ndarray:
    """RGB of the grabbed widget at a fraction (fx from the left, fy from the TOP) of the
    plotting square: screen positions, whatever the view's own coordinates say."""
    box = view.view_box.sceneBoundingRect()
    scene = QPointF(box.left() + fx * box.width(), box.top() + fy * box.height())
    p = view.plot_widget.mapTo(view, view.plot_widget.mapFromScene(scene))
    c = image.pixelColor(p.x(), p.y())
    return np.array([c.red(), c.green(), c.blue()], dtype=float)


# --- the heatmap ------------------------------------------------------------------


def test_heatmap_is_one_fixed_image_over_the_input_square(view):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    item = view.image_item
    assert item.image.shape == (R, R)
    assert item.levels.tolist() == [-1.0, 1.0]
    assert item.lut.shape == (256, 3) and item.lut.dtype == np.uint8
    rect = item.mapRectToView(item.boundingRect())
    assert rect == QRectF(-6, -6, 12, 12)
    # as TF: the scale at alpha 160 over white
    assert np.allclose(item.lut[-1], faded(colors.POSITIVE), atol=1)
    assert np.allclose(item.lut[0], faded(colors.NEGATIVE), atol=1)


def test_heatmap_is_right_side_up(view, qtbot):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    image = view.image_item.image
    # data: grid rows count up from x2 = -6, and the output is +1 where x2 > 0
    assert (image[R // 2 + 5 :] > 0.9).all() and (image[: R // 2 - 5] < -0.9).all()
    # pixels: the upper half of the picture is blue, the lower half orange
    view.show()
    qtbot.waitExposed(view)
    grab = view.grab().toImage()
    blue, orange = faded(colors.POSITIVE), faded(colors.NEGATIVE)
    for fx in (0.04, 0.96):  # the corners: outside the circle data's points
        assert np.allclose(pixel_at(view, grab, fx, 0.04), blue, atol=6)
        assert np.allclose(pixel_at(view, grab, fx, 0.96), orange, atol=6)


def test_discretize_sends_values_to_the_ends_of_the_scale(view):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    assert (np.abs(view.image_item.image) < 0.9).any()  # a soft edge near x2 = 0
    view.set_discretize(True)
    assert set(np.unique(view.image_item.image)) == {-1.0, 1.0}
    view.set_discretize(False)
    assert (np.abs(view.image_item.image) < 0.9).any()


def test_sigmoid_output_uses_levels_zero_to_one(view):
    _, snap = x2_snapshot(loss="cross-entropy")
    assert snap.config.output_activation == "sigmoid"
    view.set_snapshot(snap)
    item = view.image_item
    assert item.levels.tolist() == [0.0, 1.0]  # p = 0.5 sits on the grey middle entry
    assert item.image.min() >= 0.0 and item.image[-1].min() > 0.99
    view.set_discretize(True)
    assert set(np.unique(item.image)) == {0.0, 1.0}


def test_regression_output_is_clamped(view):
    t = Trainer(Config(dataset="plane", hidden=()))
    t.set_weight(0, 0, 0, 3.0)  # output 3 x1: up to +-18
    t.set_weight(0, 0, 1, 0.0)
    snap = t.snapshot(grid_resolution=R)
    assert np.abs(snap.grids.output).max() > 10
    view.set_snapshot(snap)
    image = view.image_item.image
    assert image.min() == -1.0 and image.max() == 1.0
    assert view.image_item.levels.tolist() == [-1.0, 1.0]
    view.set_discretize(True)  # regression: the sign of the output
    assert set(np.unique(view.image_item.image)) <= {-1.0, 0.0, 1.0}


def test_several_classes_colour_by_the_winner_with_confidence(view):
    t = Trainer(Config(dataset="blobs", classes=3, loss="cross-entropy", hidden=()))
    snap = t.snapshot(grid_resolution=4)
    probs = np.full((4, 4, 3), 1 / 3, dtype=np.float32)  # row 0: no idea
    probs[1] = [1.0, 0.0, 0.0]  # sure of class 0
    probs[2] = [0.0, 0.0, 1.0]  # sure of class 2
    probs[3] = [0.2, 0.6, 0.2]  # class 1, half sure: (0.6 - 1/3) / (2/3) = 0.4
    grids = Grids(4, (*snap.grids.layers[:-1], probs))
    view.set_snapshot(replace(snap, grids=grids))
    image = view.image_item.image
    assert image.shape == (4, 4, 4) and image.dtype == np.uint8
    assert view.image_item.lut is None
    rgb = image[..., :3].astype(float)
    assert np.allclose(rgb[0], 255, atol=1)  # a tie is white
    assert np.allclose(rgb[1], faded(colors.CLASS_COLORS[0]), atol=1)
    assert np.allclose(rgb[2], faded(colors.CLASS_COLORS[2]), atol=1)
    half = 255 - (255 - faded(colors.CLASS_COLORS[1])) * 0.4
    assert np.allclose(rgb[3], half, atol=1.5)
    view.set_discretize(True)  # full-strength class colours
    rgb = view.image_item.image[..., :3].astype(float)
    assert np.allclose(rgb[3], faded(colors.CLASS_COLORS[1]), atol=1)
    assert np.allclose(rgb[1], faded(colors.CLASS_COLORS[0]), atol=1)
    # hovering output neuron 1: that class's probability in its colour
    view.show_neuron(len(grids.layers) - 1, 1)
    rgb = view.image_item.image[..., :3].astype(float)
    assert np.allclose(rgb[3], 255 - (255 - faded(colors.CLASS_COLORS[1])) * 0.6, atol=1.5)
    assert np.allclose(rgb[1], 255, atol=1)  # p = 0 there


def test_show_neuron_switches_the_picture_and_back(view):
    t = Trainer(Config(hidden=(3,)))
    snap = t.snapshot(grid_resolution=R)
    view.set_snapshot(snap)
    output = view.image_item.image.copy()
    view.show_neuron(1, 2)
    assert view.neuron == (1, 2)
    assert np.allclose(view.image_item.image, np.clip(snap.grids.layers[1][..., 2], -1, 1))
    assert not np.allclose(view.image_item.image, output)
    # new snapshots keep showing that neuron
    t.train(5)
    later = t.snapshot(grid_resolution=R)
    view.set_snapshot(later)
    assert np.allclose(view.image_item.image, np.clip(later.grids.layers[1][..., 2], -1, 1))
    # an input feature spans the whole scale (x1 runs over +-6)
    view.show_neuron(0, 0)
    assert view.image_item.levels[1] == pytest.approx(np.abs(later.grids.layers[0][..., 0]).max())
    view.show_neuron(-1, -1)
    assert view.neuron == (-1, -1)
    assert np.allclose(view.image_item.image, np.clip(later.grids.output[..., 0], -1, 1))
    view.show_neuron(5, 0)  # no such layer (the network was rebuilt): the output
    assert np.allclose(view.image_item.image, np.clip(later.grids.output[..., 0], -1, 1))


def test_missing_grids_keep_the_picture(view):
    t, snap = x2_snapshot()
    view.set_snapshot(snap)
    before = view.image_item.image
    t.set_weight(0, 0, 1, -5.0)
    view.set_snapshot(t.snapshot())  # no grids: unchanged since the last ones
    assert view.image_item.image is before
    view.set_snapshot(t.snapshot(grid_resolution=R))
    assert view.image_item.image is not before
    assert view.image_item.image[-1].max() < -0.9  # the new weight flipped it


def test_points_match_the_data_and_test_points_toggle(view, monkeypatch):
    t, snap = x2_snapshot()
    ds = snap.dataset
    view.set_snapshot(snap)
    assert len(view.train_points.data) == len(ds.x_train)
    assert np.allclose(view.train_points.data["x"], ds.x_train[:, 0])
    assert np.allclose(view.train_points.data["y"], ds.x_train[:, 1])
    assert not view.test_points.isVisible() and not view.test_points.isVisibleTo(None)
    shown = [p for p in (view.train_points, view.test_points) if p.isVisible()]
    assert sum(len(p.data) for p in shown) == len(ds.x_train)
    view.set_show_test(True)
    shown = [p for p in (view.train_points, view.test_points) if p.isVisible()]
    assert sum(len(p.data) for p in shown) == len(ds.x_train) + len(ds.x_test)
    # fill by class (class 1 blue, class 0 orange); outlines white for train, dark for test
    brushes = view.train_points.data["brush"]
    for label, brush in zip(ds.y_train[:20], brushes[:20], strict=True):
        want = colors.POSITIVE if label == 1 else colors.NEGATIVE
        assert brush.color().name() == want
    assert view.train_points.opts["pen"].color().name() == "#ffffff"
    assert view.test_points.opts["pen"].color().lightness() < 80
    # the same (immutable) dataset is not sent to the points again
    calls = []
    monkeypatch.setattr(view.train_points, "setData", lambda *a, **k: calls.append(1))
    t.train(1)
    view.set_snapshot(t.snapshot(grid_resolution=R))
    assert calls == []


def test_regression_points_use_the_diverging_scale(view):
    t = Trainer(Config(dataset="plane", hidden=()))
    snap = t.snapshot(grid_resolution=R)
    view.set_snapshot(snap)
    y = snap.dataset.y_train
    i, j = int(np.argmax(y)), int(np.argmin(y))
    brushes = view.train_points.data["brush"]
    assert brushes[i].color().name() == colors.qcolor(y[i]).name()
    assert brushes[j].color().name() == colors.qcolor(y[j]).name()


def test_the_view_is_square_and_does_not_pan(view, qtbot):
    _, snap = x2_snapshot()
    view.set_snapshot(snap)
    view.resize(500, 360)
    view.show()
    qtbot.waitExposed(view)
    box = view.view_box.sceneBoundingRect()
    assert abs(box.width() - box.height()) <= 1
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    assert x0 == pytest.approx(-6, abs=0.05) and x1 == pytest.approx(6, abs=0.05)
    assert y0 == pytest.approx(-6, abs=0.05) and y1 == pytest.approx(6, abs=0.05)
    assert view.view_box.state["mouseEnabled"] == [False, False]
    ticks = view.plot_item.getAxis("bottom")._tickLevels[0]
    assert [v for v, _ in ticks] == [-6, -4, -2, 0, 2, 4, 6]


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
    assert np.array_equal(loss_view.train_curve.xData, h.epochs)
    assert np.array_equal(loss_view.train_curve.yData, h.train_loss)
    assert np.array_equal(loss_view.test_curve.yData, h.test_loss)
    # NaN and inf (a diverged run) are left out
    train = [0.5, 0.4, np.nan, 0.3, np.inf]
    loss_view.set_snapshot(with_history(replace(snap, generation=99), train, [0.6] * 5))
    assert loss_view.train_curve.xData.tolist() == [0.0, 1.0, 3.0]
    assert loss_view.train_curve.yData.tolist() == [0.5, 0.4, 0.3]
    assert loss_view.test_curve.yData.tolist() == [0.6] * 5


def test_long_histories_are_decimated_keeping_spikes(loss_view):
    rng = np.random.default_rng(0)
    n = 100_000
    train = np.exp(-np.arange(n) / 20_000) + 0.01 * rng.random(n)
    train[54_321] = 7.0  # a spike must survive
    snap = with_history(Trainer(Config()).snapshot(), train, train / 2)
    loss_view.set_snapshot(snap)
    x, y = loss_view.train_curve.xData, loss_view.train_curve.yData
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


def test_log_scale_toggles(loss_view):
    snap = with_history(Trainer(Config()).snapshot(), [1.0, 0.1, 0.0, 0.001], [1.0] * 4)
    loss_view.set_snapshot(snap)
    assert loss_view.train_curve.yData.tolist() == [1.0, 0.1, 0.0, 0.001]
    loss_view.set_log_scale(True)
    assert loss_view.log_scale()
    assert loss_view.plot_item.getAxis("left").logMode
    # log10, and the zero (which has no logarithm) left out
    assert np.allclose(loss_view.train_curve.yData, [0.0, -1.0, -3.0])
    assert loss_view.train_curve.xData.tolist() == [0.0, 1.0, 3.0]
    loss_view.set_log_scale(False)
    assert not loss_view.plot_item.getAxis("left").logMode
    assert loss_view.train_curve.yData.tolist() == [1.0, 0.1, 0.0, 0.001]


def test_readouts(loss_view):
    base = Trainer(Config()).snapshot()
    snap = with_history(
        base, [0.5, 0.041], [0.6, 0.0571234], epoch=412, train_accuracy=0.99, test_accuracy=0.984
    )
    loss_view.set_snapshot(snap)
    assert loss_view.readout_texts() == [
        "Epoch 000,412",
        "Test loss 0.057",
        "Training loss 0.041",
        "Test accuracy 98.4 %",
        "Training accuracy 99.0 %",
    ]
    regression = Trainer(Config(dataset="plane")).snapshot()
    loss_view.set_snapshot(with_history(regression, [0.2, 0.001234], [0.3, 0.0025]))
    texts = loss_view.readout_texts()
    assert texts[1:] == ["Test loss 0.002500", "Training loss 0.001234"]
    assert loss_view.test_accuracy.isHidden() and loss_view.train_accuracy.isHidden()


def test_number_formats():
    assert format_loss(0.0571234) == "0.057"
    assert format_loss(1.5) == "1.500"
    assert format_loss(0.001234) == "0.001234"  # four significant digits when small
    assert format_loss(0.0) == "0.000"
    assert format_loss(3.2e-7) == "3.200e-07"
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
    assert len(loss_view.train_curve.xData) == 1
    t.train(3)
    loss_view.set_snapshot(t.snapshot())
    assert loss_view.readout_texts()[0] == "Epoch 000,003"  # read-outs at once
    assert len(loss_view.train_curve.xData) == 1  # the curve waits ...
    qtbot.waitUntil(lambda: len(loss_view.train_curve.xData) == 4, timeout=2000)  # ... then draws


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
    assert len(loss.train_curve.xData) == 0
    assert loss.readout_texts()[1:3] == ["Test loss NaN", "Training loss ∞"]


def test_loss_view_range_holds_the_data_and_grows_in_steps(loss_view):
    from playground.views.loss_view import nice_ceiling

    assert [nice_ceiling(v) for v in (0.43, 1.0, 101, 151, 9000)] == [0.5, 1.0, 120, 200, 10_000]
    base = Trainer(Config()).snapshot()
    train = list(np.linspace(0.7, 0.1, 412))
    loss_view.set_snapshot(with_history(base, train, train))
    (x0, x1), (y0, y1) = loss_view.plot_item.getViewBox().viewRange()
    assert x0 <= 0 and 411 <= x1 <= 600 and y0 <= 0 and 0.7 <= y1 <= 1.0
    loss_view.set_snapshot(with_history(base, [*train, 0.09], [*train, 0.09]))
    assert loss_view.plot_item.getViewBox().viewRange()[0] == [x0, x1]  # no change per epoch


def test_k_class_squared_error_draws_the_winning_class(qtbot):
    """K tanh outputs: the picture shows the argmax class, as the engine predicts."""
    t = Trainer(Config(dataset="blobs", classes=3, loss="mse", hidden=(), features=("x1", "x2")))
    t.network.weight(0)[...] = [[0.0, 0.0], [0.0, 0.0], [3.0, 0.0]]  # class 2 grows with x1
    t.network.bias(0)[...] = (0.5, -0.5, -0.5)  # class 0 wins where x1 < 0
    view = OutputView()
    qtbot.addWidget(view)
    view.set_snapshot(t.snapshot(grid_resolution=20))
    rgba = view.image_item.image.astype(float)

    def hue_class(pixel) -> int:
        # a class colour blended toward white: 255 - pixel points along 255 - colour
        away = 255.0 - pixel[:3]
        dirs = [255.0 - np.array(QColor(c).getRgb()[:3]) for c in colors.CLASS_COLORS[:3]]
        cos = [away @ d / (np.linalg.norm(away) * np.linalg.norm(d)) for d in dirs]
        return int(np.argmax(cos))

    assert hue_class(rgba[10, 18]) == 2 and hue_class(rgba[10, 1]) == 0
