"""The control panels: they show a Config without emitting, and propose changes
that the window (here a stand-in) validates."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.core import config as C
from playground.core.config import Config, ConfigError
from playground.core.initializers import calculate_gain
from playground.panels import (
    ActivationPanel,
    DataPanel,
    InitPanel,
    OptimizerPanel,
    RegularizationPanel,
    RunControls,
)
from playground.panels.fields import Choice, Integer, Number, Slider, Suggest
from playground.panels.widgets import DEBOUNCE_MS, format_number, parse_number

WAIT = DEBOUNCE_MS * 2  # ms: long enough for a debounced change to have fired

# --- helpers ----------------------------------------------------------------------


def make(qtbot, cls, *args):
    panel = cls(*args)
    qtbot.addWidget(panel)
    return panel


def spy(signal):
    got = []
    signal.connect(lambda *a: got.append(a[0] if len(a) == 1 else a))
    return got


def answer_like_the_window(panel):
    """Validate every proposal as the window does: show the new Config, or put
    the shown one back when the Config refuses it.  Returns the refusals."""
    refused = []

    def answer(change):
        try:
            new = panel.config.replace(**change)
        except ConfigError as exc:
            refused.append(str(exc))
            new = panel.config
        panel.set_config(new)

    panel.changed.connect(answer)
    return refused


def choose(combo: QComboBox, value):
    """Pick the item whose data is `value`, as a click in the popup does."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def type_into(qtbot, widget, text: str):
    """Select all, type `text`, press Enter (a spin box, line edit or editable combo)."""
    edit = widget.lineEdit() if isinstance(widget, (QComboBox, QAbstractSpinBox)) else widget
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def item_enabled(combo: QComboBox, value) -> bool:
    item = combo.model().item(combo.findData(value))
    return bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)


def applies(cfg: Config, change: dict) -> Config:
    """The change is acceptable to the Config (raises ConfigError otherwise)."""
    return cfg.replace(**change)


def icon_for(name: str, classes: int, size=64) -> QIcon:
    """A simple dataset icon drawn from the real generator (the views draw the real ones)."""
    import numpy as np

    from playground.core.datasets import generate_points

    colors = [QColor("#f59322"), QColor("#0877bd"), QColor("#2ca02c")]
    points, labels = generate_points(name, 150, 0.0, np.random.default_rng(0), classes)
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#e8eaeb"))
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    for (x, y), label in zip(points, labels, strict=True):
        if name in C.REGRESSION_DATASETS:
            p.setBrush(colors[1] if label > 0 else colors[0])
        else:
            p.setBrush(colors[int(label) % len(colors)])
        p.drawEllipse(QPointF((x + 6) / 12 * size, (6 - y) / 12 * size), 1.6, 1.6)
    p.end()
    return QIcon(pixmap)


def buttons(panel: DataPanel):
    """The dataset thumbnails, by dataset name."""
    return panel.control("dataset").buttons


# --- shared helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [(0.00001, "0.00001"), (0.03, "0.03"), (10.0, "10"), (1e-8, "1e-08"), (0.0, "0"), (2.5, "2.5")],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_parse_number_checks_range():
    assert parse_number(" 0,5 ", 0, 1) == 0.5
    assert parse_number("1e-3", 0, 1) == 0.001
    assert parse_number("2", 0, 1) is None
    assert parse_number("nan", 0, 1) is None
    assert parse_number("abc", 0, 1) is None


# --- DataPanel ----------------------------------------------------------------------


def test_data_panel_shows_config_without_emitting(qtbot):
    panel = make(qtbot, DataPanel, icon_for)
    got = spy(panel.changed)
    cfg = Config(
        dataset="spirals",
        classes=5,
        points=800,
        noise=0.25,
        train_ratio=0.7,
        batch_size=25,
        shuffle=False,
        data_seed=12,
    )
    panel.set_config(cfg)
    batch, seed = panel.control("batch_size"), panel.control("data_seed")
    assert panel.widget("problem").currentData() == "classification"
    assert buttons(panel)["spirals"].isChecked()
    assert not buttons(panel)["circle"].isChecked()
    assert panel.widget("classes").value() == 5 and panel.widget("classes").isEnabled()
    assert panel.widget("points").value() == 800
    noise, ratio = panel.widget("noise"), panel.widget("train_ratio")
    assert noise.value() == 25 and noise.label.text() == "0.25"
    assert ratio.value() == 70 and ratio.label.text() == "70 %"
    assert batch.spin.value() == 25 and batch.spin.isEnabled()
    assert not batch.full.isChecked()
    assert not panel.widget("shuffle").isChecked()
    assert seed.edit.value() == 12 and seed.edit.text() == "12"
    panel.set_config(Config(dataset="multi-gauss", batch_size=None))
    assert panel.widget("problem").currentData() == "regression"
    assert buttons(panel)["multi-gauss"].isChecked()
    assert batch.full.isChecked() and not batch.spin.isEnabled()
    qtbot.wait(WAIT)  # nothing debounced either
    assert got == []


def test_data_panel_dataset_buttons(qtbot):
    panel = make(qtbot, DataPanel, icon_for)
    answer_like_the_window(panel)
    got = spy(panel.changed)
    buttons(panel)["spiral"].click()
    assert got == [{"dataset": "spiral"}]
    assert buttons(panel)["spiral"].isChecked()
    assert not buttons(panel)["circle"].isChecked()
    buttons(panel)["spiral"].click()  # already chosen: nothing new
    assert len(got) == 1
    assert not buttons(panel)["circle"].icon().isNull()


def test_data_panel_falls_back_to_text_without_icons(qtbot):
    panel = make(qtbot, DataPanel)
    button = buttons(panel)["checkerboard"]
    assert button.icon().isNull()
    assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly
    assert button.text() == "Checker" and "board" in button.toolTip()


def test_data_panel_redraws_multiclass_thumbnails_when_classes_change(qtbot):
    calls = []

    def counting(name, classes):
        calls.append((name, classes))
        return icon_for(name, classes, size=16)

    panel = make(qtbot, DataPanel, counting)
    assert sorted(calls) == sorted((name, 3) for name in C.DATASETS)  # all, once
    calls.clear()
    panel.set_config(Config(dataset="xor", noise=0.2))  # same class count: nothing drawn
    assert calls == []
    panel.set_config(Config(dataset="blobs", classes=5))
    assert sorted(calls) == [("blobs", 5), ("spirals", 5)]


def test_data_panel_shows_only_the_problems_datasets(qtbot):
    panel = make(qtbot, DataPanel, icon_for)
    panel.show()
    qtbot.waitExposed(panel)
    assert buttons(panel)["circle"].isVisible()
    assert not buttons(panel)["plane"].isVisible()
    panel.set_config(Config(dataset="plane"))
    assert buttons(panel)["plane"].isVisible()
    assert not buttons(panel)["circle"].isVisible()


def test_switching_problem_picks_a_dataset_of_that_kind(qtbot):
    panel = make(qtbot, DataPanel)
    cfg = Config(dataset="xor", loss="cross-entropy")
    panel.set_config(cfg)
    answer_like_the_window(panel)
    got = spy(panel.changed)
    choose(panel.widget("problem"), "regression")
    # the loss is the Config's business now (regression brings mse)
    assert got == [{"problem": "regression", "dataset": "plane"}]
    new = applies(cfg, got[0])
    assert new.problem == "regression"
    assert buttons(panel)["plane"].isChecked()
    # back again: the classification dataset chosen before comes back
    choose(panel.widget("problem"), "classification")
    assert got[1] == {"problem": "classification", "dataset": "xor"}
    applies(new, got[1])


def test_switching_to_regression_with_mse_leaves_the_loss_alone(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    choose(panel.widget("problem"), "regression")
    assert got == [{"problem": "regression", "dataset": "plane"}]


def test_classes_only_for_multiclass_datasets(qtbot):
    panel = make(qtbot, DataPanel)
    classes = panel.widget("classes")
    for name in C.CLASSIFICATION_DATASETS:
        panel.set_config(Config(dataset=name))
        assert classes.isEnabled() == (name in C.MULTICLASS_DATASETS), name
    assert classes.minimum() == C.MIN_CLASSES and classes.maximum() == C.MAX_CLASSES


def test_classes_and_points_emit_ints(qtbot):
    panel = make(qtbot, DataPanel)
    cfg = Config(dataset="blobs")
    panel.set_config(cfg)
    got = spy(panel.changed)
    type_into(qtbot, panel.widget("classes"), "6")
    assert got == [{"classes": 6}] and type(got[0]["classes"]) is int
    type_into(qtbot, panel.widget("points"), "1200")
    assert got[1] == {"points": 1200} and type(got[1]["points"]) is int
    applies(cfg, got[0])
    applies(cfg, got[1])
    points = panel.widget("points")
    assert points.minimum() == C.MIN_POINTS and points.maximum() == C.MAX_POINTS


def test_held_spin_arrow_sends_one_change(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    points = panel.widget("points")
    for _ in range(5):
        points.stepBy(1)  # five clicks on the up arrow
    assert got == []  # not yet: waits for the arrows to settle
    qtbot.waitUntil(lambda: len(got) == 1, timeout=WAIT)
    qtbot.wait(DEBOUNCE_MS * 2)
    assert got == [{"points": 500 + 5 * points.singleStep()}]


def test_leaving_a_spin_box_sends_its_change_at_once(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    spin = panel.control("batch_size").spin
    spin.stepBy(1)
    spin.editingFinished.emit()  # focus leaves
    assert got == [{"batch_size": 11}]


def test_noise_slider_sends_on_release_only(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    noise = panel.widget("noise")
    slider = noise.slider
    slider.setSliderDown(True)
    for value in range(1, 31):
        slider.setValue(value)
    assert got == []
    assert noise.label.text() == "0.30"  # the read-out follows the drag
    slider.setSliderDown(False)  # release
    assert got == [{"noise": 0.3}] and type(got[0]["noise"]) is float
    applies(Config(), got[0])


def test_slider_keys_settle_into_one_change(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    slider = panel.widget("train_ratio").slider
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=WAIT)
    assert got == [{"train_ratio": 0.65}] and type(got[0]["train_ratio"]) is float
    assert slider.minimum() == 10 and slider.maximum() == 90
    noise = panel.widget("noise").slider
    assert noise.minimum() == 0 and noise.maximum() == 100


def test_batch_full_checkbox(qtbot):
    panel = make(qtbot, DataPanel)
    panel.set_config(Config(batch_size=30))
    answer_like_the_window(panel)
    got = spy(panel.changed)
    batch = panel.control("batch_size")
    batch.full.click()
    assert got == [{"batch_size": None}]
    assert not batch.spin.isEnabled()
    batch.full.click()
    assert got[1] == {"batch_size": 30}  # back to the size before
    assert batch.spin.isEnabled()
    # the spin box reaches the number of training points
    panel.set_config(Config(points=400, train_ratio=0.5))
    assert batch.spin.minimum() == 1 and batch.spin.maximum() == 200


def test_shuffle_and_seed(qtbot):
    panel = make(qtbot, DataPanel)
    panel.set_config(Config(data_seed=41))
    answer_like_the_window(panel)
    got = spy(panel.changed)
    seed = panel.control("data_seed")
    panel.widget("shuffle").click()
    assert got == [{"shuffle": False}] and type(got[0]["shuffle"]) is bool
    seed.button.click()
    assert got[1] == {"data_seed": 42}
    assert seed.edit.text() == "42"
    seed.button.click()
    assert got[2] == {"data_seed": 43}
    type_into(qtbot, seed.edit, "7")
    assert got[3] == {"data_seed": 7} and type(got[3]["data_seed"]) is int
    big = 2**62
    type_into(qtbot, seed.edit, str(big))
    assert got[4] == {"data_seed": big}
    type_into(qtbot, seed.edit, "99999999999999999999")  # past 2**63 - 1: refused
    assert len(got) == 5 and seed.edit.value() == big
    panel.set_config(Config(data_seed=C.MAX_SEED))
    seed.button.click()
    assert got[5] == {"data_seed": 0}  # past the largest seed, round to 0


# --- ActivationPanel ------------------------------------------------------------------


def test_activation_panel_names_and_no_emit(qtbot):
    panel = make(qtbot, ActivationPanel)
    got = spy(panel.changed)
    activation = panel.widget("activation")
    names = [activation.itemText(i) for i in range(activation.count())]
    assert names == [
        "ReLU", "Leaky ReLU", "ELU", "GELU", "Tanh", "Sigmoid", "Linear", "Softplus", "Swish",
        "Sine",
    ]  # fmt: skip
    assert [activation.itemData(i) for i in range(10)] == list(C.ACTIVATIONS)
    panel.set_config(Config(activation="gelu", loss="cross-entropy"))
    assert activation.currentText() == "GELU"
    assert panel.widget("loss").currentData() == "cross-entropy"
    assert got == []


@pytest.mark.parametrize(
    "cfg, text",
    [
        (Config(), "tanh, −1 to 1"),
        (Config(loss="cross-entropy"), "sigmoid, 0 to 1"),
        (Config(dataset="blobs", classes=3, loss="cross-entropy"), "softmax, sums to 1"),
        (Config(dataset="blobs", classes=2, loss="cross-entropy"), "sigmoid, 0 to 1"),
        (Config(dataset="plane"), "linear, any number"),
    ],
)
def test_output_line_follows_loss_and_problem(qtbot, cfg, text):
    panel = make(qtbot, ActivationPanel)
    panel.set_config(cfg)
    assert panel.output.text() == text


def test_activation_and_loss_emit(qtbot):
    panel = make(qtbot, ActivationPanel)
    cfg = Config()
    panel.set_config(cfg)
    answer_like_the_window(panel)
    got = spy(panel.changed)
    choose(panel.widget("activation"), "relu")
    choose(panel.widget("loss"), "cross-entropy")
    assert got == [{"activation": "relu"}, {"loss": "cross-entropy"}]
    for change in got:
        cfg = applies(cfg, change)
    assert panel.output.text() == "sigmoid, 0 to 1"  # the panel shows the answer


def test_cross_entropy_disabled_for_regression(qtbot):
    panel = make(qtbot, ActivationPanel)
    panel.set_config(Config(dataset="plane"))
    loss = panel.widget("loss")
    assert not item_enabled(loss, "cross-entropy")
    assert item_enabled(loss, "mse")
    got = spy(panel.changed)
    choose(loss, "cross-entropy")  # even if it were reached somehow
    assert got == []
    assert loss.currentData() == "mse"
    panel.set_config(Config(dataset="circle"))
    assert item_enabled(loss, "cross-entropy")


# --- InitPanel ---------------------------------------------------------------------------


def test_init_panel_friendly_names(qtbot):
    panel = make(qtbot, InitPanel)
    init = panel.widget("init")
    texts = {init.itemData(i): init.itemText(i) for i in range(init.count())}
    assert list(texts) == list(C.WEIGHT_INITS)
    assert texts["tf_playground"] == "TF Playground U(−0.5, 0.5)"
    assert texts["xavier_uniform"] == "Xavier/Glorot uniform"
    assert texts["uniform"] == "Uniform ±a" and texts["normal"] == "Normal σ"
    assert texts["orthogonal"] == "Orthogonal" and texts["torch_default"] == "PyTorch default"
    bias_init = panel.widget("bias_init")
    bias = [bias_init.itemData(i) for i in range(bias_init.count())]
    assert bias == list(C.BIAS_INITS)


def test_init_panel_shows_config_without_emitting(qtbot):
    panel = make(qtbot, InitPanel)
    got = spy(panel.changed)
    panel.set_config(
        Config(init="uniform", init_scale=0.25, bias_init="constant", bias_value=-0.2, init_seed=9)
    )
    scale, bias_value = panel.widget("init_scale"), panel.widget("bias_value")
    assert panel.widget("init").currentData() == "uniform"
    assert scale.isEnabled() and scale.value() == 0.25
    assert panel.label("init_scale").text() == "Half-width a"
    assert bias_value.isEnabled() and bias_value.value() == -0.2
    assert panel.control("init_seed").edit.value() == 9
    panel.set_config(Config(init="xavier_normal", init_gain=2.0, activation="relu"))
    gain = panel.control("init_gain")
    assert gain.spin.isEnabled() and gain.spin.value() == 2.0
    assert not gain.auto.isChecked()
    qtbot.wait(WAIT)
    assert got == []


@pytest.mark.parametrize("scheme", C.WEIGHT_INITS)
def test_scale_and_gain_enabled_only_where_they_apply(qtbot, scheme):
    panel = make(qtbot, InitPanel)
    panel.set_config(Config(init=scheme))
    scale, gain = panel.widget("init_scale"), panel.control("init_gain")
    assert scale.isEnabled() == (scheme in ("constant", "uniform", "normal"))
    gain_schemes = {"xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "orthogonal"}
    assert gain.auto.isEnabled() == (scheme in gain_schemes)
    assert not gain.spin.isEnabled()  # auto gain: the value is shown, not edited
    if scheme not in ("constant", "uniform", "normal"):
        assert scale.text() == "—"


@pytest.mark.parametrize(
    "scheme, label, default",
    [("constant", "Value c", 0.1), ("uniform", "Half-width a", 0.5), ("normal", "Std dev σ", 0.1)],
)
def test_scale_label_and_default_follow_scheme(qtbot, scheme, label, default):
    panel = make(qtbot, InitPanel)
    panel.set_config(Config(init=scheme))
    scale = panel.widget("init_scale")
    assert panel.label("init_scale").text() == label
    assert scale.value() == pytest.approx(default)
    assert default == C.DEFAULT_INIT_SCALE[scheme]
    # the limits are the Config's own; whether a negative one fits the scheme is its call
    assert (scale.minimum(), scale.maximum()) == C.RANGES["init_scale"][:2]


def test_scheme_change_resets_scale_so_the_config_accepts_it(qtbot):
    panel = make(qtbot, InitPanel)
    cfg = Config(init="constant", init_scale=-0.3)
    panel.set_config(cfg)
    answer_like_the_window(panel)
    got = spy(panel.changed)
    choose(panel.widget("init"), "uniform")  # -0.3 would be an invalid half-width
    assert got == [{"init": "uniform"}]  # the Config resets the scale itself
    new = applies(cfg, got[0])
    scale = panel.widget("init_scale")
    assert scale.value() == new.effective_init_scale == 0.5
    type_into(qtbot, scale, "0.8")
    assert got[1] == {"init_scale": 0.8} and type(got[1]["init_scale"]) is float
    applies(new, got[1])


def test_gain_auto_and_value(qtbot):
    panel = make(qtbot, InitPanel)
    cfg = Config(init="he_uniform", activation="relu")
    panel.set_config(cfg)
    answer_like_the_window(panel)
    gain = panel.control("init_gain")
    assert gain.auto.isChecked()
    assert gain.spin.value() == pytest.approx(calculate_gain("relu"), abs=1e-3)
    got = spy(panel.changed)
    gain.auto.click()  # off: own value, starting from the automatic one
    assert got == [{"init_gain": 1.414}]
    assert gain.spin.isEnabled()
    type_into(qtbot, gain.spin, "2.5")
    assert got[1] == {"init_gain": 2.5}
    gain.auto.click()
    assert got[2] == {"init_gain": None}
    assert not gain.spin.isEnabled()
    for change in got:
        cfg = applies(cfg, change)


def test_bias_init_and_value(qtbot):
    panel = make(qtbot, InitPanel)
    answer_like_the_window(panel)
    cfg = Config()
    got = spy(panel.changed)
    bias_value = panel.widget("bias_value")
    assert bias_value.isEnabled()  # the default is constant 0.1
    choose(panel.widget("bias_init"), "zeros")
    assert got == [{"bias_init": "zeros"}]
    assert not bias_value.isEnabled()
    choose(panel.widget("bias_init"), "constant")
    type_into(qtbot, bias_value, "-0.5")
    assert got[1:] == [{"bias_init": "constant"}, {"bias_value": -0.5}]
    for change in got:
        cfg = applies(cfg, change)
    assert cfg.bias_value == -0.5


def test_reinitialize_and_seed(qtbot):
    panel = make(qtbot, InitPanel)
    panel.set_config(Config(init_seed=3))
    answer_like_the_window(panel)
    got = spy(panel.changed)
    seed = panel.control("init_seed")
    seed.button.click()
    assert got == [{"init_seed": 4}]
    seed.button.click()
    assert got[1] == {"init_seed": 5}
    type_into(qtbot, seed.edit, "100")
    assert got[2] == {"init_seed": 100}


# --- RegularizationPanel ----------------------------------------------------------------


def test_regularization_panel(qtbot):
    panel = make(qtbot, RegularizationPanel)
    got = spy(panel.changed)
    kind, rate, bias = (panel.widget(f) for f in ("regularization", "reg_rate", "reg_bias"))
    assert not rate.isEnabled() and not bias.isEnabled()  # none
    panel.set_config(Config(regularization="l1", reg_rate=0.003, reg_bias=True))
    assert kind.currentData() == "l1"
    assert rate.currentText() == "0.003" and rate.isEnabled()
    assert bias.isChecked() and bias.isEnabled()
    assert got == []
    rates = [rate.itemData(i) for i in range(rate.count())]
    assert rates == [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
    assert "½w²" in kind.itemData(kind.findData("l2"), Qt.ItemDataRole.ToolTipRole)


def test_regularization_emits(qtbot):
    panel = make(qtbot, RegularizationPanel)
    answer_like_the_window(panel)
    cfg = Config()
    got = spy(panel.changed)
    choose(panel.widget("regularization"), "elastic")
    choose(panel.widget("reg_rate"), 0.03)
    panel.widget("reg_bias").click()
    type_into(qtbot, panel.widget("reg_rate"), "0.05")  # a rate not in the list
    assert got == [
        {"regularization": "elastic"},
        {"reg_rate": 0.03},
        {"reg_bias": True},
        {"reg_rate": 0.05},
    ]
    for change in got:
        cfg = applies(cfg, change)
    assert type(got[1]["reg_rate"]) is float


@pytest.mark.parametrize("text", ["abc", "-1", "1000", ""])
def test_typed_rate_out_of_range_is_refused(qtbot, text):
    panel = make(qtbot, RegularizationPanel)
    panel.set_config(Config(regularization="l2", reg_rate=0.1))
    got = spy(panel.changed)
    rate = panel.widget("reg_rate")
    type_into(qtbot, rate, text)
    assert got == []
    assert rate.currentText() == "0.1"  # the shown value comes back


# --- OptimizerPanel ------------------------------------------------------------------------


def test_optimizer_panel_shows_config_without_emitting(qtbot):
    panel = make(qtbot, OptimizerPanel)
    got = spy(panel.changed)
    panel.set_config(
        Config(optimizer="momentum", lr=0.1, momentum=0.8, schedule="cosine", lr_period=50)
    )
    w = panel.widget
    assert w("optimizer").currentText() == "Momentum"
    assert w("lr").currentText() == "0.1"
    assert w("momentum").value() == 0.8 and w("momentum").isEnabled()
    assert w("schedule").currentData() == "cosine"
    assert w("lr_period").value() == 50 and w("lr_period").isEnabled()
    assert w("lr_min").isEnabled() and not w("lr_gamma").isEnabled()
    qtbot.wait(WAIT)
    assert got == []
    lrs = [w("lr").itemText(i) for i in range(w("lr").count())]
    assert lrs == [
        "0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10",
    ]  # fmt: skip
    algos = [w("optimizer").itemText(i) for i in range(w("optimizer").count())]
    assert algos == ["SGD", "Momentum", "Nesterov", "RMSProp", "Adam"]


@pytest.mark.parametrize("optimizer", C.OPTIMIZERS)
def test_optimizer_relevant_controls(qtbot, optimizer):
    panel = make(qtbot, OptimizerPanel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_config(Config(optimizer=optimizer))
    w = panel.widget
    assert w("momentum").isEnabled() == (optimizer in ("momentum", "nesterov"))
    assert panel.advanced.isVisible() == (optimizer in ("adam", "rmsprop"))
    assert not w("beta1").isVisible()  # the expander starts closed
    if optimizer in ("adam", "rmsprop"):
        panel.advanced.click()
        assert w("beta1").isVisible() == w("beta2").isVisible() == (optimizer == "adam")
        assert w("rmsprop_alpha").isVisible() == (optimizer == "rmsprop")
        assert w("eps").isVisible()


@pytest.mark.parametrize("schedule", C.SCHEDULES)
def test_schedule_parameters_enabled_when_relevant(qtbot, schedule):
    panel = make(qtbot, OptimizerPanel)
    panel.set_config(Config(schedule=schedule))
    w = panel.widget
    assert w("lr_gamma").isEnabled() == (schedule in ("step", "exponential"))
    assert w("lr_period").isEnabled() == (schedule in ("step", "cosine"))
    assert w("lr_min").isEnabled() == (schedule == "cosine")
    if schedule in C.DEFAULT_LR_GAMMA:
        assert w("lr_gamma").value() == C.DEFAULT_LR_GAMMA[schedule]


def test_learning_rate_is_immediate(qtbot):
    panel = make(qtbot, OptimizerPanel)
    got = spy(panel.changed)
    lr = panel.widget("lr")
    choose(lr, 0.3)
    assert got == [{"lr": 0.3}]  # no waiting
    type_into(qtbot, lr, "0.05")
    assert got[1] == {"lr": 0.05} and type(got[1]["lr"]) is float
    choose(lr, 1.0)
    assert got[2] == {"lr": 1.0} and type(got[2]["lr"]) is float
    type_into(qtbot, lr, "500")  # beyond the Config's 100
    assert len(got) == 3 and lr.currentText() == "1"


def test_optimizer_emits_valid_changes(qtbot):
    panel = make(qtbot, OptimizerPanel)
    answer_like_the_window(panel)
    cfg = Config()
    got = spy(panel.changed)
    w = panel.widget
    choose(w("optimizer"), "nesterov")
    type_into(qtbot, w("momentum"), "0.95")
    choose(w("optimizer"), "adam")
    panel.advanced.click()
    type_into(qtbot, w("beta1"), "0.8")
    type_into(qtbot, w("beta2"), "0.99")
    type_into(qtbot, w("eps"), "1e-6")
    choose(w("optimizer"), "rmsprop")
    type_into(qtbot, w("rmsprop_alpha"), "0.9")
    choose(w("schedule"), "step")
    type_into(qtbot, w("lr_gamma"), "0.7")
    type_into(qtbot, w("lr_period"), "30")
    choose(w("schedule"), "cosine")
    type_into(qtbot, w("lr_min"), "0.001")
    assert got == [
        {"optimizer": "nesterov"},
        {"momentum": 0.95},
        {"optimizer": "adam"},
        {"beta1": 0.8},
        {"beta2": 0.99},
        {"eps": 1e-6},
        {"optimizer": "rmsprop"},
        {"rmsprop_alpha": 0.9},
        {"schedule": "step"},  # the Config starts the schedule at its own γ
        {"lr_gamma": 0.7},
        {"lr_period": 30},
        {"schedule": "cosine"},
        {"lr_min": 0.001},
    ]
    for change in got:
        cfg = applies(cfg, change)
        assert not Config().needs_rebuild(cfg)  # all hot: training goes on
    assert type(got[10]["lr_period"]) is int and type(got[1]["momentum"]) is float


# --- every panel ------------------------------------------------------------------------

CONFIG_PANELS = [DataPanel, ActivationPanel, InitPanel, RegularizationPanel, OptimizerPanel]
BASES = [
    Config(),
    Config(dataset="spirals", classes=4, loss="cross-entropy", optimizer="adam"),
    Config(dataset="line", init="constant", init_scale=-2.0, schedule="cosine"),
    Config(regularization="l1", reg_rate=3.0, batch_size=None, init="orthogonal", init_gain=0.5),
]
# Every choice that decides whether another setting applies, in a few combinations.
VARIED = [
    *BASES,
    *(Config(optimizer=o, schedule=s) for o in C.OPTIMIZERS for s in C.SCHEDULES),
    *(Config(init=i, bias_init=b) for i in C.WEIGHT_INITS for b in C.BIAS_INITS),
    *(Config(regularization=r) for r in C.REGULARIZATIONS),
    *(Config(dataset=d) for d in C.DATASETS),
]


def _drive(qtbot, panel, skip=()):
    """Work every control of a panel once, the way a person would (but `skip`)."""
    for combo in panel.findChildren(QComboBox):
        if combo.isEnabled():
            for i in range(combo.count()):
                combo.setCurrentIndex(i)
                combo.activated.emit(i)
    for spin in panel.findChildren(QAbstractSpinBox):
        if spin.isEnabled():
            spin.stepBy(3)
            spin.editingFinished.emit()
            spin.stepBy(-7)
            spin.editingFinished.emit()
    for slider in panel.findChildren(QSlider):
        if slider.isEnabled():
            slider.setSliderDown(True)
            slider.setValue(slider.maximum())
            slider.setSliderDown(False)
    for button in panel.findChildren(QAbstractButton):
        if button.isEnabled() and button.isVisible() and button not in skip:
            button.click()


@pytest.mark.parametrize("cls", CONFIG_PANELS)
@pytest.mark.parametrize("base", BASES)
def test_every_emitted_change_is_a_valid_config(qtbot, cls, base):
    panel = make(qtbot, cls)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_config(base)
    cfg = base
    changes = []

    def apply(change):
        nonlocal cfg
        assert change, "an empty change"
        assert set(change) <= {f for f in Config.__dataclass_fields__}
        try:
            cfg = cfg.replace(**change)
        except ConfigError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{cls.__name__} emitted {change} that the Config rejects: {exc}")
        changes.append(change)
        panel.set_config(cfg)  # as the main window does

    panel.changed.connect(apply)
    _drive(qtbot, panel)
    qtbot.wait(WAIT)
    assert changes, "driving every control emitted nothing"
    assert panel.config == cfg


@pytest.mark.parametrize("cls", CONFIG_PANELS)
def test_each_control_is_enabled_exactly_where_its_field_applies(qtbot, cls):
    panel = make(qtbot, cls)
    ruled = 0
    for cfg in VARIED:
        panel.set_config(cfg)
        for control in panel.controls():
            field = control.field
            assert control.widget.isEnabled() == cfg.applies(field), (field, cfg)
            ruled += not cfg.applies(field)
            label = panel.label(field)
            if label is not None:  # on if any control of its row applies
                row = [c.field for c in panel.controls() if panel.label(c.field) is label]
                assert label.isEnabled() == any(cfg.applies(f) for f in row), field
    if cls is not ActivationPanel:  # its two settings always apply
        assert ruled, "no control was ever switched off"


@pytest.mark.parametrize("open_", [False, True])
def test_optimizer_rows_show_where_they_apply_and_only_opening_grows_the_panel(qtbot, open_):
    panel = make(qtbot, OptimizerPanel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.advanced.setChecked(open_)
    heights = {}
    for optimizer in C.OPTIMIZERS:
        for schedule in C.SCHEDULES:
            cfg = Config(optimizer=optimizer, schedule=schedule)
            panel.set_config(cfg)
            shown_rows = 0
            for field in ("beta1", "beta2", "rmsprop_alpha", "eps"):
                shown = open_ and cfg.applies(field)
                assert panel.widget(field).isVisible() == shown, (field, optimizer)
                assert panel.label(field).isVisible() == shown, (field, optimizer)
                shown_rows += shown
            assert panel.advanced.isVisible() == (optimizer in ("adam", "rmsprop"))
            heights.setdefault(shown_rows, set()).add(panel.minimumSizeHint().height())
    # choosing Adam or Cosine does not grow the panel; only rows opened on purpose do
    assert all(len(h) == 1 for h in heights.values()), heights
    closed = heights[0].pop() if 0 in heights else None
    for rows, (height,) in ((r, tuple(h)) for r, h in heights.items() if r):
        assert closed is None or height > closed, (rows, height, closed)


@pytest.mark.parametrize("cls", CONFIG_PANELS)
def test_panel_height_does_not_follow_the_config(qtbot, cls):
    panel = make(qtbot, cls, *([icon_for] if cls is DataPanel else []))
    heights = set()
    for cfg in VARIED:
        panel.set_config(cfg)
        heights.add(panel.minimumSizeHint().height())
    assert len(heights) == 1, heights


def _shown(panel):
    """What every control of a panel shows: values, texts, ticks, enabled states."""
    state = []
    for widget in panel.findChildren(QWidget):
        if isinstance(widget, QComboBox):
            value = (widget.currentIndex(), widget.currentText())
        elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            value = (widget.value(), widget.text())
        elif isinstance(widget, QSlider):
            value = widget.value()
        elif isinstance(widget, QAbstractButton):
            value = widget.isChecked()
        elif isinstance(widget, (QLineEdit, QLabel)):
            value = widget.text()
        else:
            continue
        state.append((type(widget).__name__, value, widget.isEnabled()))
    return state


@pytest.mark.parametrize("cls", CONFIG_PANELS)
@pytest.mark.parametrize("base", BASES)
def test_a_refused_proposal_puts_every_control_back(qtbot, cls, base):
    panel = make(qtbot, cls)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_config(base)
    skip = ()
    if cls is OptimizerPanel:
        panel.advanced.setChecked(True)  # drive the advanced rows too, but not the toggle
        skip = (panel.advanced,)
    before = _shown(panel)
    proposals = []

    def refuse(change):  # the window refusing everything: it shows what it has
        proposals.append(change)
        panel.set_config(panel.config)

    panel.changed.connect(refuse)
    _drive(qtbot, panel, skip)
    qtbot.wait(WAIT)
    assert proposals
    assert panel.config is base
    assert _shown(panel) == before


def test_panels_propose_what_the_config_may_refuse(qtbot):
    """Panels do not validate: a negative half-width is typed, proposed and only
    then refused by the Config, and the window's answer puts the control back."""
    panel = make(qtbot, InitPanel)
    cfg = Config(init="uniform", init_scale=0.5)
    panel.set_config(cfg)
    refused = answer_like_the_window(panel)
    got = spy(panel.changed)
    scale = panel.widget("init_scale")
    type_into(qtbot, scale, "-0.5")
    assert got == [{"init_scale": -0.5}]
    with pytest.raises(ConfigError):
        applies(cfg, got[0])
    assert refused and "init_scale" in refused[0]
    assert panel.config is cfg and scale.value() == 0.5 and scale.text() == "0.5"


@pytest.mark.parametrize("cls", CONFIG_PANELS)
def test_panels_build_no_config(qtbot, monkeypatch, cls):
    """Working every control never makes or replaces a Config: proposals only."""
    base = Config(optimizer="adam", regularization="l2", init="he_normal", dataset="blobs")

    def forbidden(*args, **kwargs):
        raise AssertionError("a panel made a Config")

    monkeypatch.setattr(Config, "replace", forbidden)
    monkeypatch.setattr(Config, "__init__", forbidden)
    panel = make(qtbot, cls)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_config(base)
    got = spy(panel.changed)
    _drive(qtbot, panel)
    qtbot.wait(WAIT)
    assert got and panel.config is base


@pytest.mark.parametrize("cls", CONFIG_PANELS)
def test_number_limits_come_from_the_config_ranges(qtbot, cls):
    panel = make(qtbot, cls)
    checked = 0
    for control in panel.controls():
        if control.field not in C.RANGES:
            continue
        lo, hi, _ = C.RANGES[control.field]
        widget = control.widget
        if isinstance(control, Number):  # as far as its decimals can show
            unit = 10.0 ** -widget.decimals()
            assert lo <= widget.minimum() < lo + unit and hi - unit < widget.maximum() <= hi
        elif isinstance(control, Slider):
            slider = widget.slider
            scaled = (slider.minimum() / control.scale, slider.maximum() / control.scale)
            assert scaled == pytest.approx((lo, hi))
        elif isinstance(control, Suggest):  # (may be hidden or off: no keys, set the text)
            got = spy(panel.changed)
            for text in (format_number(hi), format_number(hi * 2)):
                widget.lineEdit().setText(text)
                widget.lineEdit().editingFinished.emit()
            assert got == [{control.field: hi}]  # past the Config's limit: not taken
            assert widget.currentText() == format_number(hi)
        elif isinstance(control, Integer):
            assert (widget.minimum(), widget.maximum()) == (lo, hi)
        else:
            continue
        checked += 1
    assert checked or cls is ActivationPanel


@pytest.mark.parametrize("cls", CONFIG_PANELS)
def test_choices_offer_the_whole_vocabulary(qtbot, cls):
    panel = make(qtbot, cls)
    for control in panel.controls():
        if isinstance(control, Choice):
            combo = control.combo
            values = [combo.itemData(i) for i in range(combo.count())]
            assert values == list(Config().choices(control.field)), control.field


@pytest.mark.parametrize("cls", [*CONFIG_PANELS, RunControls])
def test_every_control_has_a_tooltip(qtbot, cls):
    panel = make(qtbot, cls)
    controls = [
        w
        for kind in (QComboBox, QAbstractSpinBox, QAbstractButton, QSlider, QLineEdit)
        for w in panel.findChildren(kind)
        if not isinstance(w.parent(), (QComboBox, QAbstractSpinBox))  # their inner edits
    ]
    assert controls
    for widget in controls:
        tip = widget.toolTip()
        assert len(tip) > 12, f"{type(widget).__name__} {widget.accessibleName()!r} lacks a tip"
    for combo in panel.findChildren(QComboBox):
        if isinstance(combo, QComboBox) and not combo.isEditable() and cls is not RunControls:
            for i in range(combo.count()):
                assert combo.itemData(i, Qt.ItemDataRole.ToolTipRole), combo.itemText(i)


def test_panels_do_not_import_views_or_bridge():
    code = (
        "import sys, playground.panels; "
        "print(' '.join(m for m in sys.modules if m.startswith(('playground.views', "
        "'playground.bridge', 'playground.app', 'pyqtgraph'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "playground.panels" not in out.stdout  # printed only the offenders
    assert out.stdout.strip() == ""


# --- RunControls -----------------------------------------------------------------------


def test_run_controls_play_pause(qtbot):
    bar = make(qtbot, RunControls)
    toggled = spy(bar.play_toggled)
    assert bar.play_button.text() == "▶" and bar.play_button.isCheckable()
    bar.play_button.click()
    assert toggled == [True]
    assert bar.play_button.text() == "❚❚" and "Pause" in bar.play_button.toolTip()
    bar.play_button.click()
    assert toggled == [True, False]
    assert bar.play_button.text() == "▶"


def test_set_running_shows_state_without_emitting(qtbot):
    bar = make(qtbot, RunControls)
    toggled = spy(bar.play_toggled)
    play_icon = bar.play_button.icon().pixmap(24).toImage()
    bar.set_running(True)
    assert bar.play_button.isChecked() and bar.is_running()
    assert bar.play_button.text() == "❚❚" and bar.play_button.accessibleName() == "Pause"
    assert bar.play_button.icon().pixmap(24).toImage() != play_icon
    bar.set_running(False)
    assert bar.play_button.text() == "▶"
    assert bar.play_button.icon().pixmap(24).toImage() == play_icon
    assert toggled == []


def test_step_reset_and_epoch(qtbot):
    bar = make(qtbot, RunControls)
    steps, resets = spy(bar.step_clicked), spy(bar.reset_clicked)
    bar.step_button.click()
    bar.step_button.click()
    bar.reset_button.click()
    assert len(steps) == 2 and len(resets) == 1
    bar.set_epoch(412)
    assert bar.epoch_label.text() == "Epoch 000,412"
    bar.set_epoch(1_234_567)
    assert bar.epoch_label.text() == "Epoch 1,234,567"


def test_speed_combo(qtbot):
    bar = make(qtbot, RunControls)
    speeds = spy(bar.speed_changed)
    assert bar.speed.currentText() == "×5" and bar.speed_value() == 5
    texts = [bar.speed.itemText(i) for i in range(bar.speed.count())]
    assert texts == ["×1", "×2", "×5", "×10", "×50", "max"]
    choose(bar.speed, 0)
    assert speeds == [0] and bar.speed.currentText() == "max"
    choose(bar.speed, 10)
    assert speeds == [0, 10]
    bar.set_speed(1)
    assert bar.speed.currentText() == "×1" and speeds == [0, 10]


def test_stop_at(qtbot):
    bar = make(qtbot, RunControls)
    stops = spy(bar.stop_at_changed)
    assert bar.stop_at.value() == 0 and bar.stop_at.text() == "never"
    type_into(qtbot, bar.stop_at, "500")
    assert stops == [500]
    bar.stop_at.setValue(0)
    bar.stop_at.editingFinished.emit()
    assert stops == [500, 0] and bar.stop_at.text() == "never"
    bar.set_stop_at(300)
    qtbot.wait(WAIT)
    assert stops == [500, 0] and bar.stop_at_value() == 300


def test_stop_at_arrows_settle_into_one_change(qtbot):
    bar = make(qtbot, RunControls)
    stops = spy(bar.stop_at_changed)
    for _ in range(3):
        bar.stop_at.stepBy(1)
    assert stops == []
    qtbot.waitUntil(lambda: len(stops) == 1, timeout=WAIT)
    assert stops == [300]


def test_shortcuts_are_named_in_tooltips(qtbot):
    bar = make(qtbot, RunControls)
    assert "(Space)" in bar.play_button.toolTip()
    assert "(Right)" in bar.step_button.toolTip()
    assert "(R)" in bar.reset_button.toolTip()
    # clicking a button leaves the keyboard focus (and Space) to the window
    for button in (bar.play_button, bar.step_button, bar.reset_button):
        assert button.focusPolicy() == Qt.FocusPolicy.TabFocus


# --- pictures -------------------------------------------------------------------------


def test_render_panels(qtbot, tmp_path):
    """All panels in one window, rendered to PNG (set PANELS_PNG_DIR to keep the files)."""
    out = os.environ.get("PANELS_PNG_DIR") or str(tmp_path)
    root = QWidget()
    qtbot.addWidget(root)
    column = QVBoxLayout(root)
    bar = RunControls()
    bar.set_epoch(412)
    column.addWidget(bar)
    grid = QGridLayout()
    column.addLayout(grid)
    panels = [
        DataPanel(icon_for),
        ActivationPanel(),
        InitPanel(),
        RegularizationPanel(),
        OptimizerPanel(),
    ]
    grid.addWidget(panels[0], 0, 0, 2, 1)
    grid.addWidget(panels[1], 0, 1)
    grid.addWidget(panels[2], 1, 1)
    grid.addWidget(panels[3], 0, 2)
    grid.addWidget(panels[4], 1, 2)
    cfg = Config(optimizer="adam", regularization="l2", reg_rate=0.001, init="he_normal")
    for panel in panels:
        panel.set_config(cfg)
    panels[4].advanced.setChecked(True)
    root.show()
    qtbot.waitExposed(root)
    image = root.grab()
    assert not image.isNull()
    assert image.save(os.path.join(out, "panels.png"))
    for widget in [bar, *panels]:
        shot = widget.grab()
        assert shot.width() > 100 and shot.height() > 30
        assert shot.save(os.path.join(out, f"{type(widget).__name__}.png"))
    # compact enough for a side column of a window on a 1366-pixel laptop
    for panel in panels:
        assert panel.minimumSizeHint().width() < 340, type(panel).__name__


def test_panel_in_a_dock_leaves_the_title_to_the_dock(qtbot):
    from PySide6.QtWidgets import QDockWidget

    panel = make(qtbot, OptimizerPanel)
    assert panel.title() == "Optimizer" and not panel.isFlat()
    dock = QDockWidget("Optimizer")
    qtbot.addWidget(dock)
    dock.setWidget(panel)
    assert panel.title() == "" and panel.isFlat()
    panel.setParent(None)
    assert panel.title() == "Optimizer"
    qtbot.addWidget(panel)
