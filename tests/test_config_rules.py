"""Config owns its invariants: linked changes, which fields apply, which choices are open."""

import dataclasses

import pytest

from playground.core import config as C
from playground.core.config import Config, ConfigError


def test_a_regression_dataset_brings_its_only_loss():
    cfg = Config(loss="cross-entropy")
    assert cfg.replace(dataset="plane").loss == "mse"
    assert cfg.replace(problem="regression", dataset="line").loss == "mse"
    # asked for together, the contradiction is refused, naming the field
    with pytest.raises(ConfigError) as refused:
        cfg.replace(dataset="plane", loss="cross-entropy")
    assert refused.value.field == "loss"
    # back to classification, the loss stays what it is
    assert cfg.replace(dataset="plane").replace(dataset="xor").loss == "mse"


def test_a_new_dataset_picks_its_own_problem():
    assert Config().replace(dataset="multi-gauss").problem == "regression"
    assert Config(dataset="plane").replace(dataset="spiral").problem == "classification"


def test_a_new_scheme_or_schedule_starts_at_its_own_default():
    cfg = Config(init="uniform", init_scale=2.0, schedule="step", lr_gamma=0.3)
    assert cfg.replace(init="normal").effective_init_scale == C.DEFAULT_INIT_SCALE["normal"]
    assert cfg.replace(init="normal", init_scale=0.7).init_scale == 0.7
    assert (
        cfg.replace(schedule="exponential").effective_lr_gamma == C.DEFAULT_LR_GAMMA["exponential"]
    )
    assert cfg.replace(schedule="exponential", lr_gamma=0.5).lr_gamma == 0.5
    assert cfg.replace(lr=0.1).init_scale == 2.0  # unrelated changes keep them
    # naming the same scheme or schedule again changes nothing
    assert cfg.replace(init="uniform").init_scale == 2.0
    assert cfg.replace(schedule="step").lr_gamma == 0.3
    assert cfg.replace(dataset="circle", problem="classification") == cfg


@pytest.mark.parametrize(
    "field, on, off",
    [
        ("momentum", {"optimizer": "momentum"}, {"optimizer": "adam"}),
        ("momentum", {"optimizer": "nesterov"}, {"optimizer": "sgd"}),
        ("beta1", {"optimizer": "adam"}, {"optimizer": "rmsprop"}),
        ("beta2", {"optimizer": "adam"}, {"optimizer": "momentum"}),
        ("rmsprop_alpha", {"optimizer": "rmsprop"}, {"optimizer": "adam"}),
        ("eps", {"optimizer": "rmsprop"}, {"optimizer": "sgd"}),
        ("lr_gamma", {"schedule": "step"}, {"schedule": "cosine"}),
        ("lr_period", {"schedule": "cosine"}, {"schedule": "exponential"}),
        ("lr_min", {"schedule": "cosine"}, {"schedule": "step"}),
        ("classes", {"dataset": "blobs"}, {"dataset": "xor"}),
        ("init_scale", {"init": "normal"}, {"init": "he_normal"}),
        ("init_gain", {"init": "orthogonal"}, {"init": "lecun_normal"}),
        ("bias_value", {"bias_init": "constant"}, {"bias_init": "zeros"}),
        ("reg_rate", {"regularization": "l2"}, {"regularization": "none"}),
        ("reg_bias", {"regularization": "l1"}, {"regularization": "none"}),
        ("formula", {"dataset": "custom", "formula": "r < 3"}, {"dataset": "circle"}),
        ("bias_init", {"use_bias": True}, {"use_bias": False}),
        ("bias_value", {"use_bias": True}, {"use_bias": False}),
        ("shift", {"dataset": "custom", "formula": "r < 3"}, {"dataset": "own", "classes": 2}),
        ("noise", {"dataset": "xor"}, {"dataset": "own", "classes": 2}),
    ],
)
def test_each_setting_applies_only_where_it_has_an_effect(field, on, off):
    assert Config().replace(**on).applies(field)
    assert not Config().replace(**off).applies(field)


def test_settings_without_a_rule_always_apply():
    cfg = Config()
    for f in dataclasses.fields(cfg):
        if f.name not in {
            "momentum", "beta1", "beta2", "rmsprop_alpha", "eps", "lr_gamma", "lr_period",
            "lr_min", "classes", "init_scale", "init_gain", "bias_value", "reg_rate", "reg_bias",
            "formula", "bias_init",
        }:  # fmt: skip
            assert cfg.applies(f.name), f.name


def test_choices_follow_the_problem():
    assert Config().choices("loss") == C.LOSSES
    assert Config(dataset="plane").choices("loss") == ("mse",)
    assert Config().choices("optimizer") == C.OPTIMIZERS


@pytest.mark.parametrize("field", sorted(C.RANGES))
def test_every_range_is_the_one_validation_uses(field):
    lo, hi, integer = C.RANGES[field]
    cfg = Config()
    step = 1 if integer else (hi - lo) * 1e-3
    # the shift is a pair, each of dx and dy in the range
    value = (lambda v: (0.0, v)) if field == "shift" else (lambda v: v)
    assert getattr(cfg.replace(**{field: value(lo)}), field) == value(lo)
    assert getattr(cfg.replace(**{field: value(hi)}), field) == value(hi)
    for outside in (lo - step, hi + step):
        with pytest.raises(ConfigError) as refused:
            cfg.replace(**{field: value(outside)})
        assert refused.value.field == field
