"""Faster building (issue 14): the hidden layers typed as sizes build the same
network as clicks on + and −; a typo is said under the field and changes nothing."""

import pytest
from test_file_menu import _shows

from playground import Config


@pytest.fixture
def window(open_window):
    return open_window(Config())


def _type(field, text):
    field.edit.setText(text)
    field.edit.editingFinished.emit()


def test_typed_sizes_build_what_clicks_build(qtbot, window):
    field = window.activation_panel.control("hidden")
    assert field.edit.text() == "4,2"
    _type(field, "8, 8,4")
    typed = window.experiment.config
    assert typed.hidden == (8, 8, 4)
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.hidden == (8, 8, 4)), timeout=8000)
    typed_layers = [w.shape for w in window.experiment.snapshot.weights]
    _type(field, "4,2")  # back, then the same by clicks
    ex = window.experiment
    ex.add_layer()
    for layer, target in ((0, 8), (1, 8), (2, 4)):
        while ex.config.hidden[layer] < target:
            ex.add_neuron(layer)
        while ex.config.hidden[layer] > target:
            ex.remove_neuron(layer)
    assert ex.config.replace(init_seed=typed.init_seed) == typed
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.hidden == (8, 8, 4)), timeout=8000)
    assert [w.shape for w in window.experiment.snapshot.weights] == typed_layers
    assert field.edit.text() == "8,8,4"  # the field follows the clicks


@pytest.mark.parametrize("text", ["8,x", "8,,99", ",".join(["2"] * 17), "-1"])
def test_a_typo_is_one_sentence_and_changes_nothing(window, text):
    field = window.activation_panel.control("hidden")
    before = window.experiment.config
    _type(field, text)
    assert field.error.isVisibleTo(window) and field.error.text().endswith(".")
    assert "\n" not in field.error.text() and window.experiment.config == before
    _type(field, "")  # empty: no hidden layer at all
    assert window.experiment.config.hidden == () and not field.error.isVisibleTo(window)
