"""Before and after: a changed setting keeps the last run as a faint labelled trace on the
gradient-norm and loss charts, with a link that opens both networks in Compare."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from sim.analysis import compare
from sim.config import DEFAULT
from sim.train.simulation import Simulation
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from tests.app.test_charts import spec_of
from ui import charts
from ui.charts.trace import Trace
from ui.common.i18n import translator

LABELS = [("en-GB", "Before: Initialisation"), ("zh-CN", "改动前：初始化")]


@pytest.mark.parametrize("locale, word", LABELS)
def test_a_changed_network_keeps_the_last_run_as_a_trace(locale, word):
    at = make_app(PLAYGROUND, query={"depth": "4", "width": "16"}, locale=locale)
    at.selectbox(key="pg_burst").set_value(50).run()
    at.button(key="train").click().run()
    old = lab_of(at).cfg
    at.selectbox(key="pg_init").set_value("xavier_normal").run()
    no_exception(at)
    lab = lab_of(at)
    assert lab.before is not None and lab.before.cfg == old and lab.before.fields == ("init",)
    at.button(key="train").click().run()
    specs = lab.cache["specs"]
    for name in ("grad_norm", "loss"):
        before = specs[name][1]["datasets"]["before"]
        labels = [x for x in before.column("label").to_pylist() if x]
        assert before.num_rows > 0 and len(labels) == 1 and word in labels[0], name
    link = next(p for p in at.get("page_link") if p.proto.page.endswith("compare"))
    query = {k: v[0] for k, v in parse_qs(link.proto.query_string).items()}
    cfgs, _ = compare.from_query(query)
    assert cfgs[0] == old and cfgs[1] == lab.cfg


def test_no_trace_before_any_change_and_none_after_a_reset():
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "8"})
    at.selectbox(key="pg_burst").set_value(10).run()
    at.button(key="train").click().run()
    assert lab_of(at).before is None and "before" not in str(lab_of(at).cache["specs"]["loss"][1])
    at.slider(key="pg_depth").set_value(4).run()
    assert lab_of(at).before is not None and "faint" in texts(at)
    at.button(key="reset").click().run()
    assert lab_of(at).before is None


def test_trace_specs_are_valid_and_keep_the_stability_rule():
    tr = translator("en")
    old = Simulation(DEFAULT.replace(depth=3, width=8))
    old.burst(20)
    trace = Trace(old.history, "Before: Depth 3")
    sim = Simulation(DEFAULT.replace(depth=4, width=8))
    specs = []
    for _ in range(2):
        sim.burst(10)
        specs.append([charts.grad_norm_chart(sim.history, tr, trace),
                      charts.loss_chart(sim.history, tr, None, trace)])  # fmt: skip
    for a, b in zip(*specs, strict=True):
        assert "before" in a["datasets"]
        spec_of(a)  # valid Vega-Lite, clean JSON
        assert {k: v for k, v in a.items() if k != "datasets"} == {
            k: v for k, v in b.items() if k != "datasets"
        }  # only the data moved
