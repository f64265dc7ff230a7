"""Bad input from a public link, and the edges the limits allow: never an exception, always a
working page, and a notice that names what was ignored.

1. Every URL key the app reads, fed arbitrary strings (unicode, huge numbers, 'nan', '-inf',
   '1e309', empty, repeated keys), first through the pure parsers (many examples), then through
   AppTest on the screens that read them (few examples: each is a whole app run):
   - the Playground: every sim.config.FIELDS name, `preset`, `lang`, and the teacher-link flags
     `exercise`, `start`, `lock`, `hide` (ui.playground.state, ui.workshop.pin);
   - Compare: the FIELDS, `runs` and `r2_`..`r4_` + a field (ui.compare.lab);
   - the Activation explorer: `acts`, `lo`, `hi`, `init`, `depth` (ui.explorer.state);
   - the Workshop and Home screens read only `lang` (the frame), and must shrug off the rest.
   A value echoed in a notice must read as text, not as markdown (a link or an image).
2. Edges allowed by the limits: width 2, depth 1; 20 samples with batch size 1 (and BatchNorm's
   refusal of it); a preset that diverges to NaN.
3. A Reset (or any rerun) that interrupts a burst: the slot is freed, the network and its
   history stay consistent, the rest of the burst is left for Continue.
"""

from __future__ import annotations

import json
import math
import re
import threading

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lessons.exercises.loading import EXERCISES
from sim.analysis import compare
from sim.codec import from_mapping, parse_value
from sim.config import DEFAULT, FIELDS, problems
from sim.presets import PRESETS
from sim.slots import SLOTS
from tests.app.helpers import PLAYGROUND, diverged_playground, lab_of, make_app, no_exception
from ui.common.i18n import LANGS, translator
from ui.common.wording import field_label, problems_text
from ui.explorer import state as explorer_state
from ui.playground.lab import Lab
from ui.workshop.pin import FLAGS, parse_pin

COMPARE = "app_pages/compare.py"
EXPLORER = "app_pages/explorer.py"
WORKSHOP = "app_pages/workshop.py"
HOME = "app_pages/home.py"
NOTICE = "could not be used"  # common.url_notice (en)
EN = translator("en")

# ---------------------------------------------------------------------------------------------
# What a link may carry

EDGE = [
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e-400",
    "-0", "0", "-1", "1.5", "2**31", "9" * 400, "9" * 5000, "0x10", "1_000", "١٢", "１２",
    "True", "none", "null", "[]", "[1, 2]", "{}", "\x00", "😀", " relu ", "ＲＥＬＵ",
    "<script>alert(1)</script>", "![x](https://example.com/x.png)", "{value}", "{0}", "%s",
    "../../etc/passwd", "a" * 1000, "\u202e", "2", "1", "20", "64", "4000", "sigmoid,tanh",
]  # fmt: skip
ONE = st.one_of(
    st.sampled_from(EDGE),
    st.text(max_size=60),
    st.floats().map(repr),
    st.integers().map(str),
    st.integers(-(10**400), 10**400).map(str),
)
VALUE = ONE | st.lists(ONE, min_size=2, max_size=3)  # a list is a repeated key: the last wins

# A recurrent network's own fields: the Playground (an MLP) drops them from a link
RECURRENT_ONLY = ("arch", "seq_task", "seq_len", "rec_init", "forget_bias", "tbptt")
PLAYGROUND_KEYS = (*FIELDS, "lang", "preset", *FLAGS)
COMPARE_KEYS = (*FIELDS, "runs", *(f"r{i}_{f}" for i in (2, 3, 4) for f in ("depth", "lr")))
EXPLORER_KEYS = explorer_state.KEYS
ALL_KEYS = tuple(dict.fromkeys((*PLAYGROUND_KEYS, *COMPARE_KEYS, *EXPLORER_KEYS)))

APP_SETTINGS = settings(
    max_examples=12,  # each example is a whole app run: the file stays well under 90 s
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


def last(value):
    """What the app sees for a repeated key (st.query_params keeps the last)."""
    return value[-1] if isinstance(value, list) else value


def as_query(params: dict) -> dict[str, str]:
    return {k: last(v) for k, v in params.items()}


def warnings(at) -> str:
    return "\n".join(str(w.value) for w in at.warning)


def working_playground(at) -> None:
    """No exception, the page drawn, a valid network ready to train."""
    no_exception(at)
    assert at.title and at.title[0].value
    lab = lab_of(at)
    assert lab.sim is not None and problems(lab.cfg) == [] and lab.sim.cfg == lab.cfg
    assert at.button(key="train") is not None
    assert len(at.get("vega_lite_chart")) >= 1


def strict_json(text: str):
    """JSON as a browser parses it: NaN and Infinity are not JSON."""

    def refuse(name):
        raise ValueError(f"{name} in a chart spec")

    return json.loads(text, parse_constant=refuse)


# ---------------------------------------------------------------------------------------------
# 1a. The parsers, many examples each


@given(st.sampled_from(FIELDS), VALUE)
@settings(max_examples=300)
def test_codec_each_field_uses_or_names_the_value(key, raw):
    cfg, rejected = from_mapping({key: raw})
    assert problems(cfg) == []
    value, problem = parse_value(key, raw)
    if problem is None:
        assert rejected == [] and getattr(cfg, key) == value
    else:
        assert cfg == DEFAULT and [p.field for p in rejected] == [key]
        assert named(rejected[0], problems_text(rejected, EN))


def named(problem, words: str) -> bool:
    """The notice names the problem: its field's label, or the budget it broke."""
    if problem.code == "budget":
        return "Too much compute" in words
    if problem.code in ("memory", "memory_runs"):
        return "Too much memory" in words
    return field_label(problem.field, EN) in words


@given(st.dictionaries(st.sampled_from(COMPARE_KEYS) | st.text(max_size=8), VALUE, max_size=8))
@settings(max_examples=200)
def test_compare_link_never_raises_and_names_what_it_drops(params):
    cfgs, found = compare.from_query(as_query(params))
    assert 1 <= len(cfgs) <= compare.MAX_RUNS
    assert all(problems(c) == [] for c in cfgs)
    words = problems_text(found, EN)
    assert all(named(p, words) for p in found)


@given(st.dictionaries(st.sampled_from(EXPLORER_KEYS), ONE, max_size=5))
@settings(max_examples=300)
@example({"acts": "relu,relu,RELU,nope"})
@example({"lo": "-12", "hi": "12", "depth": "40"})
def test_explorer_link_keeps_values_in_their_limits(params):
    values, found = explorer_state.parse(params)
    lo, hi = values.get("ex_range", explorer_state.DEFAULTS["ex_range"])
    assert explorer_state.RANGE[0] <= lo < hi <= explorer_state.RANGE[1]
    assert all(math.isfinite(x) for x in (lo, hi))
    depth = values.get("ex_depth", explorer_state.DEFAULTS["ex_depth"])
    assert explorer_state.DEPTHS[0] <= depth <= explorer_state.DEPTHS[1]
    acts = values.get("ex_acts", explorer_state.DEFAULTS["ex_acts"])
    assert 1 <= len(acts) <= explorer_state.MAX_ACTS
    assert values.get("ex_init", "default") in explorer_state.INIT_CHOICES
    assert {p.field for p in found} <= set(EXPLORER_KEYS)


@given(st.dictionaries(st.sampled_from((*FLAGS, "preset", *FIELDS)), VALUE, max_size=8))
@settings(max_examples=200)
def test_teacher_link_never_raises(params):
    pin, cfg, found, ignored = parse_pin(as_query(params))
    assert problems(cfg) == []
    if pin is not None:
        fixed, _ = pin.enforce(cfg)
        assert fixed == cfg  # a fixed field keeps the pin's value whatever the link says
        assert set(pin.fixed) <= set(FIELDS)
    assert set(ignored) <= set(FIELDS)


# ---------------------------------------------------------------------------------------------
# 1b. Through the pages (AppTest: a whole app run per example)


def playground_bad(key: str, raw: str) -> bool:
    """Whether the Playground must say it ignored `key=raw` (an oracle independent of ui/)."""
    if key in RECURRENT_ONLY:  # the Through time screen's field: dropped (arch: an info notice)
        return False
    if key in FIELDS:
        return parse_value(key, raw)[1] is not None
    if key == "lang":
        return raw.strip().lower() not in LANGS
    if key == "preset":
        return raw not in PRESETS
    if key == "exercise":
        return raw not in EXERCISES
    if key == "start":
        return raw not in PRESETS
    names = [n.strip().lower() for n in raw[:400].split(",")]  # lock, hide: field lists
    return any(n and n not in FIELDS for n in names)


@APP_SETTINGS
@given(st.sampled_from(PLAYGROUND_KEYS), VALUE)
@example("depth", "1e309")
@example("lr", ["0.01", "nan"])
@example("lang", "-inf")
@example("preset", "")
@example("exercise", "../../etc/passwd")
@example("lock", "depth,😀")
def test_playground_any_value_for_any_key(key, raw):
    at = make_app(PLAYGROUND, query={key: raw})
    working_playground(at)
    seen, words = last(raw), warnings(at)
    if playground_bad(key, seen):
        assert NOTICE in words, (key, seen, words)
        assert field_label(key, EN) in words, (key, seen, words)
    else:
        assert NOTICE not in words, (key, seen, words)
    if key in FIELDS and key not in RECURRENT_ONLY and not playground_bad(key, seen):
        assert getattr(lab_of(at).cfg, key) == parse_value(key, seen)[0]  # a good value is used


@settings(APP_SETTINGS, max_examples=8)
@given(st.dictionaries(st.sampled_from(COMPARE_KEYS), VALUE, min_size=1, max_size=4))
@example({"runs": "1e309", "r2_depth": "nan"})
@example({"runs": "4", "r4_lr": "-inf"})
def test_compare_any_link(params):
    at = make_app(COMPARE, query=params)
    no_exception(at)
    assert at.title[0].value == EN("compare.title")
    lab = at.session_state["compare_lab"]
    assert 1 <= len(lab.cfgs) <= compare.MAX_RUNS and all(problems(c) == [] for c in lab.cfgs)
    _, found = compare.from_query(as_query(params))
    words = warnings(at)
    if found:
        assert NOTICE in words
        assert all(named(p, words) for p in found), (found, words)
    else:
        assert NOTICE not in words
    assert at.button  # the train bar is there


def explorer_ignored(params: dict[str, str], at) -> list[str]:
    """Keys whose value the explorer's widgets do not show (so a notice must name them)."""
    out = []
    if "depth" in params:
        try:
            if at.slider(key="ex_depth").value != int(params["depth"]):
                out.append("depth")
        except ValueError:
            out.append("depth")
    lo, hi = at.slider(key="ex_range").value
    for name, shown in (("lo", lo), ("hi", hi)):
        if name in params:
            try:
                if float(params[name]) != shown:
                    out.append(name)
            except ValueError:
                out.append(name)
    if "init" in params and at.selectbox(key="ex_init").value != params["init"]:
        out.append("init")
    return out


@settings(APP_SETTINGS, max_examples=5)  # a valid depth or function list measures the engine
@given(st.dictionaries(st.sampled_from(EXPLORER_KEYS), VALUE, min_size=1, max_size=3))
@example({"lo": "nan", "hi": "1e309", "depth": "-inf"})
@example({"acts": "😀,relu", "init": ""})
def test_explorer_any_link(params):
    at = make_app(EXPLORER, query=params)
    no_exception(at)
    assert at.title[0].value == EN("explorer.title")
    query, words = as_query(params), warnings(at)
    for key in explorer_ignored(query, at):
        # lo and hi make one interval: an empty one is named by either end
        names = ("lo", "hi") if key in ("lo", "hi") else (key,)
        assert NOTICE in words, (key, query, words)
        assert any(field_label(n, EN) in words for n in names), (key, query, words)


@pytest.mark.parametrize("query", [{"lo": "7"}, {"hi": "-7"}, {"lo": "3", "hi": "2"}])
def test_explorer_empty_range_is_named(query):
    values, found = explorer_state.parse(query)  # each end in range, the interval empty
    assert "ex_range" not in values
    assert found and {p.field for p in found} <= {"lo", "hi"}


@settings(APP_SETTINGS, max_examples=8)
@given(
    st.sampled_from((WORKSHOP, HOME)),
    st.dictionaries(st.sampled_from(ALL_KEYS), VALUE, min_size=1, max_size=6),
)
def test_other_screens_shrug_off_any_query(page, params):
    at = make_app(page, query=params)
    no_exception(at)
    assert at.title and at.title[0].value
    seen = as_query(params).get("lang")
    if seen is not None and seen.strip().lower() not in LANGS:
        assert NOTICE in warnings(at) and "Language" in warnings(at)


MD_LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)")  # [text](url) or ![alt](url)


def live_markdown_links(text: str) -> list[str]:
    """Links and images that Streamlit's markdown would render in `text` (code spans and
    backslash-escaped characters do not count)."""
    plain = re.sub(r"(`+)[^`]*?\1", "", text)
    plain = re.sub(r"\\.", "", plain)
    return MD_LINK.findall(plain)


def test_a_url_value_is_shown_as_text_not_markdown():
    at = make_app(
        PLAYGROUND,
        query={"activation": "![x](http://127.0.0.1:9/x.png)", "dataset": "[click](https://a.b)"},
    )
    words = warnings(at)
    assert NOTICE in words
    assert not live_markdown_links(words), words


def test_the_markdown_check_sees_escapes():
    assert live_markdown_links("a ![x](http://h/x.png) b [c](https://d)")
    assert not live_markdown_links(r"a !\[x\](http://h/x.png) `[c](https://d)`")


# ---------------------------------------------------------------------------------------------
# 2. Edges the limits allow


def train(at, size: int):
    at.selectbox(key="pg_burst").set_value(size).run()
    at.button(key="train").click().run()
    return at


def test_narrowest_shallowest_network_trains():
    at = make_app(PLAYGROUND, query={"width": "2", "depth": "1"})
    assert NOTICE not in warnings(at)
    train(at, 50)
    working_playground(at)
    sim = lab_of(at).sim
    assert (sim.cfg.width, sim.cfg.depth, sim.step) == (2, 1, 50)
    assert len(at.get("vega_lite_chart")) >= 9
    assert sim.history["layer"].max() == 2  # one hidden layer, one output layer


def test_twenty_samples_one_per_batch_trains():
    at = make_app(PLAYGROUND, query={"n_samples": "20", "batch_size": "1"})
    assert NOTICE not in warnings(at)
    train(at, 10)
    working_playground(at)
    sim = lab_of(at).sim
    assert (sim.cfg.n_samples, sim.cfg.batch_size, sim.step) == (20, 1, 10)
    assert len(sim.test_x) == 4 and len(sim.train_x) == 16


def test_batchnorm_refuses_batches_of_one_from_a_link():
    at = make_app(PLAYGROUND, query={"n_samples": "20", "batch_size": "1", "norm": "batchnorm"})
    working_playground(at)
    words = warnings(at)
    assert NOTICE in words and "BatchNorm needs batches of at least 2" in words
    assert lab_of(at).cfg.norm == "batchnorm" and lab_of(at).cfg.batch_size >= 2


def test_batchnorm_refuses_batches_of_one_from_the_controls():
    at = make_app(PLAYGROUND, query={"n_samples": "20", "batch_size": "1"})
    before = lab_of(at).sim
    at.selectbox(key="pg_norm").set_value("batchnorm").run()
    working_playground(at)
    assert "BatchNorm needs batches of at least 2" in warnings(at)
    assert lab_of(at).sim is before and lab_of(at).cfg.norm == "none"  # the network is kept
    train(at, 10)
    assert lab_of(at).sim.step == 10


def test_nan_divergence_through_the_page():
    at = diverged_playground()
    assert at.error and "diverged" in " ".join(e.value for e in at.error).lower()
    specs = at.get("vega_lite_chart")
    assert len(specs) >= 9
    for chart in specs:
        strict_json(chart.proto.spec)  # a NaN in a spec would break the chart in the browser
    assert at.button(key="train").disabled and at.button(key="step").disabled
    at.button(key="reset").click().run()  # a reset brings back a trainable network
    no_exception(at)
    assert not lab_of(at).sim.diverged and not at.button(key="train").disabled


# ---------------------------------------------------------------------------------------------
# 3. A rerun (a Reset click) that interrupts a burst


class Interrupt(BaseException):
    """What Streamlit raises at a yield point when a rerun is requested (a BaseException)."""


class FakeBar:
    """A progress bar whose moves are yield points (as in Streamlit): it may stop the run."""

    latest: FakeBar | None = None

    def __init__(self, stop_after: int | None = None, stop: threading.Event | None = None):
        self.calls, self.stop_after, self.stop = 0, stop_after, stop
        FakeBar.latest = self

    def progress(self, *_, **__):
        self.calls += 1
        if self.stop_after is not None and self.calls > self.stop_after:
            raise Interrupt
        if self.stop is not None and self.stop.is_set():
            raise Interrupt


@pytest.fixture(autouse=True)
def yield_points_reach_the_bar(monkeypatch):
    """A burst's yield points are the bar's moves and, between moves, ui.common.burst.yield_point
    (a session-state read): here both reach the latest fake bar, which may stop the run."""
    from ui.common import burst as training

    def yield_point() -> None:
        if FakeBar.latest is not None:
            FakeBar.latest.progress()

    monkeypatch.setattr(training, "yield_point", yield_point)
    yield
    FakeBar.latest = None


class FakeSlot:
    """The page's progress placeholder."""

    def __init__(self, bar: FakeBar):
        self.bar, self.errors = bar, []

    def progress(self, *_, **__):
        return self.bar

    def info(self, *_, **__):
        pass

    def error(self, text, **__):
        self.errors.append(text)

    def empty(self):
        pass


def consistent(sim) -> None:
    """Everything the network measured is in its history, and nothing more."""
    frame = sim.history
    assert sim.step == 0 or frame["step"].max() == sim.step
    assert len(sim.records.step_steps) == sim.step
    assert all(math.isfinite(p.detach().sum().item()) for p in sim.model.parameters())


def test_interrupted_burst_frees_the_slot_and_keeps_the_network_consistent():
    from ui.playground.actions import train

    lab = Lab(DEFAULT.replace(depth=3, width=16))
    with pytest.raises(Interrupt):
        train(lab, 200, FakeSlot(FakeBar(stop_after=4)))
    sim = lab.sim
    assert SLOTS.running == 0 and SLOTS.waiting == 0
    assert 0 < sim.step < 200 and lab.burst.running
    consistent(sim)
    assert lab.remaining() == 200 - sim.step  # Continue trains the rest
    assert train(lab, lab.continue_size(200), FakeSlot(FakeBar())) is not None
    assert sim.step == 200 and lab.remaining() == 0
    consistent(sim)


def test_engine_failure_mid_burst_is_a_message_and_frees_the_slot():
    from ui.playground.actions import train

    lab = Lab(DEFAULT.replace(depth=2, width=8))
    sim = lab.ensure_sim()
    real = sim._train_step
    calls = [0]

    def failing(record):
        calls[0] += 1
        if calls[0] > 15:
            raise RuntimeError("out of memory")
        return real(record)

    sim._train_step = failing
    slot = FakeSlot(FakeBar())
    assert train(lab, 100, slot) is None
    assert slot.errors and SLOTS.running == 0
    assert sim.step == 15 and not lab.burst.running
    consistent(sim)


def test_reset_during_a_burst_waits_for_it_then_starts_fresh():
    """fastReruns: the Reset click's run starts while the old run still trains. The old run stops
    at its next progress callback; the Reset (which takes the lab's lock) runs after it."""
    from ui.playground.actions import _reset, train

    lab = Lab(DEFAULT.replace(depth=3, width=16))
    old = lab.ensure_sim()
    stop, started, outcome = threading.Event(), threading.Event(), {}

    class StartingBar(FakeBar):
        def progress(self, *a, **k):
            started.set()
            super().progress(*a, **k)

    def old_run():
        try:
            with lab.lock:
                train(lab, 5000, FakeSlot(StartingBar(stop=stop)))
            outcome["old"] = "finished"
        except Interrupt:
            outcome["old"] = "interrupted"

    runner = threading.Thread(target=old_run)
    runner.start()
    assert started.wait(60)
    stop.set()  # the rerun request; the Reset below blocks on the lock until the burst stops
    _reset(lab)
    runner.join(60)
    assert outcome == {"old": "interrupted"}
    assert SLOTS.running == 0
    assert lab.sim is not old and lab.sim.step == 0 and lab.cfg == old.cfg
    assert lab.remaining() == 0 and not lab.sim.diverged
    consistent(old)  # the interrupted network stopped between two steps
    assert 0 < old.step < 5000
    assert any("Reset" in text for _, text in lab.notices)
    assert not runner.is_alive()
