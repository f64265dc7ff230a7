"""The Playground shows what is true now: the preset box, the metrics, the download."""

from __future__ import annotations

from sim.presets import PRESETS
from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception


def test_preset_box_says_custom_at_once_and_re_picking_reloads():
    at = make_app(PLAYGROUND)
    at.selectbox(key="pg_preset").set_value("relu_he").run()
    assert lab_of(at).cfg == PRESETS["relu_he"].cfg
    at.slider(key="pg_depth").set_value(7).run()
    no_exception(at)
    assert lab_of(at).cfg.depth == 7
    assert at.selectbox(key="pg_preset").value == ""  # "custom" in the same run as the change
    at.selectbox(key="pg_preset").set_value("relu_he").run()
    no_exception(at)
    assert lab_of(at).cfg == PRESETS["relu_he"].cfg
    assert at.slider(key="pg_depth").value == PRESETS["relu_he"].cfg.depth


def test_history_download_name_and_rows_come_from_the_same_moment():
    from io import StringIO

    import pandas as pd

    from sim.config import DEFAULT
    from ui.playground.lab import Lab
    from ui.playground.panels import history_download

    sim = Lab(DEFAULT.replace(depth=2, width=8)).ensure_sim()
    sim.burst(20)
    name, build = history_download(sim)
    sim.burst(30)  # trained on before the user clicked the button
    rows = pd.read_csv(StringIO(build()))
    assert name == "gradient-lab-history-step20.csv"
    assert rows["step"].max() == 20
