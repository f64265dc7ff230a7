"""Vega-Lite specs written as plain dicts: what every screen's charts are made of.

    bars = view("bars", mark("bar"), {"x": field("layer", ORDINAL), "y": field("value", QUANT)})
    spec = chart({"bars": frame}, [bars, ...], title, subtitle)
    show(st, spec)                     # or show(column, spec), show(slot, spec)

Altair builds the same dicts through deep copies and a JSON-schema validation on every call;
written out directly they cost next to nothing (benchmarks/bench_charts.py prints the ratio).
The specs are checked against the Vega-Lite schema in the tests, not at run time.

Data sits in named `datasets`, referenced by each layer that draws it: a DataFrame of just the
columns drawn (or, for a few hand-made rows, a list of dicts). `with_arrow_data` turns each into
an Arrow table, what Streamlit sends to the browser, so the rows are never written out as JSON on
the way; `as_json` gives the pure JSON spec, for the tests and for anyone who wants it.
A chart's numbers as a table (table_of, show_numbers) live in ui.charts.numbers, named here too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from ui.charts.base import (
    HEIGHT,
    LAYER_SCHEME,
    MUTED_COLOR,
    NOMINAL,
    QUANT,
    SUBTITLE_WIDTH,
    TEXT_COLOR,
    TITLE_WIDTH,
    Spec,
    Tr,
    decades,
    subtitle_lines,
    wrap,
)
from ui.charts.base import ORDINAL as ORDINAL  # encoding types, named here for every chart
from ui.charts.numbers import has_numbers as has_numbers  # a chart's numbers, named here too
from ui.charts.numbers import show_numbers as show_numbers
from ui.charts.numbers import table_of as table_of

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

# The height model. Streamlit fits the WHOLE chart into the spec's `height`: title and subtitle
# lines, legend rows, axes and the plot. So a chart names its plot's height and what it carries,
# and chart() adds the room for the rest (pixels, Streamlit's chart theme):
TITLE_LINE = 18  # a title line
SUBTITLE_LINE = 14  # a subtitle line
LEGEND_LINE = 36  # a legend row above or below the plot (a legend beside it takes no height)
LEGEND_GAP = 18  # between the plot and the legend's first row
X_AXIS = 44  # the x axis's labels and its title
PADDING = 58  # the view's padding, the gap under the title and Streamlit's own margin
TOP_LEGEND_OFFSET = 10  # title to a legend on top (Streamlit's theme: 26, a blank band there)
# Streamlit lays a spec's own config over its chart theme: text colours that pass 4.5:1.
CONFIG: Spec = {
    "axis": {"labelColor": MUTED_COLOR, "titleColor": TEXT_COLOR},
    "legend": {"labelColor": MUTED_COLOR, "titleColor": TEXT_COLOR},
    "title": {"color": TEXT_COLOR, "subtitleColor": MUTED_COLOR},
}


def table(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The columns a chart draws from `frame`: one dataset."""
    return frame.loc[:, list(columns)].reset_index(drop=True)


def records(data: pd.DataFrame | list[dict] | pa.Table) -> list[dict]:
    """A dataset's rows as dicts of plain Python values (ints, floats, strings, bools)."""
    if isinstance(data, pa.Table):
        return data.to_pylist()
    if isinstance(data, pd.DataFrame):
        names = list(data.columns)
        values = [data[name].tolist() for name in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
    return list(data)


def as_json(spec: Spec) -> Spec:
    """The spec with every dataset written out as rows: plain JSON, as the Vega-Lite schema
    describes it."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    return {**spec, "datasets": {name: records(data) for name, data in datasets.items()}}


def with_arrow_data(spec: Spec | None) -> Spec | None:
    """The spec with each named dataset as an Arrow table (one already Arrow is kept): made
    once per chart, so a spec cached by a screen is redrawn without converting again."""
    if spec is None or not spec.get("datasets"):
        return spec
    return {**spec, "datasets": {name: _arrow(data) for name, data in spec["datasets"].items()}}


def _arrow(data: pd.DataFrame | list[dict] | pa.Table) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pd.DataFrame):  # column by column: Table.from_pandas takes twice as
        # long, mostly writing the pandas metadata the browser never reads (NaN -> null alike)
        names = [str(name) for name in data.columns]
        return pa.table([pa.array(data[c], from_pandas=True) for c in data.columns], names=names)
    return pa.Table.from_pylist(data)


def show(where: Any, spec: Spec | None, width: str = "stretch") -> Any:
    """Draw `spec` in `where` (st, a column, a slot; nothing for None): the one way a chart
    reaches the page. Returns the element, which a later call may replace in place."""
    if spec is None:
        return None
    return where.vega_lite_chart(with_arrow_data(spec), width=width)


def field(name: str, kind: str, **props: Any) -> Spec:
    """An encoding channel on a data field: field("step", QUANT, title="Step")."""
    return {"field": name, "type": kind, **props}


def share_field(title: str, name: str = "value") -> Spec:
    """A share from 0 to 1 upward, read as a percentage (accuracy, units in trouble)."""
    return field(name, QUANT, axis={"format": "%"}, scale={"domain": [0, 1]}, title=title)


def step_field(tr: Tr, name: str = "step", **props: Any) -> Spec:
    """Training steps across: whole numbers only (a two-step run reads 1, 2, not 1.0, 1.1)."""
    axis = {"format": "d", "tickMinStep": 1, **props.pop("axis", {})}
    return field(name, QUANT, axis=axis, title=tr("charts.step"), **props)


def tip(name: str, kind: str, title: str, fmt: str | None = None) -> Spec:
    out = {"field": name, "type": kind, "title": title}
    if fmt is not None:
        out["format"] = fmt
    return out


def mark(kind: str, **props: Any) -> Spec:
    return {"type": kind, **props}


def view(data: str, mark_: Spec, encoding: Spec, where: str | None = None) -> Spec:
    """One layer: a mark over the named dataset, optionally filtered by a Vega expression."""
    out: Spec = {"data": {"name": data}, "mark": mark_, "encoding": encoding}
    if where is not None:
        out["transform"] = [{"filter": where}]
    return out


def chart(
    datasets: dict[str, pd.DataFrame | list[dict]],
    layers: list[Spec],
    title: str,
    subtitle: str | list[str] | None = None,
    height: int = HEIGHT,
    subtitle_width: int = SUBTITLE_WIDTH,
    legend_rows: int = 0,
    **top: Any,
) -> Spec:
    """The whole chart: one view as it is, several as a layer; width is left to the container.

    `height` is the plot's; `legend_rows` the legend rows drawn above or below it. The spec's
    height adds the room for them and the title, subtitle and axis lines (outer_height)."""
    legend_on_top = tuck_untitled_legends(layers)  # before the layers go into the spec
    out: Spec = {"$schema": SCHEMA}
    if len(layers) == 1:
        out.update(layers[0])
    else:
        out["layer"] = layers
    out.update(top)
    params = title_params(title, subtitle, subtitle_width)
    if legend_on_top:  # close under the title, not a blank band below it
        params["offset"] = TOP_LEGEND_OFFSET
    out["height"] = outer_height(params, height, legend_rows)
    out["datasets"] = datasets
    out["title"] = params
    out["config"] = CONFIG
    out.setdefault("description", describe(title, subtitle))
    return out


def tuck_untitled_legends(layers: list[Spec]) -> bool:
    """Works around Vega keeping a blank title row (with its padding, 27 px in Streamlit's
    theme) above the entries of a legend whose title is null: every such legend in `layers`
    gets `titleOrient: left`, which puts the empty row beside the entries, where it takes no
    height. It can go when a chart's untitled legend starts its entries at its top padding.
    Returns whether any legend stands on top of the plot."""
    on_top = False
    for layer in layers:
        for channel in layer.get("encoding", {}).values():
            legend = channel.get("legend") if isinstance(channel, dict) else None
            if not isinstance(legend, dict):
                continue
            if legend.get("title", channel.get("title", "")) is None:
                channel["legend"] = {**legend, "titleOrient": "left"}  # a copy: shared constants
            on_top |= legend.get("orient") == "top"
    return on_top


def text_lines(params: Spec) -> tuple[int, int]:
    """(title lines, subtitle lines) of a chart's title parameters (title_params)."""
    text = params["text"]
    return len(text) if isinstance(text, list) else 1, len(params.get("subtitle", []))


def outer_height(params: Spec, plot: int = HEIGHT, legend_rows: int = 0) -> int:
    """The spec height that leaves `plot` pixels to the plot under the title `params`, with
    `legend_rows` legend rows and an x axis: the one height model of every chart."""
    titles, subtitles = text_lines(params)
    room = TITLE_LINE * titles + SUBTITLE_LINE * subtitles
    room += LEGEND_LINE * legend_rows + (LEGEND_GAP if legend_rows else 0)
    return plot + room + X_AXIS + PADDING


def describe(title: str, subtitle: str | list[str] | None = None) -> str:
    """The text alternative a screen reader gets for the chart (Vega's aria-label): its title and
    subtitle. It stays the same from burst to burst, as everything outside `datasets` must."""
    texts = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    return ". ".join(part.rstrip(".") for part in [title, *texts] if part) + "."


def title_params(
    title: str, subtitle: str | list[str] | None = None, subtitle_width: int = SUBTITLE_WIDTH
) -> Spec:
    """Left-aligned title; title and subtitle broken into lines that fit a half-width chart
    (Vega cuts a title line longer than the chart with "…" instead of wrapping it), the
    subtitle's at `subtitle_width` cells (base.NARROW_SUBTITLE_WIDTH for a narrower chart)."""
    lines = wrap(title, TITLE_WIDTH)
    # limit 0: no cut at the plot's width, which beside a legend or on a phone is narrower than
    # the chart the lines were broken for (a 390 px phone cut Chinese subtitles with "…")
    text = title if len(lines) == 1 else list(lines)
    params: Spec = {"text": text, "anchor": "start", "limit": 0}
    if len(lines) > 1:  # further lines go down from the first (by default they rise above it)
        params["baseline"] = "top"
    if subtitle:
        params["subtitle"] = subtitle_lines(subtitle, subtitle_width)
    return params


def placeholder(tr: Tr, height: int = HEIGHT) -> Spec:
    """An empty chart saying there is nothing to show yet (every chart's empty-history answer)."""
    return {
        "$schema": SCHEMA,
        "data": {"name": "text"},
        "mark": mark("text", fontSize=14, color=MUTED_COLOR),
        "encoding": {"text": field("text", NOMINAL)},
        "height": height,
        "datasets": {"text": [{"text": tr("charts.no_data")}]},
        "description": tr("charts.no_data"),
        "config": CONFIG,
    }


# ---------------------------------------------------------------------------------------------
# Layers: one palette, the output layer named


def _output_expr(tr: Tr, count: int) -> str:
    out = json.dumps(tr("charts.output"), ensure_ascii=False)  # a JS string literal
    return f"datum.value == {count} ? {out} : datum.label"


def layer_color(count: int, tr: Tr | None = None, shown: Sequence[int] | None = None) -> Spec:
    """Colour by layer number 1..count, the same mapping in every chart of the same network.
    With `tr`, a legend (listing `shown` layers where given); without, none."""
    legend: Spec | None = None
    if tr is not None:
        legend = {"format": "d", "labelExpr": _output_expr(tr, count), "title": tr("charts.layer")}
        if shown is not None:
            legend["values"] = [int(v) for v in shown]
    scale = {"domain": [1, max(count, 2)], "scheme": dict(LAYER_SCHEME)}
    return field("layer", QUANT, legend=legend, scale=scale)


def layer_axis(tr: Tr, count: int, **props: Any) -> Spec:
    """Layer numbers, with the output layer (count) named in the user's language."""
    axis = {"labelAngle": 0, "labelExpr": _output_expr(tr, count), "title": tr("charts.layer")}
    axis.update(props)
    return axis


def log_axis(title: str, lo: float, hi: float) -> Spec:
    """Decade ticks; plain numbers (0.01, 100) over a few decades, 1e-12 style beyond."""
    plain = lo >= 1e-3 and hi <= 1e4
    return {"format": "~g" if plain else "~e", "title": title, "values": decades(lo, hi)}


def underflow_marks(data: str, encoding: Spec, color: str) -> Spec:
    """Zeros drawn at the floor of a log axis: a red triangle pointing down."""
    triangle = mark("point", color=color, filled=True, shape="triangle-down", size=90)
    return view(data, triangle, encoding, where="datum.underflow")
