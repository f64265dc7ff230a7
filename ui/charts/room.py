"""The teacher view's chart: the room's pass rate per exercise (classroom.views.PassRate), with
the share of learners who tried it behind each bar.

Redrawn by the view's refresh every few seconds, so it keeps the stability rule (ui.charts):
titles, sort order, scale and height depend on the room's exercises and the language only;
the rates are data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from classroom.views import PassRate
from ui.charts.base import Tr
from ui.charts.spec import NOMINAL, QUANT, Spec, chart, field, mark, placeholder, tip, view

BAR_HEIGHT = 32  # pixels of plot per exercise (chart() adds the title, subtitle and axis)
TRIED_COLOR, PASSED_COLOR = "#c7d7ea", "#2e7d32"


def pass_rate_chart(rates: Sequence[PassRate], titles: Mapping[str, str], tr: Tr) -> Spec:
    """Horizontal bars in the room's exercise order: passed / learners, tried / learners."""
    if not rates:
        return placeholder(tr)
    names = [titles.get(p.exercise, p.exercise) for p in rates]
    frame = pd.DataFrame(
        {
            "exercise": names,
            "rate": [p.rate for p in rates],
            "tried_share": [p.tried / p.learners if p.learners else 0.0 for p in rates],
            "passed": [p.passed for p in rates],
            "tried": [p.tried for p in rates],
            "learners": [p.learners for p in rates],
        }
    )
    y = field("exercise", NOMINAL, sort=names, title=None, axis={"labelLimit": 260})
    tips = [
        tip("exercise", NOMINAL, tr("room.col_exercise")),
        tip("rate", QUANT, tr("room.chart_rate"), ".0%"),
        tip("passed", QUANT, tr("room.chart_passed")),
        tip("tried", QUANT, tr("room.chart_tried")),
        tip("learners", QUANT, tr("room.col_learners")),
    ]
    x_scale = {"domain": [0, 1]}
    tried = view(
        "rates",
        mark("bar", color=TRIED_COLOR),
        {"y": y, "x": field("tried_share", QUANT, scale=x_scale, title=None), "tooltip": tips},
    )
    axis = {"format": "%", "title": tr("room.chart_rate")}
    passed = view(
        "rates",
        mark("bar", color=PASSED_COLOR, height={"band": 0.5}),
        {"y": y, "x": field("rate", QUANT, scale=x_scale, axis=axis), "tooltip": tips},
    )
    return chart(
        {"rates": frame},
        [tried, passed],
        tr("room.chart_title"),
        tr("room.chart_subtitle"),
        height=BAR_HEIGHT * len(rates),
    )
