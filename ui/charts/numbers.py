"""A chart's numbers as a table a person reads: the text alternative under every chart, built
from the spec's own datasets (ui.charts.spec), in the columns its tooltips name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ui.charts.base import NOMINAL, Spec, as_frame


def table_of(spec: Spec | None, max_rows: int = 500, latest: bool = False) -> pd.DataFrame:
    """The chart's numbers as a table a person reads: the rows of its largest dataset, in the
    columns its tooltips show, titled as there (a text alternative for every chart).
    `latest`: small, for a chart redrawn often: only the latest step of each series (per value
    of its named tooltip fields, e.g. layer, split) and at most `max_rows` rows spread evenly."""
    largest = _largest(spec)
    if largest is None:
        return pd.DataFrame()
    data = as_frame(largest)
    titles, series = _tooltips(spec, data.columns)
    if not titles:  # nothing a tooltip names (a placeholder's text): no table when small
        return pd.DataFrame() if latest else data.head(max_rows)
    if latest:  # the columns shown first: less to sort and copy
        keep = [c for c in data.columns if c in titles or c in series or c == "step"]
        data = _latest_rows(data.loc[:, keep], series, max_rows)
    return data.loc[:, list(titles)].rename(columns=titles).head(max_rows)


def has_numbers(spec: Spec | None) -> bool:
    """Whether `table_of(spec, latest=True)` has rows, without building it: a dataset with rows
    and a field of it that a tooltip names."""
    largest = _largest(spec)
    return largest is not None and bool(_tooltips(spec, _columns(largest))[0])


def _rows(data: pd.DataFrame | list[dict] | pa.Table | None) -> int:
    if data is None:
        return 0
    return data.num_rows if isinstance(data, pa.Table) else len(data)


def _columns(data: pd.DataFrame | list[dict] | pa.Table) -> list[str]:
    if isinstance(data, pa.Table):
        return data.column_names
    if isinstance(data, pd.DataFrame):
        return list(data.columns)
    return list(data[0]) if data else []


def _largest(spec: Spec | None) -> pd.DataFrame | list[dict] | pa.Table | None:
    """The spec's dataset with the most rows (the first of equals); None where all are empty."""
    datasets = [d for d in ((spec or {}).get("datasets") or {}).values() if _rows(d)]
    return max(datasets, key=_rows) if datasets else None


def _tooltips(spec: Spec, columns: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """(field -> title, the nominal fields) of the tooltips, over fields in `columns`."""
    titles: dict[str, str] = {}
    series: list[str] = []
    for layer in [spec, *spec.get("layer", []), spec.get("spec", {})]:
        for t in layer.get("encoding", {}).get("tooltip", []):
            if t.get("field") in columns and (t.get("title") or "").strip():
                titles.setdefault(t["field"], t["title"])
                if t.get("type") == NOMINAL and t["field"] not in series:
                    series.append(t["field"])
    return titles, series


def _latest_rows(data: pd.DataFrame, series: list[str], max_rows: int) -> pd.DataFrame:
    """Each named series' row at its latest step (where there are steps; a lone curve keeps
    its steps), then at most `max_rows` rows picked evenly, in series order."""
    if series and "step" in data.columns:
        data = data.sort_values("step", kind="stable").drop_duplicates(series, keep="last")
    if len(data) > max_rows:  # picked evenly from each series in turn
        data = data.sort_values(series, kind="stable") if series else data
        data = data.iloc[np.linspace(0, len(data) - 1, max_rows).round().astype(int)]
    return data.reset_index(drop=True)


def show_numbers(where: Any, spec: Spec | None, label: str, latest: bool = False) -> None:
    """Under a chart: an expander holding its numbers (table_of), closed at first."""
    frame = table_of(spec, max_rows=100 if latest else 500, latest=latest)
    if len(frame):
        where.expander(label, icon=":material/table:").dataframe(frame, hide_index=True)
