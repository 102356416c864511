"""The control panels: they show a Config without emitting, and emit only valid changes."""

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
    QGridLayout,
    QLineEdit,
    QSlider,
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


def thumbnails(size=64) -> dict[str, QIcon]:
    """Simple dataset icons drawn from the real generators (the views draw the real ones)."""
    import numpy as np

    from playground.core.datasets import generate_points

    colors = [QColor("#f59322"), QColor("#0877bd"), QColor("#2ca02c")]
    icons = {}
    for name in C.DATASETS:
        points, labels = generate_points(name, 150, 0.0, np.random.default_rng(0), 3)
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor("#e8eaeb"))
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        for (x, y), label in zip(points, labels, strict=True):
            if name in C.REGRESSION_DATASETS:
                p.setBrush(colors[1] if label > 0 else colors[0])
            else:
                p.setBrush(colors[int(label)])
            p.drawEllipse(QPointF((x + 6) / 12 * size, (6 - y) / 12 * size), 1.6, 1.6)
        p.end()
        icons[name] = QIcon(pixmap)
    return icons


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
    panel = make(qtbot, DataPanel, thumbnails())
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
    assert panel.problem.currentData() == "classification"
    assert panel.dataset_buttons["spirals"].isChecked()
    assert not panel.dataset_buttons["circle"].isChecked()
    assert panel.classes.value() == 5 and panel.classes.isEnabled()
    assert panel.points.value() == 800
    assert panel.noise.value() == 25 and panel.noise.label.text() == "0.25"
    assert panel.train_ratio.value() == 70 and panel.train_ratio.label.text() == "70 %"
    assert panel.batch.value() == 25 and panel.batch.isEnabled()
    assert not panel.full_batch.isChecked()
    assert not panel.shuffle.isChecked()
    assert panel.seed.value() == 12 and panel.seed.text() == "12"
    panel.set_config(Config(dataset="multi-gauss", batch_size=None))
    assert panel.problem.currentData() == "regression"
    assert panel.dataset_buttons["multi-gauss"].isChecked()
    assert panel.full_batch.isChecked() and not panel.batch.isEnabled()
    qtbot.wait(WAIT)  # nothing debounced either
    assert got == []


def test_data_panel_dataset_buttons(qtbot):
    panel = make(qtbot, DataPanel, thumbnails())
    got = spy(panel.changed)
    panel.dataset_buttons["spiral"].click()
    assert got == [{"dataset": "spiral"}]
    assert panel.dataset_buttons["spiral"].isChecked()
    assert not panel.dataset_buttons["circle"].isChecked()
    panel.dataset_buttons["spiral"].click()  # already chosen: nothing new
    assert len(got) == 1
    assert not panel.dataset_buttons["circle"].icon().isNull()


def test_data_panel_falls_back_to_text_without_icons(qtbot):
    panel = make(qtbot, DataPanel)
    button = panel.dataset_buttons["checkerboard"]
    assert button.icon().isNull()
    assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextOnly
    assert button.text() == "Checker" and "board" in button.toolTip()


def test_data_panel_shows_only_the_problems_datasets(qtbot):
    panel = make(qtbot, DataPanel, thumbnails())
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.dataset_buttons["circle"].isVisible()
    assert not panel.dataset_buttons["plane"].isVisible()
    panel.set_config(Config(dataset="plane"))
    assert panel.dataset_buttons["plane"].isVisible()
    assert not panel.dataset_buttons["circle"].isVisible()


def test_switching_problem_picks_a_dataset_of_that_kind(qtbot):
    panel = make(qtbot, DataPanel)
    cfg = Config(dataset="xor", loss="cross-entropy")
    panel.set_config(cfg)
    got = spy(panel.changed)
    choose(panel.problem, "regression")
    assert got == [{"problem": "regression", "dataset": "plane", "loss": "mse"}]
    new = applies(cfg, got[0])
    assert new.problem == "regression" and new.loss == "mse"
    assert panel.dataset_buttons["plane"].isChecked()
    # back again: the classification dataset chosen before comes back
    choose(panel.problem, "classification")
    assert got[1] == {"problem": "classification", "dataset": "xor"}
    applies(new, got[1])


def test_switching_to_regression_with_mse_leaves_the_loss_alone(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    choose(panel.problem, "regression")
    assert got == [{"problem": "regression", "dataset": "plane"}]


def test_classes_only_for_multiclass_datasets(qtbot):
    panel = make(qtbot, DataPanel)
    for name in C.CLASSIFICATION_DATASETS:
        panel.set_config(Config(dataset=name))
        assert panel.classes.isEnabled() == (name in C.MULTICLASS_DATASETS), name
    assert panel.classes.minimum() == C.MIN_CLASSES and panel.classes.maximum() == C.MAX_CLASSES


def test_classes_and_points_emit_ints(qtbot):
    panel = make(qtbot, DataPanel)
    cfg = Config(dataset="blobs")
    panel.set_config(cfg)
    got = spy(panel.changed)
    type_into(qtbot, panel.classes, "6")
    assert got == [{"classes": 6}] and type(got[0]["classes"]) is int
    type_into(qtbot, panel.points, "1200")
    assert got[1] == {"points": 1200} and type(got[1]["points"]) is int
    applies(cfg, got[0])
    applies(cfg, got[1])
    assert panel.points.minimum() == C.MIN_POINTS and panel.points.maximum() == C.MAX_POINTS


def test_held_spin_arrow_sends_one_change(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    for _ in range(5):
        panel.points.stepBy(1)  # five clicks on the up arrow
    assert got == []  # not yet: waits for the arrows to settle
    qtbot.waitUntil(lambda: len(got) == 1, timeout=WAIT)
    qtbot.wait(DEBOUNCE_MS * 2)
    assert got == [{"points": 500 + 5 * panel.points.singleStep()}]


def test_leaving_a_spin_box_sends_its_change_at_once(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    panel.batch.stepBy(1)
    panel.batch.editingFinished.emit()  # focus leaves
    assert got == [{"batch_size": 11}]


def test_noise_slider_sends_on_release_only(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    slider = panel.noise.slider
    slider.setSliderDown(True)
    for value in range(1, 31):
        slider.setValue(value)
    assert got == []
    assert panel.noise.label.text() == "0.30"  # the read-out follows the drag
    slider.setSliderDown(False)  # release
    assert got == [{"noise": 0.3}] and type(got[0]["noise"]) is float
    applies(Config(), got[0])


def test_slider_keys_settle_into_one_change(qtbot):
    panel = make(qtbot, DataPanel)
    got = spy(panel.changed)
    slider = panel.train_ratio.slider
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(got) == 1, timeout=WAIT)
    assert got == [{"train_ratio": 0.65}] and type(got[0]["train_ratio"]) is float
    assert slider.minimum() == 10 and slider.maximum() == 90
    assert panel.noise.slider.minimum() == 0 and panel.noise.slider.maximum() == 100


def test_batch_full_checkbox(qtbot):
    panel = make(qtbot, DataPanel)
    panel.set_config(Config(batch_size=30))
    got = spy(panel.changed)
    panel.full_batch.click()
    assert got == [{"batch_size": None}]
    assert not panel.batch.isEnabled()
    panel.full_batch.click()
    assert got[1] == {"batch_size": 30}  # back to the size before
    assert panel.batch.isEnabled()
    # the spin box reaches the number of training points
    panel.set_config(Config(points=400, train_ratio=0.5))
    assert panel.batch.minimum() == 1 and panel.batch.maximum() == 200


def test_shuffle_and_seed(qtbot):
    panel = make(qtbot, DataPanel)
    panel.set_config(Config(data_seed=41))
    got = spy(panel.changed)
    panel.shuffle.click()
    assert got == [{"shuffle": False}] and type(got[0]["shuffle"]) is bool
    panel.regenerate.click()
    assert got[1] == {"data_seed": 42}
    assert panel.seed.text() == "42"
    panel.regenerate.click()
    assert got[2] == {"data_seed": 43}
    type_into(qtbot, panel.seed, "7")
    assert got[3] == {"data_seed": 7} and type(got[3]["data_seed"]) is int
    big = 2**62
    type_into(qtbot, panel.seed, str(big))
    assert got[4] == {"data_seed": big}
    type_into(qtbot, panel.seed, "99999999999999999999")  # past 2**63 - 1: refused
    assert len(got) == 5 and panel.seed.value() == big


# --- ActivationPanel ------------------------------------------------------------------


def test_activation_panel_names_and_no_emit(qtbot):
    panel = make(qtbot, ActivationPanel)
    got = spy(panel.changed)
    names = [panel.activation.itemText(i) for i in range(panel.activation.count())]
    assert names == [
        "ReLU", "Leaky ReLU", "ELU", "GELU", "Tanh", "Sigmoid", "Linear", "Softplus", "Swish",
        "Sine",
    ]  # fmt: skip
    assert [panel.activation.itemData(i) for i in range(10)] == list(C.ACTIVATIONS)
    panel.set_config(Config(activation="gelu", loss="cross-entropy"))
    assert panel.activation.currentText() == "GELU"
    assert panel.loss.currentData() == "cross-entropy"
    assert got == []


@pytest.mark.parametrize(
    "cfg, text",
    [
        (Config(), "tanh + MSE"),
        (Config(loss="cross-entropy"), "sigmoid + cross-entropy"),
        (Config(dataset="blobs", classes=3, loss="cross-entropy"), "softmax + cross-entropy"),
        (Config(dataset="blobs", classes=2, loss="cross-entropy"), "sigmoid + cross-entropy"),
        (Config(dataset="plane"), "linear + MSE"),
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
    got = spy(panel.changed)
    choose(panel.activation, "relu")
    choose(panel.loss, "cross-entropy")
    assert got == [{"activation": "relu"}, {"loss": "cross-entropy"}]
    for change in got:
        cfg = applies(cfg, change)
    assert panel.output.text() == "sigmoid + cross-entropy"  # the panel shows its own change


def test_cross_entropy_disabled_for_regression(qtbot):
    panel = make(qtbot, ActivationPanel)
    panel.set_config(Config(dataset="plane"))
    assert not item_enabled(panel.loss, "cross-entropy")
    assert item_enabled(panel.loss, "mse")
    got = spy(panel.changed)
    choose(panel.loss, "cross-entropy")  # even if it were reached somehow
    assert got == []
    assert panel.loss.currentData() == "mse"
    panel.set_config(Config(dataset="circle"))
    assert item_enabled(panel.loss, "cross-entropy")


# --- InitPanel ---------------------------------------------------------------------------


def test_init_panel_friendly_names(qtbot):
    panel = make(qtbot, InitPanel)
    texts = {panel.init.itemData(i): panel.init.itemText(i) for i in range(panel.init.count())}
    assert list(texts) == list(C.WEIGHT_INITS)
    assert texts["tf_playground"] == "TF Playground U(−0.5, 0.5)"
    assert texts["xavier_uniform"] == "Xavier/Glorot uniform"
    assert texts["uniform"] == "Uniform ±a" and texts["normal"] == "Normal σ"
    assert texts["orthogonal"] == "Orthogonal" and texts["torch_default"] == "PyTorch default"
    bias = [panel.bias_init.itemData(i) for i in range(panel.bias_init.count())]
    assert bias == list(C.BIAS_INITS)


def test_init_panel_shows_config_without_emitting(qtbot):
    panel = make(qtbot, InitPanel)
    got = spy(panel.changed)
    panel.set_config(
        Config(init="uniform", init_scale=0.25, bias_init="constant", bias_value=-0.2, init_seed=9)
    )
    assert panel.init.currentData() == "uniform"
    assert panel.scale.isEnabled() and panel.scale.value() == 0.25
    assert panel.scale_label.text() == "Half-width a"
    assert panel.bias_value.isEnabled() and panel.bias_value.value() == -0.2
    assert panel.seed.value() == 9
    panel.set_config(Config(init="xavier_normal", init_gain=2.0, activation="relu"))
    assert panel.gain.isEnabled() and panel.gain.value() == 2.0
    assert not panel.gain_auto.isChecked()
    qtbot.wait(WAIT)
    assert got == []


@pytest.mark.parametrize("scheme", C.WEIGHT_INITS)
def test_scale_and_gain_enabled_only_where_they_apply(qtbot, scheme):
    panel = make(qtbot, InitPanel)
    panel.set_config(Config(init=scheme))
    assert panel.scale.isEnabled() == (scheme in ("constant", "uniform", "normal"))
    gain_schemes = {"xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "orthogonal"}
    assert panel.gain_auto.isEnabled() == (scheme in gain_schemes)
    assert not panel.gain.isEnabled()  # auto gain: the value is shown, not edited
    if scheme not in ("constant", "uniform", "normal"):
        assert panel.scale.text() == "—"


@pytest.mark.parametrize(
    "scheme, label, default",
    [("constant", "Value c", 0.1), ("uniform", "Half-width a", 0.5), ("normal", "Std dev σ", 0.1)],
)
def test_scale_label_and_default_follow_scheme(qtbot, scheme, label, default):
    panel = make(qtbot, InitPanel)
    panel.set_config(Config(init=scheme))
    assert panel.scale_label.text() == label
    assert panel.scale.value() == pytest.approx(default)
    assert default == C.DEFAULT_INIT_SCALE[scheme]
    # a negative half-width or deviation cannot be typed in; a negative constant can
    assert (panel.scale.minimum() < 0) == (scheme == "constant")


def test_scheme_change_resets_scale_so_the_config_accepts_it(qtbot):
    panel = make(qtbot, InitPanel)
    cfg = Config(init="constant", init_scale=-0.3)
    panel.set_config(cfg)
    got = spy(panel.changed)
    choose(panel.init, "uniform")  # -0.3 would be an invalid half-width
    assert got == [{"init": "uniform", "init_scale": None}]
    new = applies(cfg, got[0])
    assert panel.scale.value() == new.effective_init_scale == 0.5
    type_into(qtbot, panel.scale, "0.8")
    assert got[1] == {"init_scale": 0.8} and type(got[1]["init_scale"]) is float
    applies(new, got[1])


def test_gain_auto_and_value(qtbot):
    panel = make(qtbot, InitPanel)
    cfg = Config(init="he_uniform", activation="relu")
    panel.set_config(cfg)
    assert panel.gain_auto.isChecked()
    assert panel.gain.value() == pytest.approx(calculate_gain("relu"), abs=1e-3)
    got = spy(panel.changed)
    panel.gain_auto.click()  # off: own value, starting from the automatic one
    assert got == [{"init_gain": 1.414}]
    assert panel.gain.isEnabled()
    type_into(qtbot, panel.gain, "2.5")
    assert got[1] == {"init_gain": 2.5}
    panel.gain_auto.click()
    assert got[2] == {"init_gain": None}
    assert not panel.gain.isEnabled()
    for change in got:
        cfg = applies(cfg, change)


def test_bias_init_and_value(qtbot):
    panel = make(qtbot, InitPanel)
    cfg = Config()
    got = spy(panel.changed)
    assert panel.bias_value.isEnabled()  # the default is constant 0.1
    choose(panel.bias_init, "zeros")
    assert got == [{"bias_init": "zeros"}]
    assert not panel.bias_value.isEnabled()
    choose(panel.bias_init, "constant")
    type_into(qtbot, panel.bias_value, "-0.5")
    assert got[1:] == [{"bias_init": "constant"}, {"bias_value": -0.5}]
    for change in got:
        cfg = applies(cfg, change)
    assert cfg.bias_value == -0.5


def test_reinitialize_and_seed(qtbot):
    panel = make(qtbot, InitPanel)
    panel.set_config(Config(init_seed=3))
    got = spy(panel.changed)
    panel.reinit.click()
    assert got == [{"init_seed": 4}]
    panel.reinit.click()
    assert got[1] == {"init_seed": 5}
    type_into(qtbot, panel.seed, "100")
    assert got[2] == {"init_seed": 100}


# --- RegularizationPanel ----------------------------------------------------------------


def test_regularization_panel(qtbot):
    panel = make(qtbot, RegularizationPanel)
    got = spy(panel.changed)
    assert not panel.rate.isEnabled() and not panel.bias.isEnabled()  # none
    panel.set_config(Config(regularization="l1", reg_rate=0.003, reg_bias=True))
    assert panel.kind.currentData() == "l1"
    assert panel.rate.currentText() == "0.003" and panel.rate.isEnabled()
    assert panel.bias.isChecked() and panel.bias.isEnabled()
    assert got == []
    rates = [panel.rate.itemData(i) for i in range(panel.rate.count())]
    assert rates == [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
    assert "½w²" in panel.kind.itemData(panel.kind.findData("l2"), Qt.ItemDataRole.ToolTipRole)


def test_regularization_emits(qtbot):
    panel = make(qtbot, RegularizationPanel)
    cfg = Config()
    got = spy(panel.changed)
    choose(panel.kind, "elastic")
    choose(panel.rate, 0.03)
    panel.bias.click()
    type_into(qtbot, panel.rate, "0.05")  # a rate not in the list
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
    type_into(qtbot, panel.rate, text)
    assert got == []
    assert panel.rate.currentText() == "0.1"  # the shown value comes back


# --- OptimizerPanel ------------------------------------------------------------------------


def test_optimizer_panel_shows_config_without_emitting(qtbot):
    panel = make(qtbot, OptimizerPanel)
    got = spy(panel.changed)
    panel.set_config(
        Config(optimizer="momentum", lr=0.1, momentum=0.8, schedule="cosine", lr_period=50)
    )
    assert panel.optimizer.currentText() == "Momentum"
    assert panel.lr.currentText() == "0.1"
    assert panel.momentum.value() == 0.8 and panel.momentum.isEnabled()
    assert panel.schedule.currentData() == "cosine"
    assert panel.period.value() == 50 and panel.period.isEnabled()
    assert panel.lr_min.isEnabled() and not panel.gamma.isEnabled()
    qtbot.wait(WAIT)
    assert got == []
    lrs = [panel.lr.itemText(i) for i in range(panel.lr.count())]
    assert lrs == [
        "0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10",
    ]  # fmt: skip
    algos = [panel.optimizer.itemText(i) for i in range(panel.optimizer.count())]
    assert algos == ["SGD", "Momentum", "Nesterov", "RMSProp", "Adam"]


@pytest.mark.parametrize("optimizer", C.OPTIMIZERS)
def test_optimizer_relevant_controls(qtbot, optimizer):
    panel = make(qtbot, OptimizerPanel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_config(Config(optimizer=optimizer))
    assert panel.momentum.isEnabled() == (optimizer in ("momentum", "nesterov"))
    assert panel.advanced.isVisible() == (optimizer in ("adam", "rmsprop"))
    assert not panel.beta1.isVisible()  # the expander starts closed
    if optimizer in ("adam", "rmsprop"):
        panel.advanced.click()
        assert panel.beta1.isVisible() == panel.beta2.isVisible() == (optimizer == "adam")
        assert panel.alpha.isVisible() == (optimizer == "rmsprop")
        assert panel.eps.isVisible()


@pytest.mark.parametrize("schedule", C.SCHEDULES)
def test_schedule_parameters_enabled_when_relevant(qtbot, schedule):
    panel = make(qtbot, OptimizerPanel)
    panel.set_config(Config(schedule=schedule))
    assert panel.gamma.isEnabled() == (schedule in ("step", "exponential"))
    assert panel.period.isEnabled() == (schedule in ("step", "cosine"))
    assert panel.lr_min.isEnabled() == (schedule == "cosine")
    if schedule in C.DEFAULT_LR_GAMMA:
        assert panel.gamma.value() == C.DEFAULT_LR_GAMMA[schedule]


def test_learning_rate_is_immediate(qtbot):
    panel = make(qtbot, OptimizerPanel)
    got = spy(panel.changed)
    choose(panel.lr, 0.3)
    assert got == [{"lr": 0.3}]  # no waiting
    type_into(qtbot, panel.lr, "0.05")
    assert got[1] == {"lr": 0.05} and type(got[1]["lr"]) is float
    choose(panel.lr, 1.0)
    assert got[2] == {"lr": 1.0} and type(got[2]["lr"]) is float
    type_into(qtbot, panel.lr, "500")  # beyond the Config's 100
    assert len(got) == 3 and panel.lr.currentText() == "1"


def test_optimizer_emits_valid_changes(qtbot):
    panel = make(qtbot, OptimizerPanel)
    cfg = Config()
    got = spy(panel.changed)
    choose(panel.optimizer, "nesterov")
    type_into(qtbot, panel.momentum, "0.95")
    choose(panel.optimizer, "adam")
    panel.advanced.click()
    type_into(qtbot, panel.beta1, "0.8")
    type_into(qtbot, panel.beta2, "0.99")
    type_into(qtbot, panel.eps, "1e-6")
    choose(panel.optimizer, "rmsprop")
    type_into(qtbot, panel.alpha, "0.9")
    choose(panel.schedule, "step")
    type_into(qtbot, panel.gamma, "0.7")
    type_into(qtbot, panel.period, "30")
    choose(panel.schedule, "cosine")
    type_into(qtbot, panel.lr_min, "0.001")
    assert got == [
        {"optimizer": "nesterov"},
        {"momentum": 0.95},
        {"optimizer": "adam"},
        {"beta1": 0.8},
        {"beta2": 0.99},
        {"eps": 1e-6},
        {"optimizer": "rmsprop"},
        {"rmsprop_alpha": 0.9},
        {"schedule": "step", "lr_gamma": None},
        {"lr_gamma": 0.7},
        {"lr_period": 30},
        {"schedule": "cosine", "lr_gamma": None},
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


def _drive(qtbot, panel):
    """Work every control of a panel once, the way a person would."""
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
        if button.isEnabled() and button.isVisible():
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
        DataPanel(thumbnails()),
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
