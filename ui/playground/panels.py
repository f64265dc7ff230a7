"""The Playground's text panels: notices, status line, diagnosis, export."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import streamlit as st

from sim.analysis import compare
from sim.codec import to_json
from sim.train.simulation import Simulation
from ui.charts.trace import Trace
from ui.common.guard import guarded
from ui.common.i18n import t
from ui.common.notices import show, show_pending
from ui.common.urlstate import with_lang
from ui.common.wording import (
    choice_label,
    device_text,
    field_label,
    finding_next,
    finding_text,
    problem_text,
    sorted_findings,
    value_text,
)
from ui.playground.lab import Change, Lab

METRIC_MIN_PX = 150  # a status metric's cell: two a row at 390 px
THROUGH_TIME = "app_pages/through_time.py"


def notices(lab: Lab, change: Change | None, training: bool = False) -> None:
    """One-shot notices (preset loaded, reset) and what the last control change did; a burst a
    changed setting paused, unless this run trains (then the banner would outlive the burst)."""
    show_pending(lab.notices)
    recurrent_link(lab)
    remaining = lab.remaining()
    if remaining and lab.sim is not None and lab.burst.paused and not training:
        show("info", t("playground.stopped", step=lab.sim.step, remaining=remaining))
    if change is None or change.kind == "same":
        return
    fields = ", ".join(field_label(f) for f in change.fields)
    if change.kind == "fresh" and change.fields:
        st.info(t("playground.fresh_network", fields=fields), icon=":material/autorenew:")
    elif change.kind == "applied":
        st.success(t("playground.applied", fields=fields), icon=":material/bolt:")
    elif change.kind == "invalid":
        items = "\n".join(f"- {problem_text(p)}" for p in change.problems)
        show("warning", f"{t('playground.invalid')}\n\n{items}")


def recurrent_link(lab: Lab) -> None:
    """A link asked the Playground for a recurrent network: it keeps its MLP and points to the
    Through time screen with that network, until the config the link left changes."""
    if lab.elsewhere is None:
        return
    kept, query = lab.elsewhere
    if lab.cfg != kept:
        lab.elsewhere = None
        return
    cell = choice_label("arch", query["arch"])
    show("info", t("playground.recurrent_link", cell=cell))
    st.page_link(
        THROUGH_TIME,
        label=t("playground.recurrent_open", cell=cell),
        icon=":material/timeline:",
        query_params=with_lang(query),
    )


def _latest(values, column: int) -> float:
    return float(values[-1, column]) if len(values) else math.nan


def status(lab: Lab, where) -> None:
    """Step, loss, test accuracy (or test loss), speed; and the device with its reason. Drawn in
    `where` (an st.empty) before, during and after a burst, so it never shows an older step."""
    sim = lab.sim
    if sim is None:
        return
    with where.container():
        _status(lab, sim)


def _status(lab: Lab, sim: Simulation) -> None:
    records = sim.records
    loss = _latest(records.step_values, 0)
    test_loss, test_acc = _latest(records.rec_scalars, 0), _latest(records.rec_scalars, 1)
    rate = lab.steps_per_s if lab.steps_per_s is not None else math.nan
    # A grid, not columns: two metrics a row on a phone (columns stack one a row), four on a
    # desktop.
    cells = st.grid(4, min_column_width=METRIC_MIN_PX)
    cells.metric(t("playground.metric_step"), _step_text(sim))
    cells.metric(t("playground.metric_loss"), _num(loss))
    if sim.task == "classification":
        cells.metric(t("playground.metric_test_acc"), _pct(test_acc))
    else:
        cells.metric(t("playground.metric_test_loss"), _num(test_loss))
    speed = t("playground.speed_value", rate=rate) if math.isfinite(rate) else "—"
    cells.metric(t("playground.metric_speed"), speed)
    st.caption(device_text(sim.device_choice))


def _step_text(sim: Simulation) -> str:
    """The step count; for a diverged run the step that diverged, as the diagnosis and the
    loss chart's rule name it (BurstResult.diverged_step)."""
    if sim.diverged and sim.divergence is not None:
        return t("playground.metric_step_diverged", step=sim.divergence.diverged_step)
    return f"{sim.step:,}"


def training_notice(where) -> None:
    """The diagnosis's place while a burst runs: the last one would describe an older step."""
    show("info", t("playground.diagnosis_training"), where)


def _num(x: float) -> str:
    return f"{x:.4g}" if math.isfinite(x) else "—"


def _pct(x: float) -> str:
    return f"{x:.1%}" if math.isfinite(x) else "—"


def diagnosis(lab: Lab) -> None:
    sim = lab.sim
    if sim is None:
        return
    if sim.step == 0 and not sim.diverged:
        show("info", t("playground.no_steps"))
        return
    ok, findings = guarded(lab.findings)  # once per step (ui.playground.lab)
    if not ok:
        return
    for f in sorted_findings(findings):
        body = finding_text(f, sim.cfg.depth)
        hint = finding_next(f)
        if hint:
            body += "\n\n" + t("playground.try_next", text=hint)
        show(f.severity, body)


def before_trace(lab: Lab) -> Trace | None:
    """The previous network's run for the charts, labelled with what changed (its old values)."""
    before = lab.before
    if before is None or lab.sim is None:
        return None
    changes = ", ".join(
        f"{field_label(n)} {value_text(n, getattr(before.cfg, n))}" for n in before.fields
    )
    return Trace(before.history, t("playground.before_label", changes=changes))


def before_after(lab: Lab) -> None:
    """What the faint trace is, and both networks side by side in Compare."""
    if lab.before is None:
        return
    st.caption(t("playground.before_note"))
    st.page_link(
        "app_pages/compare.py",
        label=t("playground.before_compare"),
        icon=":material/compare_arrows:",
        query_params=with_lang(compare.to_query([lab.before.cfg, lab.cfg])),
    )


def export(lab: Lab) -> None:
    sim = lab.sim
    if sim is None:
        return
    cols = st.columns(2)
    name, build = history_download(sim, lab.lock)
    cols[0].download_button(
        t("playground.download_history"),
        data=build,
        file_name=name,
        mime="text/csv",
        key="download_history",
        on_click="ignore",
        icon=":material/table:",
    )
    cols[1].download_button(
        t("playground.download_config"),
        data=to_json(lab.cfg),
        file_name="gradient-lab-config.json",
        mime="application/json",
        key="download_config",
        on_click="ignore",
        icon=":material/data_object:",
    )
    thinned = int(sim.history.attrs.get("thinned_before", 0) or 0) if sim.step else 0
    if thinned:
        st.caption(t("playground.thinned", step=thinned))
    st.caption(t("playground.share"))


def history_download(sim: Simulation, lab_lock=None) -> tuple[str, Callable[[], str]]:
    """The history's file name and its CSV, both as of now. The CSV is built only when the user
    clicks (on Streamlit's download thread), maybe after more training: it keeps the steps up to
    the one its name says."""
    lab_lock = lab_lock if lab_lock is not None else contextlib.nullcontext()
    step = sim.step

    def build() -> str:
        with lab_lock:  # not while a burst of this session writes the history
            frame = sim.history
            return frame[frame["step"] <= step].to_csv(index=False)

    return f"gradient-lab-history-step{step}.csv", build
