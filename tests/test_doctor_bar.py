"""The doctor's bar above the network: the first finding, its remedies, Not now."""

import dataclasses

import pytest

from playground import Config, Trainer
from playground.app.doctor_bar import DoctorBar, first_finding
from playground.core.diagnostics_types import Finding, Remedy

DEAD = Finding(
    "dead_units",
    "3 of 8 units in hidden layer 1 are dead.",
    layer=0,
    units=(0, 2, 5),
    remedies=(
        Remedy("Leaky ReLU", {"activation": "leaky_relu"}),
        Remedy("He initialization", {"init": "he_normal"}),
        Remedy("Bias 0.1", {"bias_init": "constant", "bias_value": 0.1}),
        Remedy("Learning rate ÷ 10", {"lr": 0.003}),
    ),
)
FLAT = Finding("loss_plateau", "The loss has not moved for 400 epochs.")


@pytest.fixture
def bar(qtbot):
    widget = DoctorBar()
    widget.resize(1400, 90)  # room for every remedy
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def snapshot():
    return Trainer(Config(points=40)).snapshot()


def test_one_finding_at_a_time_with_its_remedies(bar, snapshot):
    bar.follow(dataclasses.replace(snapshot, findings=(DEAD, FLAT)))
    assert not bar.isHidden()
    assert bar.text.text() == DEAD.message
    shown = [b.text() for b in bar.buttons if not b.isHidden()]
    assert shown == [r.label for r in DEAD.remedies]
    assert bar.page.text() == "1 of 2" and not bar.previous.isEnabled()
    bar.next.click()
    assert bar.text.text() == FLAT.message and bar.page.text() == "2 of 2"
    assert all(b.isHidden() for b in bar.buttons)  # the plateau here offers none
    bar.follow(dataclasses.replace(snapshot, findings=(DEAD, FLAT)))  # the next frame
    assert bar.text.text() == FLAT.message  # stays on the finding being read
    bar.previous.click()
    assert bar.text.text() == DEAD.message


def test_more_shows_the_diagnostics(qtbot, bar, snapshot):
    bar.follow(dataclasses.replace(snapshot, findings=(DEAD, FLAT)))
    with qtbot.waitSignal(bar.more_wanted):
        bar.more.linkActivated.emit("#diagnostics")


def test_a_remedy_button_sends_its_remedy(qtbot, bar, snapshot):
    bar.follow(dataclasses.replace(snapshot, findings=(DEAD,)))
    with qtbot.waitSignal(bar.remedy_chosen) as chosen:
        bar.buttons[1].click()
    assert chosen.args == [DEAD.remedies[1]]


def test_it_hides_when_nothing_is_wrong_and_a_divergence_comes_first(bar, snapshot):
    bar.follow(dataclasses.replace(snapshot, findings=(DEAD,)))
    assert not bar.isHidden()
    bar.follow(snapshot)
    assert bar.isHidden()
    diverged = dataclasses.replace(
        snapshot, diverged=True, message="Training diverged in epoch 3.", findings=(DEAD,)
    )
    assert first_finding(diverged).kind == "diverged"
    bar.follow(diverged)
    assert next(b.text() for b in bar.buttons if not b.isHidden()) == "Reset"


def test_not_now_waits_until_the_findings_change(bar, snapshot):
    both = dataclasses.replace(snapshot, findings=(DEAD, FLAT))
    bar.follow(both)
    bar.dismiss.click()
    assert bar.isHidden()
    bar.follow(both)  # the same findings: still quiet
    assert bar.isHidden()
    bar.follow(dataclasses.replace(snapshot, findings=(FLAT,)))  # they changed
    assert not bar.isHidden() and bar.text.text() == FLAT.message


def test_the_status_bar_counts_dead_units(qtbot, snapshot):
    from types import SimpleNamespace

    from PySide6.QtWidgets import QStatusBar

    from playground.app.status_line import StatusLine

    bar = QStatusBar()
    qtbot.addWidget(bar)
    line = StatusLine(bar)
    line.follow(dataclasses.replace(snapshot, diagnostics=SimpleNamespace(dead_units=3)))
    assert line.dead.text() == "3 dead units" and not line.dead.isHidden()
    line.follow(dataclasses.replace(snapshot, diagnostics=SimpleNamespace(dead_units=1)))
    assert line.dead.text() == "1 dead unit"
    line.follow(snapshot)  # no diagnostics: nothing to say
    assert line.dead.isHidden()


def test_a_narrow_bar_shows_the_remedies_that_fit_whole(qtbot, bar, snapshot):
    bar.follow(dataclasses.replace(snapshot, findings=(DEAD, FLAT)))
    bar.resize(560, 90)
    bar.show()
    qtbot.waitExposed(bar)
    shown = [b for b in bar.buttons if b.isVisible()]
    assert 1 <= len(shown) < len(DEAD.remedies) and shown[0].text() == DEAD.remedies[0].label
    assert all(b.width() >= b.sizeHint().width() for b in shown)  # none cut short
    bar.resize(1400, 90)
    qtbot.waitUntil(lambda: sum(b.isVisible() for b in bar.buttons) == len(DEAD.remedies))
