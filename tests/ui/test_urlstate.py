"""Every screen's URL table (ui.common.urlstate) under hypothesis: any string for any key is
read without raising, a kept value is written back as text that reads the same, a key of the
other kind of network is read as nothing and never written, and each screen's own state
round-trips through its keys."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from lessons.exercises.loading import EXERCISES
from sim.activations import ACTIVATIONS
from sim.analysis import compare
from sim.config import DEFAULT, FIELDS, problems
from sim.presets import PRESETS, TIME_PRESETS
from ui.common import urlstate
from ui.compare import lab as compare_state
from ui.explorer import state as explorer_state
from ui.playground import state as playground_state
from ui.through_time import state as time_state
from ui.workshop import pin as teacher

TABLES = {
    "playground": playground_state.TABLE,
    "through_time": time_state.TABLE,
    "compare": compare_state.TABLE,
    "explorer": explorer_state.TABLE,
    "teacher": teacher.TABLE,
    "lang": urlstate.LANG.table,
}
DROPPED = {"playground": urlstate.RECURRENT_ONLY, "through_time": urlstate.MLP_ONLY}
NAME_LISTS = {
    ("teacher", teacher.LOCK_PARAM),
    ("teacher", teacher.HIDE_PARAM),
    ("explorer", "acts"),
}
EVERY_KEY = [(screen, name) for screen, table in TABLES.items() for name in table.keys]
EDGE = ["", " ", "nan", "-inf", "1e309", "9" * 5000, "0x10", "1_000", "١٢", "😀", "\x00", "[]"]
RAW = st.sampled_from(EDGE) | st.text(max_size=60) | st.integers().map(str) | st.floats().map(repr)
CONFIGS = [
    DEFAULT,
    *(p.cfg for p in PRESETS.values()),
    *(e.start_config for e in EXERCISES.values() if not e.start_config.recurrent),
]
TIME_CONFIGS = [
    *(p.cfg for p in TIME_PRESETS.values()),
    *(e.start_config for e in EXERCISES.values() if e.start_config.recurrent),
]


def no_names(raw) -> bool:
    """A list of names with none in it (`lock=`, `acts=,`): it asks for nothing."""
    text = raw[-1] if isinstance(raw, list) else raw
    return not any(n.strip() for n in text[: urlstate.NAMES_READ].split(","))


@given(st.sampled_from(EVERY_KEY), RAW | st.lists(RAW, min_size=1, max_size=3))
@example(where=("teacher", "lock"), raw="")
@example(where=("explorer", "acts"), raw=" , ")
def test_any_string_for_any_key_is_kept_in_normal_form_or_named(where, raw):
    table = TABLES[where[0]]
    key = table.keys[where[1]]
    values, found = table.read({key.name: raw})
    if where in NAME_LISTS and no_names(raw):
        assert values == {} and found == []  # the default stays, and there is nothing to name
        return
    if key.name in DROPPED.get(where[0], ()):  # the other kind of network's field
        assert values == {} and found == [] and key.format(raw) is None
        return
    assert set(values) <= {key.field}
    assert all(p.field == key.name for p in found)
    if key.field not in values:
        assert found  # nothing kept: the notice says why
        return
    text = key.format(values[key.field])
    again, more = table.read({key.name: text})
    assert more == [] and key.format(again[key.field]) == text


@given(st.sampled_from(EVERY_KEY))
def test_every_default_round_trips(where):
    key = TABLES[where[0]].keys[where[1]]
    if key.default is None or key.format(key.default) is None:
        return  # a flag that is absent by default
    values, found = TABLES[where[0]].read({key.name: key.format(key.default)})
    assert found == [] and values[key.field] == key.default


@given(st.sampled_from(CONFIGS), st.sampled_from([None, *PRESETS]))
def test_playground_config_round_trips(cfg, preset):
    query = playground_state.TABLE.query(cfg.to_dict())
    assert set(query) == set(urlstate.MLP_FIELDS)  # every MLP field: a link survives new defaults
    if preset is not None:
        query["preset"] = preset  # the fields win over the preset
    assert playground_state.config_of(query) == (cfg, [])


@given(st.sampled_from(TIME_CONFIGS), st.sampled_from([None, *time_state.PRESETS]))
def test_through_time_config_round_trips(cfg, preset):
    query = time_state.TABLE.query(cfg.to_dict())
    assert set(query) == set(urlstate.RECURRENT_FIELDS)  # no MLP-only field
    if preset is not None:
        query["preset"] = preset  # the fields win over the preset
    assert time_state.config_of(query) == (cfg, [])


@given(st.sampled_from(CONFIGS + TIME_CONFIGS))
def test_each_screen_drops_the_other_networks_keys(cfg):
    """A link with every field: each screen keeps its own network's fields and drops the rest."""
    query = {k: str(v) for k, v in cfg.to_dict().items()}
    for screen, drop in DROPPED.items():
        table = TABLES[screen]
        values, found = table.read(query)
        assert not drop & set(values) and not drop & set(table.query(cfg.to_dict()))


@given(st.sampled_from(CONFIGS), st.sampled_from(list(compare.FACTORS)), st.integers(2, 4))
def test_compare_runs_round_trip(cfg, factor, n):
    cfgs = compare.align(compare.vary(cfg, factor, n))
    runs, found = compare_state.runs_of(compare.to_query(cfgs))
    assert runs == cfgs and found == []


@given(
    st.lists(st.sampled_from(list(ACTIVATIONS)), min_size=1, max_size=5, unique=True),
    st.integers(-24, 23).map(lambda x: x / 2),
    st.sampled_from(explorer_state.INIT_CHOICES),
    st.integers(*explorer_state.DEPTHS),
)
def test_explorer_choices_round_trip(acts, lo, init, depth):
    state = {"ex_acts": acts, "ex_range": (lo, lo + 0.5), "ex_init": init, "ex_depth": depth}
    values, found = explorer_state.parse(explorer_state.to_query(state))
    assert values == state and found == []


@given(
    st.sampled_from([None, *EXERCISES]),
    st.sampled_from([None, *PRESETS]),
    st.sets(st.sampled_from(FIELDS)),
    st.sets(st.sampled_from(FIELDS)),
)
def test_teacher_flags_round_trip(exercise, start, locked, hidden):
    pin = teacher.Pin(exercise, frozenset(locked - hidden), frozenset(hidden), start=start)
    parsed, _, found, _ = teacher.parse_pin(pin.query())
    if not pin.query():
        assert parsed is None
        return
    assert found == [] and parsed.query() == pin.query()
    assert (parsed.exercise, parsed.locked, parsed.hidden) == (exercise, pin.locked, pin.hidden)


KEYS = st.sampled_from([*compare_state.TABLE.keys, "r5_depth", "r2_bogus"]) | st.text(max_size=8)


@given(st.dictionaries(KEYS, RAW | st.lists(RAW, min_size=1, max_size=3), max_size=8))
def test_any_compare_link_gives_valid_runs_that_differ_unless_named(params):
    params = compare_state.TABLE.owned(params)  # what the screen reads of a URL
    cfgs, _ = compare_state.runs_of(params)
    assert 1 <= len(cfgs) <= compare.MAX_RUNS and all(problems(c) == [] for c in cfgs)
    names_a_run = "runs" in params or any(k[:3] in ("r2_", "r3_", "r4_") for k in params)
    if not names_a_run and len(cfgs) > 1:
        assert cfgs[0] != cfgs[1]


@given(st.dictionaries(st.sampled_from(list(playground_state.TABLE.keys)), RAW, max_size=8))
def test_any_playground_link_gives_a_valid_config(params):
    cfg, _ = playground_state.config_of(params)
    assert problems(cfg) == []
