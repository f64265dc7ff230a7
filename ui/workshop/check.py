"""'Check my network': run an exercise's check on the session's Playground network, remember the
attempt, and say pass or fail with the numbers behind it, in the user's language.

The engine returns codes and numbers (lessons.exercises.checks.Outcome); `outcome_text` words them
from the catalog's [workshop] table. A check trains one or two small networks: it takes a
training slot like a burst does (ui.common.burst.training_slot), so a busy room queues instead
of overloading the server. `check_section` is the Check button with its result, on the Workshop
page and in the Playground's exercise banner.
"""

from __future__ import annotations

import math

import streamlit as st

from lessons.exercises.checks import CheckResult, Outcome, run_check
from lessons.exercises.model import Exercise
from sim.config import FIELDS, RunConfig
from ui.common import session
from ui.common.burst import training_slot
from ui.common.guard import engine_error
from ui.common.i18n import t
from ui.common.wording import field_label, value_text
from ui.playground.lab import Lab
from ui.room import seat
from ui.through_time import state as time_state
from ui.workshop.pin import current
from ui.workshop.progress import LearnerProgress

PROGRESS_KEY = "workshop_progress"
SYMBOLS = {"eq": "=", "start": "=", "ne": "≠", "ge": "≥", "le": "≤", "in": "∈", "not_in": "∉"}
PERCENT = {"test_acc", "train_acc", "dead_mean", "dead_max", "saturation_mean", "clipped_share"}
WHOLE = {"steps", "dead_worst_layer"}
MARKS = {True: ":material/check_circle:", False: ":material/cancel:", None: ":material/info:"}
MAX_CHANGES_LISTED = 4  # more than this: another experiment altogether, not a variation


def get_progress() -> LearnerProgress:
    return session.get(PROGRESS_KEY, LearnerProgress)


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


def outcome_text(o: Outcome, tr=t) -> str:
    p = o.params
    if o.kind == "config":
        return tr("workshop.rule_config", problem=p["problem"])
    if o.kind in ("constraint", "fair"):
        name = p["field"]
        params = {
            "field": field_label(name, tr),
            "op": SYMBOLS[p["op"]],
            "want": value_text(name, p["expected"], tr),
            "got": value_text(name, p["got"], tr),
        }
        if o.kind == "fair":
            vary = ", ".join(field_label(n, tr) for n in p["vary"])
            return tr("workshop.rule_fair", vary=vary, **params)
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


def run(ex: Exercise, lab: Lab, placeholder=None) -> CheckResult | None:
    """Check the lab's config (and its trained network, where the exercise allows)."""
    try:
        with training_slot(placeholder), st.spinner(t("workshop.checking")):
            result = run_check(ex, lab.cfg, lab.sim)
    except Exception as exc:  # an engine failure is reported, the page stays
        engine_error(exc, placeholder)
        return None
    get_progress().record(result)
    seat.record(result)  # in a room: the check is recorded there too
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


def changes_text(start: RunConfig, cfg: RunConfig) -> str:
    """How the learner's config differs from the exercise's start, in a few words."""
    changed = [n for n in FIELDS if n != "device" and getattr(start, n) != getattr(cfg, n)]
    if not changed:
        return t("workshop.yours_same")
    if len(changed) > MAX_CHANGES_LISTED:
        return t("workshop.yours_other")
    items = ", ".join(f"{field_label(n)} {value_text(n, getattr(cfg, n))}" for n in changed)
    return t("workshop.yours_changed", items=items)


def stale(result: CheckResult, lab: Lab, training: bool = False) -> bool:
    """The network changed since `result` checked it: other settings, or (when the check read
    the session's own network) more steps trained, or being trained in this run."""
    if result.cfg != lab.cfg:
        return True
    yours = result.runs.get("yours")
    if yours is None or yours.source != "session":
        return False
    steps = lab.sim.step if lab.sim is not None else 0
    return training or yours.numbers["steps"] != steps


def check_section(
    ex: Exercise, lab: Lab, lang: str, key: str = "ws_check", training: bool = False
) -> None:
    """What will be checked, the button, and the latest result for this exercise, unless the
    network changed since (then only that it did: the verdict was about another network).
    `training`: the Playground trains after drawing this, in the same run. A recurrent
    exercise checks the Through time screen's network."""
    recurrent = ex.start_config.recurrent
    lab = time_state.get_lab() if recurrent else lab
    steps = lab.sim.step if lab.sim is not None else 0
    st.caption(changes_text(ex.start_config, lab.cfg) + " " + t("workshop.trained", steps=steps))
    if not recurrent and current().exercise != ex.id:  # the Playground's network, whatever
        st.info(t("workshop.not_opened"), icon=":material/info:")
    placeholder = st.empty()
    if st.button(t("workshop.check"), key=key, icon=":material/fact_check:"):
        run(ex, lab, placeholder)
    result = get_progress().last.get(ex.id)
    if result is not None and stale(result, lab, training):
        st.caption(t("workshop.stale"))
    elif result is not None:
        show(ex, result, lang)
