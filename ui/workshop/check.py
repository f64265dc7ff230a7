"""'Check my network': run an exercise's check on the session's Playground network, remember the
attempt, and say pass or fail with the numbers behind it, in the user's language.

The engine returns codes and numbers (lessons.exercises.checks.Outcome); `outcome_text` words them
from the catalog's [workshop] table. A check trains one or two small networks: it takes a
training slot like a burst does, so a busy room queues instead of overloading the server.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from lessons.exercises.checks import CheckResult, Outcome
from lessons.exercises.loading import Exercise, check
from sim.config import SPECS
from sim.slots import SLOTS
from ui.common.guard import engine_error
from ui.common.i18n import t
from ui.common.wording import choice_label, field_label
from ui.playground.lab import Lab
from ui.workshop.progress import Progress

PROGRESS_KEY = "workshop_progress"
SYMBOLS = {"eq": "=", "start": "=", "ne": "≠", "ge": "≥", "le": "≤", "in": "∈", "not_in": "∉"}
PERCENT = {"test_acc", "train_acc", "dead_mean", "dead_max", "saturation_mean", "clipped_share"}
WHOLE = {"steps", "dead_worst_layer"}
MARKS = {True: ":material/check_circle:", False: ":material/cancel:", None: ":material/info:"}


def get_progress() -> Progress:
    progress = st.session_state.get(PROGRESS_KEY)
    if not isinstance(progress, Progress):
        progress = Progress()
        st.session_state[PROGRESS_KEY] = progress
    return progress


# ---------------------------------------------------------------------------------------------
# Words for numbers and outcomes (pure: `tr` is a translator)


def metric_value(metric: str, value: float, tr=t) -> str:
    if metric == "diverged":
        return tr("workshop.yes") if value else tr("workshop.no")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞"
    if metric in PERCENT:
        return f"{value:.0%}"
    if metric in WHOLE:
        return f"{value:.0f}"
    return f"{value:.2g}"


def config_value(name: str, value: Any, tr=t) -> str:
    if isinstance(value, (tuple, list)):
        return " / ".join(config_value(name, v, tr) for v in value)
    if SPECS[name].kind is bool:
        return tr("workshop.on") if value else tr("workshop.off")
    if isinstance(value, str):
        return choice_label(name, value, tr)
    return f"{value:g}"


def outcome_text(o: Outcome, tr=t) -> str:
    p = o.params
    if o.kind == "config":
        return tr("workshop.rule_config", problem=p["problem"])
    if o.kind == "constraint":
        name = p["field"]
        params = {
            "field": field_label(name, tr),
            "op": SYMBOLS[p["op"]],
            "want": config_value(name, p["expected"], tr),
            "got": config_value(name, p["got"], tr),
        }
        return tr("workshop.rule_start" if p["op"] == "start" else "workshop.rule", **params)
    run = tr(f"workshop.run_{p['run']}")
    if p["metric"] == "diverged" and o.passed is not None:  # a yes/no, not a number
        return tr("workshop.goal_diverged" if p["value"] else "workshop.goal_finite", run=run)
    params = {
        "what": tr(f"workshop.metric_{p['metric']}", depth=p.get("depth", "")),
        "run": run,
        "value": metric_value(p["metric"], p["value"], tr),
    }
    if o.passed is None:
        return tr("workshop.goal_info", **params)
    target = metric_value(p["metric"], p["target"], tr)
    return tr("workshop.goal_line", op=SYMBOLS[p["op"]], target=target, **params)


# ---------------------------------------------------------------------------------------------
# Running and showing a check


def run(ex: Exercise, lab: Lab, slot=None) -> CheckResult | None:
    """Check the lab's config (and its trained network, where the exercise allows)."""
    where = slot if slot is not None else st

    def on_queued(waiting: int) -> None:
        where.info(t("common.queued", waiting=waiting), icon=":material/hourglass_top:")

    try:
        with SLOTS.hold(on_queued=on_queued), st.spinner(t("workshop.checking")):
            result = check(ex, lab.cfg, lab.sim)
    except Exception as exc:  # an engine failure is reported, the page stays
        engine_error(exc, slot)
        return None
    get_progress().record(result)
    return result


def show(ex: Exercise, result: CheckResult, lang: str) -> None:
    if result.passed:
        st.success(t("workshop.passed", title=ex.text[lang].title), icon=":material/celebration:")
    else:
        failed = len(result.failed)
        st.warning(t("workshop.not_yet", n=failed), icon=":material/build:")
    yours = result.runs.get("yours")
    if yours is not None:
        key = "workshop.source_session" if yours.source == "session" else "workshop.source_fresh"
        st.caption(t(key, steps=int(yours.numbers["steps"]), seconds=result.seconds))
    lines = [f"{MARKS[o.passed]} {outcome_text(o)}" for o in _shown(result)]
    st.markdown("\n".join(f"- {line}" for line in lines))
    if result.passed:
        with st.expander(t("workshop.explanation"), expanded=True, icon=":material/school:"):
            st.markdown(ex.text[lang].explanation)


def _shown(result: CheckResult) -> list[Outcome]:
    """The broken rules (the kept ones are many and say little), then every goal line."""
    broken = [o for o in result.outcomes if o.kind != "goal" and o.passed is False]
    return broken + [o for o in result.outcomes if o.kind == "goal"]
