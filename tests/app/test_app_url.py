"""The URL holds the experiment: a link rebuilds it, a bad value falls back with a notice."""

from __future__ import annotations

from urllib.parse import parse_qsl

from sim.codec import to_query
from sim.config import DEFAULT
from sim.presets import PRESETS, TIME_PRESETS
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from ui.common.urlstate import MLP_FIELDS, MLP_ONLY, RECURRENT_FIELDS, RECURRENT_ONLY

THROUGH_TIME = "app_pages/through_time.py"


def notice(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_url_in_config_out():
    cfg = DEFAULT.replace(depth=9, activation="tanh", lr=0.02, seed=11, residual=True)
    at = make_app(PLAYGROUND, query=to_query(cfg))
    no_exception(at)
    lab = lab_of(at)
    assert lab.cfg == cfg and lab.sim.cfg == cfg
    assert at.slider(key="pg_depth").value == 9
    assert at.selectbox(key="pg_activation").value == "tanh"
    assert at.select_slider(key="pg_lr").value == 0.02
    assert not notice(at)


def test_config_out_in_the_url_every_field_and_lang():
    at = make_app(PLAYGROUND)
    at.slider(key="pg_depth").set_value(8).run()
    query = at.query_params
    assert set(MLP_FIELDS) | {"lang"} <= set(query)
    assert not RECURRENT_ONLY & set(query), "the Playground is the MLP screen"
    assert query["depth"] in ("8", ["8"]) and query["lang"] in ("en", ["en"])


def _links_to(at, page: str) -> list[dict[str, str]]:
    return [
        dict(parse_qsl(link.proto.query_string))
        for link in at.main.get("page_link")
        if page in link.proto.page
    ]


def test_a_recurrent_link_keeps_an_mlp_and_points_to_through_time():
    asked = DEFAULT.replace(arch="lstm", seq_len=80, forget_bias="chrono", lr=0.01)
    at = make_app(PLAYGROUND, query=to_query(asked))
    no_exception(at)
    assert lab_of(at).cfg == DEFAULT.replace(lr=0.01)  # the shared field taken, an MLP kept
    assert not RECURRENT_ONLY & set(at.query_params)
    assert "recurrent network (LSTM)" in texts(at)
    [there] = _links_to(at, "through_time")
    assert (there["arch"], there["seq_len"], there["forget_bias"]) == ("lstm", "80", "chrono")
    assert there["lr"] == "0.01" and not MLP_ONLY & set(there)
    at.slider(key="pg_depth").set_value(4).run()  # the link's config left: the pointer goes
    assert not _links_to(at, "through_time") and "recurrent network" not in texts(at)


def test_an_mlp_link_with_recurrent_keys_says_nothing_of_them():
    at = make_app(PLAYGROUND, query={"arch": "mlp", "seq_len": "nope", "tbptt": "5"})
    no_exception(at)
    assert lab_of(at).cfg == DEFAULT and not notice(at) and not _links_to(at, "through_time")
    assert not RECURRENT_ONLY & set(at.query_params)


def test_through_time_url_holds_the_recurrent_fields_only():
    cfg = TIME_PRESETS["gru_adding"].cfg
    at = make_app(THROUGH_TIME, query={**to_query(cfg), "depth": "9", "norm": "bogus"})
    no_exception(at)
    assert at.session_state["time_lab"].cfg == cfg and not notice(at)
    query = at.query_params
    assert set(RECURRENT_FIELDS) <= set(query) and not MLP_ONLY & set(query)


def test_same_link_same_numbers():
    cfg = DEFAULT.replace(depth=4, seed=5)
    runs = []
    for _ in range(2):
        at = make_app(PLAYGROUND, query=to_query(cfg))
        at.selectbox(key="pg_burst").set_value(10).run()
        at.button(key="train").click().run()
        runs.append(lab_of(at).sim.history["value"].tolist())
    assert runs[0] == runs[1]


def test_bad_values_fall_back_and_are_named():
    at = make_app(
        PLAYGROUND,
        query={"depth": "9000", "activation": "swishy", "lr": "fast", "width": "16", "lang": "xx"},
    )
    no_exception(at)
    lab = lab_of(at)
    assert lab.cfg.depth == DEFAULT.depth and lab.cfg.activation == DEFAULT.activation
    assert lab.cfg.lr == DEFAULT.lr and lab.cfg.width == 16
    words = notice(at)
    for shown in ("9000", "swishy", "fast", "xx", "Hidden layers", "Activation", "Learning rate"):
        assert shown in words, (shown, words)
    assert at.title[0].value == "Playground"  # bad lang -> the default language


def test_over_budget_link_falls_back_with_a_notice():
    at = make_app(PLAYGROUND, query={"depth": "64", "width": "512", "batch_size": "4000"})
    no_exception(at)
    assert "Too much compute" in notice(at)
    assert lab_of(at).sim is not None


def test_preset_param_loads_the_preset_and_its_burst_size():
    at = make_app(PLAYGROUND, query={"preset": "sigmoid_vanishing"})
    no_exception(at)
    preset = PRESETS["sigmoid_vanishing"]
    assert lab_of(at).cfg == preset.cfg
    assert at.selectbox(key="pg_burst").value == preset.steps
    assert at.selectbox(key="pg_preset").value == "sigmoid_vanishing"
    assert "preset" not in at.query_params and at.query_params["depth"] in ("10", ["10"])


def test_unknown_preset_is_named():
    at = make_app(PLAYGROUND, query={"preset": "nope"})
    no_exception(at)
    assert "nope" in notice(at) and lab_of(at).cfg == DEFAULT


def test_preset_picker_loads_a_preset():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_preset").set_value("relu_he").run()
    no_exception(at)
    assert lab_of(at).cfg == PRESETS["relu_he"].cfg
    assert at.slider(key="pg_depth").value == 20
