"""One table of hyperparameters: TrainConfig, the form parser, the CLI and the built page all follow it."""

import math
import re
from html import escape

import pytest

from browser import DIST
from digitlab.cli import build_parser
from digitlab.config import HYPERPARAMETERS, ConfigError, TrainConfig, parse_config

DEFAULT_FORM = {"method": "lbfgs", "lr": "1", "iterations": "30", "batch-size": "0", "l2": "0.0006", "seed": "0"}


def test_the_default_form_is_the_default_config():
    assert parse_config(DEFAULT_FORM) == TrainConfig()
    assert {h.key: h.default_text for h in HYPERPARAMETERS} == DEFAULT_FORM


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("lr", "", "empty"),
        ("lr", "abc", "not a number"),
        ("lr", "-1", "learning rate must be a number above 0"),
        ("lr", "0", "learning rate"),
        ("lr", "nan", "not a finite number"),
        ("lr", "1e999", "not a finite number"),
        ("iterations", "2.5", "not a whole number"),
        ("iterations", "99999999", "iterations must be a whole number from 1 to 10000"),
        ("iterations", "0", "iterations"),
        ("batch-size", "-5", "batch size"),
        ("l2", "x", "not a number"),
        ("l2", "11", "L2 must be a number from 0 to 10"),
        ("seed", "-1", "seed"),
        ("method", "newton", "method must be one of lbfgs, gd"),
    ],
)
def test_a_bad_form_value_names_its_field(field, value, message):
    with pytest.raises(ConfigError, match=message) as caught:
        parse_config({**DEFAULT_FORM, field: value})
    assert caught.value.fields == [field]


def test_every_bad_field_is_reported_in_one_round():
    with pytest.raises(ConfigError) as caught:
        parse_config({"method": "lbfgs", "lr": "fast", "iterations": "0", "batch-size": "1", "l2": "-1", "seed": ""})
    assert caught.value.fields == ["lr", "iterations", "l2", "seed"]
    assert "learning rate" in caught.value.problems["lr"] and "empty" in caught.value.problems["seed"]


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"learning_rate": 0}, "lr"),
        ({"learning_rate": math.nan}, "lr"),
        ({"learning_rate": "1"}, "lr"),
        ({"iterations": 10**9}, "iterations"),
        ({"iterations": 2.5}, "iterations"),
        ({"iterations": True}, "iterations"),
        ({"batch_size": -3}, "batch-size"),
        ({"l2": -0.1}, "l2"),
        ({"seed": 2**32}, "seed"),
    ],
)
def test_train_config_refuses_what_the_table_refuses(kwargs, field):
    with pytest.raises(ConfigError) as caught:
        TrainConfig(**kwargs)
    assert caught.value.fields == [field]


def test_the_cli_takes_its_flags_and_defaults_from_the_table():
    args = build_parser().parse_args(["train"])
    assert {h.name: getattr(args, h.name) for h in HYPERPARAMETERS} == TrainConfig().as_dict()
    args = build_parser().parse_args(["train", "--learning-rate", "0.5", "--batch-size", "8"])
    assert (args.learning_rate, args.batch_size) == (0.5, 8)


@pytest.mark.built
def test_the_built_page_has_one_field_per_hyperparameter_with_its_default():
    html = (DIST / "index.html").read_text()
    html = html[html.index('<form class="params"') : html.index("</form>")]  # the form, not the page's other selects
    inputs = re.findall(r'<input data-testid="([a-z0-9-]+)" name="[^"]+" [^>]*value="([^"]*)"', html)
    selects = re.findall(r'<select data-testid="([a-z0-9-]+)".*?<option value="([^"]+)" selected>', html)
    assert sorted(inputs + selects) == sorted((h.key, h.default_text) for h in HYPERPARAMETERS)
    for h in HYPERPARAMETERS:
        assert escape(h.help) in html
