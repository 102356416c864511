"""Issue 10, the views' part: the graph's words fit every size a screen gives it,
the legend says in full what the drawing leaves out, no stray pixels after a
new architecture, a loss plot that survives a blow-up, clean pictures, class
colours on the class outputs, and read-outs that count from 1."""

import itertools
from dataclasses import replace

import numpy as np
import pytest
import view_probes as probe
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QEnterEvent, QImage
from PySide6.QtWidgets import QApplication, QGraphicsView

from playground import Config, Trainer
from playground.core.config import FEATURES
from playground.core.snapshot import History, Metrics
from playground.views import colors
from playground.views.loss_view import LossView
from playground.views.network_view import NetworkView
from playground.views.output_view import OutputView
from playground.views.picture import build_picture, render_snapshot

TF7 = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
DENSE_NOTE = "dense layers: only the 384 strongest edges"
MATRIX_NOTE = "dense layers as weight matrices: zoom in for edges"
ARCHITECTURES = {
    "no-hidden": dict(hidden=()),
    "4-2": dict(hidden=(4, 2)),
    "6x8": dict(hidden=(8,) * 6, features=TF7),
    "16x64": dict(hidden=(64,) * 16, features=TF7),
    "8x32": dict(hidden=(32,) * 8, features=TF7),
    "8-classes": dict(hidden=(1,), dataset="blobs", classes=8),
}
# from a 1024 x 768 screen's share up to a large monitor's
WIDTHS = (360, 420, 480, 560, 640, 720, 900, 1200, 1600)
HEIGHTS = (260, 300, 330, 400, 510, 700, 1000)


def snapshot(**fields):
    fields.setdefault("features", ("x1", "x2"))
    return Trainer(Config(**fields)).snapshot(grid_resolution=20)


@pytest.fixture
def view(network_view):
    return network_view


def crowding(view: NetworkView) -> list[str]:
    """What is wrong with the graph's words and buttons at the view's size."""
    bounds = QRectF(0, 0, view.width(), view.height())
    texts = probe.texts(view)
    found = [f"{t!r} sticks out at {r.getRect()}" for t, r in texts if not bounds.contains(r)]
    for (a, ra), (b, rb) in itertools.combinations(texts, 2):
        if ra.intersects(rb):
            found.append(f"{a!r} overlaps {b!r}")
    for button in probe.buttons(view):
        box = QRectF(button.geometry())
        if not bounds.contains(box):
            found.append(f"a {button.text()} button sticks out at {box.getRect()}")
        found += [f"a {button.text()} button covers {t!r}" for t, r in texts if box.intersects(r)]
    return found


# --- 15: every size a screen gives the graph ----------------------------------------------


@pytest.mark.parametrize("interactive", [True, False], ids=["window", "picture"])
@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_words_and_buttons_fit_at_every_size(view, name, interactive):
    """At 1280 x 720 the graph gets about 560 x 330 px, at 1024 x 768 about
    420 x 300: titles, names, counts and the legend never overlap or stick out,
    and the + / − buttons stay inside, over no text."""
    if not interactive:
        view.set_interactive(False)
    view.set_snapshot(snapshot(**ARCHITECTURES[name]))
    for w, h in itertools.product(WIDTHS, HEIGHTS):
        view.resize(w, h)
        assert crowding(view) == [], f"{name} at {view.width()} x {view.height()}"
        assert (view.width(), view.height()) == (w, h)  # its minimum lets it be this small
        assert all(len(text) > 0 and "…" not in text for text, _ in probe.texts(view))


def test_crowded_titles_shorten_and_counts_stagger(view):
    view.set_snapshot(snapshot(hidden=(64,) * 16, features=TF7))
    view.resize(360, 260)
    shown = probe.texts(view)
    assert {"FEATURES", "OUTPUT"} <= {t for t, _ in shown}
    counts = [r for t, r in shown if t == "64"]
    assert len(counts) == 16 and len({r.top() for r in counts}) == 2  # on two rows
    assert min(r.height() for r in counts) >= 10  # 9 px type at least
    view.set_snapshot(snapshot(hidden=(4, 2)))
    view.resize(1200, 700)
    assert "2 HIDDEN LAYERS" in [t for t, _ in probe.texts(view)]
    assert "4 neurons" in [t for t, _ in probe.texts(view)]


def test_the_output_and_loss_views_fit_a_small_screen(qtbot):
    """The Output dock's views at a 1024 x 768 screen's share: the loss read-outs
    shrink to fit rather than hold the window wide, whole and inside the view."""
    output, loss = OutputView(), LossView()
    for w in (output, loss):
        qtbot.addWidget(w)
        w.show()
    assert output.minimumSizeHint().width() <= 160 and output.minimumWidth() <= 160
    assert loss.minimumSizeHint().width() <= 260 and loss.minimumWidth() <= 260
    snap = with_history(snapshot(dataset="blobs", classes=3), [0.5, 1.234e5], [0.6, 0.0004687])
    loss.set_snapshot(replace(snap, metrics=replace(snap.metrics, test_accuracy=1.0)))
    for width in (260, 300, 340, 420):
        loss.resize(width, 300)
        QApplication.processEvents()
        assert loss.width() == width
        for readout in (loss.test_loss, loss.train_loss, loss.test_accuracy):
            label = readout.value_label
            box = QRect(label.mapTo(loss, QPoint(0, 0)), label.size())
            assert loss.rect().contains(box), f"{readout.caption} cut at {width} px"
            assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
            assert label.font().pointSizeF() >= 11  # still big print


# --- 16: the legend is never cut ----------------------------------------------------------


@pytest.mark.parametrize("width", [360, 420, 560, 720, 900, 1440])
def test_the_legend_says_in_full_which_edges_are_left_out(view, width):
    view.set_snapshot(snapshot(hidden=(32,) * 8, features=TF7))
    view.resize(width, 500)
    legend = probe.legend_texts(view)
    # nodes under 12 px apart: weight matrices; further apart: the strongest edges
    note = MATRIX_NOTE if view._layout.columns[1].step < 12 else DENSE_NOTE
    assert any(note in line for line in legend), legend
    assert not any("…" in line for line in legend)
    assert crowding(view) == []
    view.set_snapshot(snapshot(hidden=(4, 2)))  # nothing left out: nothing said
    assert not any("dense" in line for line in probe.legend_texts(view))


def test_the_legend_wraps_rather_than_cuts(view):
    view.set_snapshot(snapshot(hidden=(4, 2)))
    view.resize(1200, 600)
    assert len(probe.legend_texts(view)) == 1
    wide = probe.node_rect(view, 1, 0)
    view.resize(560, 600)
    legend = " · ".join(probe.legend_texts(view))
    assert len(probe.legend_texts(view)) == 2
    for part in ("weights, biases, outputs", "line width = |weight|", "corner square = bias"):
        assert part in legend
    assert probe.node_rect(view, 1, 0).height() <= wide.height()  # the graph made room


# --- 17: no stray pixels ------------------------------------------------------------------


def pixels(image: QImage) -> np.ndarray:
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    rgb = rows[:, : 4 * image.width()].reshape(image.height(), image.width(), 4)[..., :3]
    return rgb.copy()  # the image's memory goes with it


def stray_pixels(qtbot, view) -> np.ndarray:
    """Where the screen differs from a fresh view of the same snapshot, after a
    paint of another part of the canvas came first (True: a stray pixel)."""
    view.canvas.viewport().repaint(QRect(0, 0, 4, 4))  # a paint of another part first
    qtbot.wait(50)
    fresh = NetworkView()
    qtbot.addWidget(fresh)
    fresh.resize(view.size())
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.set_snapshot(view._snap)
    qtbot.wait(50)
    shown, expected = pixels(probe.on_screen(view)), pixels(probe.on_screen(fresh))
    assert shown.shape == expected.shape
    differ = np.any(shown != expected, axis=2)
    for button in probe.buttons(view):  # one may look hovered: the pointer is somewhere
        r = button.geometry()
        differ[r.top() : r.bottom() + 1, r.left() : r.right() + 1] = False
    return differ


@pytest.mark.parametrize(
    "before, after", [((4, 4, 4, 4), (4,)), ((8, 8, 8), ()), ((6, 6, 6), (6, 6))]
)
def test_a_new_architecture_leaves_no_stray_pixels(qtbot, view, before, after):
    """Edges and tiles of the old architecture must not stay on the screen, even
    when part of the canvas is painted before Qt has taken in the change (a +/−
    button over it repainting, as in the window): what the screen shows is what
    a fresh view of the same snapshot shows."""

    def snap(hidden):
        t = Trainer(Config(hidden=hidden, features=("x1", "x2")))
        rng = np.random.default_rng(len(hidden))
        for i in range(t.network.num_layers):
            t.network.weight(i)[:] = rng.normal(0.0, 2.0, t.network.weight(i).shape)
        return t.snapshot(grid_resolution=20)

    view.set_snapshot(snap(before))
    qtbot.wait(50)
    view.set_snapshot(snap(after))
    assert int(stray_pixels(qtbot, view).sum()) == 0


# --- 18: a loss plot after a blow-up -------------------------------------------------------


def with_history(snap, train, test):
    n = len(train)
    history = History(
        epochs=np.arange(n, dtype=float),
        train_loss=np.asarray(train, dtype=float),
        test_loss=np.asarray(test, dtype=float),
    )
    metrics = Metrics(epoch=n - 1, train_loss=train[-1], test_loss=test[-1])
    return replace(snap, history=history, epoch=n - 1, metrics=metrics)


BLOW_UP = [*np.linspace(0.6, 0.12, 40), 0.2, 3.0, 80.0, 5e3, 1e30, 1e290, np.inf, np.nan]
BLOW_UP += list(np.linspace(0.12, 0.08, 12))  # rolled back, trained on


def test_with_the_pointer_over_it_new_weights_leave_no_stray_pixels(qtbot, view):
    """With the pointer over the view, where the +/− buttons repaint over the
    canvas, the canvas repaints in full, and a frame while training (edges change
    bucket, no new layout) shows what a fresh view shows; with the pointer
    elsewhere it repaints only what changed (cheaper: no buttons repaint there)."""
    mode = QGraphicsView.ViewportUpdateMode
    trainer = Trainer(Config(hidden=(6, 6), features=("x1", "x2", "x1x2")))
    view.set_snapshot(trainer.snapshot(grid_resolution=20))
    qtbot.wait(50)
    QApplication.sendEvent(view, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    assert view.canvas.viewportUpdateMode() == mode.FullViewportUpdate
    rng = np.random.default_rng(3)
    for i in range(trainer.network.num_layers):
        trainer.network.weight(i)[:] = rng.normal(0.0, 3.0, trainer.network.weight(i).shape)
    view.set_snapshot(trainer.snapshot(grid_resolution=20))
    differ = stray_pixels(qtbot, view)
    assert not differ.any(), f"{int(differ.sum())} pixels differ"
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert view.canvas.viewportUpdateMode() == mode.MinimalViewportUpdate


@pytest.fixture
def loss_view(qtbot):
    v = LossView()
    qtbot.addWidget(v)
    v.resize(400, 300)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.mark.parametrize("log", [False, True])
def test_the_loss_plot_shows_the_ordinary_part_of_a_run_that_blew_up(loss_view, log):
    loss_view.set_log_scale(log)
    loss_view.set_snapshot(with_history(snapshot(), BLOW_UP, BLOW_UP))
    (_, top) = probe.view_range(loss_view)[1]
    assert top <= (2.0 if log else 5.0)  # 0.6 .. 0.08 fills the plot, not 1e290
    assert probe.off_scale_note(loss_view) == "▲ off scale: up to 1e290"
    box = probe.plot_rect(loss_view)
    path = probe.curve_path(loss_view, "train")
    ys = [path.elementAt(i).y for i in range(path.elementCount())]
    assert min(ys) >= box.top() - 0.5  # the runaway part runs along the top edge
    # an ordinary run: scaled to all of it, no note
    ordinary = list(np.linspace(0.7, 0.05, 60))
    later = replace(snapshot(), generation=99)  # a new run: its curves drawn at once
    loss_view.set_snapshot(with_history(later, ordinary, ordinary))
    assert probe.off_scale_note(loss_view) == ""
    assert probe.view_range(loss_view)[1][1] >= (np.log10(0.7) if log else 0.7)


# --- 23: clean pictures --------------------------------------------------------------------


def test_pictures_have_no_buttons_hint_or_read_out(qtbot, tmp_path):
    t = Trainer(Config(hidden=(4, 2), features=("x1", "x2")))
    t.train(5)
    snap = t.snapshot(grid_resolution=30)
    picture = build_picture(snap)
    try:
        network = picture.findChild(NetworkView)
        hidden_buttons = [b for b in network.findChildren(type(network.add_layer_button))]
        assert len(hidden_buttons) >= 6 and not probe.buttons(network)
        assert not any("click" in line for line in probe.legend_texts(network))
        probe.hover_at(network, probe.node_rect(network, 1, 0).center())
        probe.click_at(network, probe.node_rect(network, 1, 0).center())
        assert probe.hover_text(network) == "" and probe.editor(network) is None
        places = [QRect(b.mapTo(picture, QPoint(0, 0)), b.size()) for b in hidden_buttons]
        places = [r for r in places if r.width() > 0]
    finally:
        picture.close()
        picture.deleteLater()
    path = tmp_path / "picture.png"
    render_snapshot(snap, path)
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    background = QColor("#fcfcfd").rgb()
    for r in places:  # where the buttons would be: the plain background
        xs, ys = range(r.left(), r.right() + 1), range(r.top(), r.bottom() + 1)
        seen = {image.pixel(x, y) for x in xs for y in ys}
        assert seen == {background}, r


# --- 24: class colours ---------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["cross-entropy", "mse"])
def test_class_outputs_are_drawn_in_their_class_colours(view, loss):
    t = Trainer(Config(dataset="blobs", classes=3, hidden=(), features=("x1", "x2"), loss=loss))
    t.network.weight(0)[:] = 0.0
    for k in range(3):
        t.network.bias(0)[:] = [8.0 if j == k else -8.0 for j in range(3)]  # class k everywhere
        view.set_snapshot(t.snapshot(grid_resolution=20))
        tiles = probe.tile_images(view)[1]
        for j in range(3):
            want = colors.CLASS_COLORS[j] if j == k else colors.ZERO
            rgb = np.array(QColor(want).getRgb()[:3])
            assert np.abs(tiles[j][..., :3].astype(int) - rgb).max() <= 3, (k, j)


# --- 25: read-outs count from 1 ------------------------------------------------------------


def test_read_outs_and_editor_titles_count_from_one(view):
    t = Trainer(Config(dataset="blobs", classes=3, hidden=(3,), features=("x1", "x2")))
    t.network.weight(0)[1, 0] = 0.5
    t.network.bias(0)[1] = -0.25
    t.network.bias(1)[1] = 0.125
    view.set_snapshot(t.snapshot(grid_resolution=20))
    probe.hover_at(view, probe.node_rect(view, 1, 1).center())
    node = probe.hover_text(view).split("\n")
    assert node[:2] == ["bias -0.2500", "hidden layer 1 · neuron 2"]
    assert node[-2:] == ["PyTorch: 0.bias[1]", "click to edit"]
    probe.hover_at(view, probe.node_rect(view, 2, 1).center())
    assert probe.hover_text(view).split("\n")[:2] == ["bias 0.1250", "output · class 2"]
    probe.hover_at(view, probe.edge_point(view, 0, 1, 0))
    edge = probe.hover_text(view).split("\n")
    assert edge[:3] == ["weight 0.5000", "from x₁", "to hidden layer 1 · neuron 2"]
    assert "PyTorch: 0.weight[1, 0]" in edge
    probe.click_at(view, probe.edge_point(view, 0, 1, 0))
    assert probe.editor_title(view).startswith("weight from x₁\nto hidden layer 1 · neuron 2")
    probe.click_at(view, probe.node_rect(view, 2, 2).center())
    assert probe.editor_title(view).startswith("bias of output · class 3")
    for line in node[:-2] + edge[:3]:  # the words for people carry no 0-based index
        assert "[" not in line and "layer 0" not in line
    assert FEATURES[0] == "x1"
