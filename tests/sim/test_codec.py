"""The config codec under hypothesis, and the published limits and compute budget."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sim.codec import from_json, from_mapping, parse_value, to_json, to_query
from sim.config import (
    BUDGET,
    DEFAULT,
    FIELDS,
    MEMORY_BUDGET,
    MIN_BURST,
    SPECS,
    ConfigError,
    RunConfig,
    max_burst_steps,
    memory_estimate,
    problems,
    train_size,
)


def _field(name: str) -> st.SearchStrategy:
    spec = SPECS[name]
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is str:
        return st.sampled_from(spec.choices)
    if spec.kind is int:
        return st.integers(int(spec.lo), int(spec.hi))
    return st.floats(spec.lo, spec.hi, allow_nan=False, allow_infinity=False)


@st.composite
def valid_configs(draw) -> RunConfig:
    cfg = RunConfig(**{name: draw(_field(name)) for name in FIELDS})
    # Most random (depth, width, batch) triples are over the compute budget: shrink the batch
    # to what the budget allows, as a user would.
    per_sample = cfg.depth * max(cfg.width, 8) ** 2
    most = int(BUDGET // MIN_BURST // per_sample)
    if min(cfg.batch_size, train_size(cfg)) > most:
        cfg = cfg.replace(batch_size=max(1, draw(st.integers(1, max(1, most)))))
    assume(not problems(cfg))
    return cfg


ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)
KEYS = st.sampled_from(FIELDS) | st.text(max_size=12)


@given(valid_configs())
def test_query_round_trip(cfg):
    query = to_query(cfg)
    assert all(isinstance(v, str) for v in query.values())
    assert from_mapping(query) == (cfg, [])


@given(valid_configs())
def test_json_round_trip(cfg):
    assert from_json(to_json(cfg)) == (cfg, [])


@given(valid_configs(), valid_configs())
def test_round_trip_is_independent_of_the_base(cfg, base):
    assert from_mapping(to_query(cfg), base) == (cfg, [])


@given(st.sampled_from(FIELDS), st.text())
def test_any_text_for_any_key_never_raises(key, text):
    cfg, rejected = from_mapping({key: text})
    assert problems(cfg) == []
    if rejected:  # a rejected value leaves the default
        assert getattr(cfg, key) == getattr(DEFAULT, key) or key in ("batch_size", "compute")
    else:
        value, problem = parse_value(key, text)
        assert problem is None and getattr(cfg, key) == value


@given(st.dictionaries(KEYS, st.text() | st.lists(st.text(), max_size=3), max_size=12))
def test_any_query_never_raises(params):
    cfg, rejected = from_mapping(params)
    assert problems(cfg) == []
    assert all(isinstance(p.code, str) and str(p) for p in rejected)


@given(st.dictionaries(KEYS, ANY_VALUE, max_size=8))
def test_any_json_object_never_raises(data):
    cfg, _ = from_json(json.dumps(data, allow_nan=True))
    assert problems(cfg) == []


@given(st.dictionaries(KEYS, ANY_VALUE | st.tuples(ANY_VALUE), max_size=8))
def test_any_python_mapping_never_raises(data):
    cfg, _ = from_mapping(data)
    assert problems(cfg) == []


@given(st.text())
def test_from_json_on_any_text_never_raises(text):
    cfg, rejected = from_json(text)
    assert problems(cfg) == []


@pytest.mark.parametrize("text", ["[1, 2]", "null", '"depth"', "{", "1e999", "[" * 5000])
def test_from_json_rejects_non_objects(text):
    cfg, rejected = from_json(text)
    assert cfg == DEFAULT and [p.field for p in rejected] == ["json"]


def test_bad_values_fall_back_and_are_listed():
    cfg, rejected = from_mapping(
        {"depth": "100", "lr": "nan", "activation": "RELU", "residual": "maybe", "x": "1"}
    )
    assert cfg == DEFAULT.replace(activation="relu")  # case and spaces are forgiven
    assert {(p.field, p.code) for p in rejected} == {
        ("depth", "range"),
        ("lr", "type"),
        ("residual", "type"),
    }
    assert "depth: '100' is outside 1..64" in [str(p) for p in rejected]


def test_repeated_query_key_last_wins():
    assert from_mapping({"depth": ["3", "7"]})[0].depth == 7


def test_echoed_value_is_short():
    _, rejected = from_mapping({"activation": "x" * 10_000})
    assert len(str(rejected[0])) < 400


# ---------------------------------------------------------------------------------------------
# Limits and the compute budget


@pytest.mark.parametrize(
    "changes",
    [
        {"depth": 0},
        {"depth": 65},
        {"width": 513},
        {"lr": 0.0},
        {"dropout": 0.95},
        {"activation": "swish"},
        {"residual": 1},
        {"seed": 2**31},
    ],
)
def test_limits(changes):
    cfg = DEFAULT.replace(**changes)
    found = problems(cfg)
    assert [p.field for p in found] == list(changes)
    with pytest.raises(ConfigError) as err:
        cfg.validated()
    assert err.value.problems == found


def test_budget_refuses_and_says_what_to_lower():
    cfg = DEFAULT.replace(depth=64, width=512, n_samples=4000, batch_size=4000)
    found = problems(cfg)
    assert [p.code for p in found] == ["budget", "memory"]  # that big is over both
    assert max_burst_steps(cfg) < MIN_BURST
    assert memory_estimate(cfg) > MEMORY_BUDGET
    assert all("lower depth, width or batch_size" in str(p) for p in found)
    fixed, rejected = from_mapping(to_query(cfg))  # the codec falls back until it fits
    assert problems(fixed) == [] and [p.code for p in rejected] == ["budget", "memory"]


def test_memory_budget_alone_refuses_a_network_too_big_to_hold():
    cfg = DEFAULT.replace(depth=64, width=512, batch_size=8)  # cheap per step, huge to hold
    assert max_burst_steps(cfg) >= MIN_BURST
    found = problems(cfg)
    assert [p.code for p in found] == ["memory"]
    assert found[0].params["mb"] > found[0].params["limit_mb"] == MEMORY_BUDGET / 2**20
    fixed, rejected = from_mapping(to_query(cfg))
    assert problems(fixed) == [] and [p.code for p in rejected] == ["memory"]
    assert fixed.depth == 64  # width went back to the default first, and that was enough
    assert fixed.width == DEFAULT.width


def test_budget_allows_the_presets_and_the_limits_one_at_a_time():
    for name in ("depth", "width", "batch_size", "n_samples"):
        cfg = DEFAULT.replace(**{name: int(SPECS[name].hi)})
        assert max_burst_steps(cfg) >= MIN_BURST, name
        assert problems(cfg) == [], name


def test_batchnorm_needs_two_samples():
    found = problems(DEFAULT.replace(norm="batchnorm", batch_size=1))
    assert [(p.field, p.code) for p in found] == [("batch_size", "combination")]
