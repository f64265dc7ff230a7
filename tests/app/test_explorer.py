"""Activation explorer (AppTest): every control, the URL, and its helpers."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from sim.analysis.theory import curves, flat_regions, through_depth
from tests.app.helpers import make_app, no_exception, query_of, texts
from ui.charts.explorer import depth_chart, function_chart
from ui.charts.spec import as_json
from ui.common.i18n import LANGS, text
from ui.explorer import state as explorer_state
from ui.explorer.view import interval, peak_where, property_table

PAGE = "app_pages/explorer.py"


@pytest.mark.parametrize("lang", LANGS)
def test_page_runs(lang):
    at = make_app(PAGE, query={"lang": lang})
    no_exception(at)
    assert at.title[0].value == text(lang, "explorer.title")
    assert len(at.get("vega_lite_chart")) == 3  # f, f', through depth
    assert len(at.dataframe) == 2 + 3  # properties, per-layer factors; each chart's numbers
    props = at.dataframe[2].value  # after the two function charts' numbers
    assert list(props[text(lang, "explorer.col_peak")]) == ["0.25", "1", "1"]
    assert len(at.main.get("page_link")) == 3  # one Playground link per activation
    assert query_of(at)["acts"] == "sigmoid,tanh,relu"


def test_controls_change_the_charts_and_the_url():
    at = make_app(PAGE)
    at.multiselect(key="ex_acts").set_value(["gelu", "selu"]).run()
    at.slider(key="ex_range").set_value((-3.0, 2.5)).run()
    at.selectbox(key="ex_init").set_value("kaiming_normal").run()
    at.slider(key="ex_depth").set_value(8).run()
    no_exception(at)
    q = query_of(at)
    assert q["acts"] == "gelu,selu" and q["lo"] == "-3" and q["hi"] == "2.5"
    assert q["init"] == "kaiming_normal" and q["depth"] == "8"
    factors = at.dataframe[4].value  # after the depth chart's numbers
    assert text("en", "explorer.col_measured", depth=8) in factors.columns
    at.multiselect(key="ex_acts").set_value([]).run()
    no_exception(at)
    assert text("en", "explorer.pick_one") in texts(at)


def test_choices_survive_a_page_switch():
    at = make_app(PAGE)
    at.multiselect(key="ex_acts").set_value(["elu"]).run()
    at.switch_page("app_pages/home.py").run()
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.multiselect(key="ex_acts").value == ["elu"]


def test_a_link_sets_the_widgets_and_a_bad_one_is_named():
    at = make_app(PAGE, query={"acts": "tanh,softsign", "lo": "-2", "hi": "2", "depth": "7"})
    no_exception(at)
    assert at.multiselect(key="ex_acts").value == ["tanh", "softsign"]
    assert at.slider(key="ex_range").value == (-2.0, 2.0)
    assert at.slider(key="ex_depth").value == 7
    bad = make_app(PAGE, query={"acts": "swoosh", "depth": "999", "init": "magic", "lo": "x"})
    no_exception(bad)
    words = " ".join(w.value for w in bad.warning)
    for shown in ("swoosh", "999", "magic", "x"):
        assert shown in words
    assert bad.slider(key="ex_depth").value == explorer_state.DEFAULTS["ex_depth"]


def test_parse_keeps_good_values_and_reports_bad_ones():
    values, found = explorer_state.parse({"acts": "relu,RELU,nope", "lo": "5", "hi": "1"})
    assert values == {"ex_acts": ["relu"]}  # lo >= hi: the range is left alone, and named
    assert [p.field for p in found] == ["acts", "lo"]

    values, found = explorer_state.parse({"lo": "nan", "hi": "3"})
    assert values == {"ex_range": (-6.0, 3.0)} and found[0].field == "lo"


# ---------------------------------------------------------------------------------------------
# Helpers and pure charts


def tr(key: str, **params) -> str:
    return text("en", key, **params)


def test_intervals_read_naturally():
    assert interval(-math.inf, 0.0, tr) == "x < 0"
    assert interval(0.0, math.inf, tr) == "x > 0"
    assert interval(-1.0, 1.0, tr) == "−1 < x < 1"
    assert peak_where(0.0, 0.0, tr) == "x = 0"
    assert peak_where(math.inf, math.inf, tr) == tr("explorer.at_infinity")
    table = property_table(["relu", "hardtanh"], tr)
    assert list(table[tr("explorer.col_dead")]) == ["x < 0", "x < −1, x > 1"]


def test_function_chart_shades_flat_regions_only_on_the_derivative():
    names = {"sigmoid": "Sigmoid", "relu": "ReLU"}
    frame, flat = curves(names, -5, 5, 101), flat_regions(names, -5, 5)
    assert len(flat) == 3  # sigmoid both sides, relu left
    df_spec = as_json(function_chart(frame, flat, names, "df", tr))
    f_spec = as_json(function_chart(frame, flat, names, "f", tr))
    layers = [spec.get("layer", [spec]) for spec in (df_spec, f_spec)]  # one view: no "layer"
    assert len(layers[0]) == 2 and len(layers[1]) == 1


def test_depth_chart_draws_theory_and_measurement():
    names = {"sigmoid": "Sigmoid"}
    theory = through_depth(names, range(2, 6), "default")
    measured = pd.DataFrame({"activation": ["sigmoid"], "depth": [5], "signal_ratio": [1e-3]})
    spec = as_json(depth_chart(theory, measured, names, tr))
    rows = next(iter(spec["datasets"].values()))
    assert {r["kind"] for r in rows} == {"best_case", "mean_field", "measured"}


def test_relu_no_longer_flattens_sigmoid_and_tanh_and_the_learner_can_see_it_whole():
    names = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU"}
    frame, flat = curves(list(names), -4, 4), flat_regions(list(names), -4, 4)
    zoomed = as_json(function_chart(frame, flat, names, "f", tr, zoom=True))
    lo, hi = zoomed["encoding"]["y"]["scale"]["domain"]
    assert (1 - 0) / (hi - lo) >= 1 / 3  # sigmoid's 0..1 spans a third of the height at least
    assert zoomed["mark"]["clip"] is True and zoomed["title"]["subtitle"]
    whole = as_json(function_chart(frame, flat, names, "f", tr))
    assert "domain" not in whole["encoding"]["y"].get("scale", {})
    at = make_app(PAGE)  # the page zooms by default; the toggle shows the whole range
    assert at.toggle(key="ex_zoom").value is True
    y_scale = lambda: json.loads(at.get("vega_lite_chart")[0].proto.spec)["encoding"]["y"]["scale"]  # noqa: E731
    assert y_scale()["domain"] == [lo, hi]
    at.toggle(key="ex_zoom").set_value(False).run()
    no_exception(at)
    assert "domain" not in y_scale()


def test_the_depth_caption_follows_the_chosen_init():
    at = make_app(PAGE)
    at.selectbox(key="ex_init").set_value("kaiming_normal").run()
    no_exception(at)
    table = at.dataframe[4].value  # the per-layer factors, after the charts' numbers
    mean_field = table[text("en", "explorer.col_mean_field")].iloc[0]  # sigmoid, He
    he = text("en", "config.init_kaiming_normal")
    caption = next(c.value for c in at.caption if mean_field in c.value and he in c.value)
    assert text("en", "explorer.depth_now").split("{")[0] in caption
