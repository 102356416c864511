"""The learning rate on screen is the one in use: a change applies from the next mini-batch."""

import numpy as np
import pytest

from playground import Config, Trainer


def _gradient_of_next_batch(trainer: Trainer) -> np.ndarray:
    """The gradient of the mini-batch the trainer will step on next, worked out on a
    copy straight from its network (no optimizer, no learning rate involved)."""
    twin = Trainer.from_state(trainer.state_dict())
    if twin._cursor == 0:
        twin._begin_epoch()  # draws the same order the trainer will
    start, size = twin._cursor, twin.batch_size
    xb, tb = twin._order_x[start : start + size], twin._order_t[start : start + size]
    twin.network.forward(xb)
    twin.network.backward(xb, tb)
    return twin.network.grads.copy()


@pytest.mark.parametrize("schedule", ["constant", "exponential"])
def test_a_rate_changed_mid_epoch_moves_the_next_batch_by_exactly_that_rate(schedule):
    trainer = Trainer(Config(points=200, batch_size=10, schedule=schedule, shuffle=True))
    trainer.train(3)
    trainer.step(4)  # mid-epoch: 4 of 10 batches done
    assert trainer.steps % 10 > 0
    trainer.set_config(trainer.config.replace(lr=0.25))
    reported = trainer.current_learning_rate
    snapshot_rate = trainer.snapshot().learning_rate
    gradient = _gradient_of_next_batch(trainer)
    before = trainer.network.params.copy()
    trainer.step(1)
    moved = before - trainer.network.params
    expected_rate = 0.25 * (0.99**3 if schedule == "exponential" else 1.0)
    assert reported == snapshot_rate == pytest.approx(expected_rate, rel=1e-15)
    np.testing.assert_allclose(moved, reported * gradient, rtol=1e-12, atol=1e-15)


def test_the_reported_rate_follows_the_schedule_across_epochs():
    trainer = Trainer(Config(points=40, batch_size=10, schedule="step", lr_period=2, lr=0.1))
    rates = []
    for _ in range(6):
        rates.append(trainer.current_learning_rate)
        gradient = _gradient_of_next_batch(trainer)
        before = trainer.network.params.copy()
        trainer.step(1)  # the first batch of the epoch: moved by the rate reported before it
        np.testing.assert_allclose(before - trainer.network.params, rates[-1] * gradient)
        trainer.train_epoch()  # the rest of the epoch
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_a_rate_change_survives_saving_mid_epoch():
    trainer = Trainer(Config(points=200, batch_size=10))
    trainer.step(3)
    trainer.set_config(trainer.config.replace(lr=0.5))
    reopened = Trainer.from_state(trainer.state_dict())
    assert reopened.current_learning_rate == trainer.current_learning_rate == 0.5
    trainer.train_epoch()
    reopened.train_epoch()
    assert np.array_equal(trainer.network.params, reopened.network.params)
