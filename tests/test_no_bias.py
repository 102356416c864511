"""A network without biases (issue 13): use_bias off keeps every bias at 0 while
training, and a model with no hidden layer cannot separate two blobs that lie
on a line through the origin without them; with them it can."""

import numpy as np
import pytest

from playground.core.config import Config
from playground.core.trainer import Trainer


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_biases_stay_zero_and_weights_start_as_the_biased_network_s(optimizer):
    cfg = Config(hidden=(5, 3), optimizer=optimizer, bias_init="constant", bias_value=0.5,
                 regularization="l2", reg_rate=0.01, reg_bias=True)  # fmt: skip
    biased, plain = Trainer(cfg), Trainer(cfg.replace(use_bias=False))
    for (wb, _), (wp, bp) in zip(biased.parameters(), plain.parameters(), strict=True):
        np.testing.assert_array_equal(wb, wp)  # the same draws, the biases set to 0
        assert not bp.any()
    plain.train(20)
    assert all(not b.any() for _, b in plain.parameters())
    assert any(np.abs(w).sum() > 0 for w, _ in plain.parameters())


def test_without_biases_a_line_through_the_origin_cannot_be_shifted():
    cfg = Config(dataset="gauss", shift=(4.0, 4.0), hidden=(), lr=0.03)
    with_bias, without = Trainer(cfg), Trainer(cfg.replace(use_bias=False))
    with_bias.train(300)
    without.train(300)
    assert with_bias.metrics.test_accuracy >= 0.97
    assert without.metrics.test_accuracy <= 0.65


def test_edits_and_loads_keep_the_biases_out():
    trainer = Trainer(Config(use_bias=False))
    with pytest.raises(ValueError, match="no biases"):
        trainer.set_bias(0, 0, 1.0)
    layers = trainer.parameters()
    layers[0] = (layers[0][0], layers[0][1] + 1.0)
    with pytest.raises(ValueError, match="has none"):
        trainer.load_parameters(layers)
    state = trainer.state_dict()
    again = Trainer.from_state(state)
    assert again.config.use_bias is False
    state["params"] = state["params"].copy()
    state["params"][state["params"] == 0] = 0.25  # biases (and any zero weight) now 0.25
    with pytest.raises(ValueError, match="use_bias"):
        Trainer.from_state(state)


def test_the_window_hides_bias_squares_and_offers_no_bias_edit(qtbot, open_window):
    from view_probes import hover_at, hover_text, node_rect

    win = open_window(Config(use_bias=False, hidden=(3,)))
    view = win.network_view
    assert all(not item.isVisible() for item in view._nodes._bias_items)
    assert len(view._nodes._bias_items) > 4  # a bigger layout's spares, hidden too
    hover_at(view, node_rect(view, 1, 0).center())
    assert "no bias" in hover_text(view) and "click to edit" not in hover_text(view)
    box = win.activation_panel.widget("use_bias")
    assert not box.isChecked()
    box.click()  # biases back on: the squares come back with the rebuilt network
    qtbot.waitUntil(lambda: win.experiment.snapshot.config.use_bias, timeout=8000)
    items = view._nodes._bias_items
    qtbot.waitUntil(lambda: sum(i.isVisible() for i in items) == 4, timeout=8000)  # 3 + 1


def test_no_bias_on_the_command_line(capsys):
    from playground.cli import main

    assert main(["train", "--no-bias", "--hidden", "", "--dataset", "gauss", "--shift", "4,4",
                 "--epochs", "100", "--json"]) == 0  # fmt: skip
    import json

    assert json.loads(capsys.readouterr().out)["test_accuracy"] <= 0.65
