"""Words for what the engine reports in codes: config fields and values, problems, diagnosis
findings, devices.

The engine stays language-free (sim.config.Problem, sim.diagnosis.Finding); this module turns
each code and its numbers into a sentence of the catalog (`config.*`, `finding.*`), for every
screen: a config value is worded by `value_text` alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sim.config import MIN_BURST, SPECS, Problem
from sim.device import DeviceChoice
from sim.diagnosis import Finding
from sim.diagnosis_time import DIVERGED_CODES
from ui.common.i18n import has, t

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "ok": 3}


RUN_KEY = re.compile(r"r(\d+)_(\w+)")  # another run's field on Compare: r2_depth


def field_label(name: str, tr=t) -> str:
    """A URL key or config field in words ('r2_depth' -> 'Run 2: Hidden layers (depth)')."""
    key = f"config.field_{name}"
    if has(key):
        return tr(key)
    run = RUN_KEY.fullmatch(name)
    if run and has(f"config.field_{run[2]}"):
        return tr("config.field_run", n=run[1], field=field_label(run[2], tr))
    return name


def limit_text(x: float) -> str:
    """A limit as people write it: 2,147,483,647 (not 2.14748e+09), 0.5, 1e-05."""
    if float(x).is_integer() and abs(x) >= 1e4:
        return f"{int(x):,}"
    return f"{x:g}"


def choice_label(field: str, value: str, tr=t) -> str:
    """A choice's label ('relu' -> 'ReLU', 'spiral' -> '螺旋'); an unknown value shows as is."""
    key = f"config.{field}_{value}"
    return tr(key) if has(key) else str(value)


def value_text(name: str, value: Any, tr=t) -> str:
    """A config value in words: 'on' / 'off', a choice's label, a number; a list of them."""
    if isinstance(value, (tuple, list)):
        return " / ".join(value_text(name, v, tr) for v in value)
    if isinstance(value, bool) or (name in SPECS and SPECS[name].kind is bool):
        return tr("config.value_on") if value else tr("config.value_off")
    if isinstance(value, str):
        return choice_label(name, value, tr)
    return f"{value:g}"


_MARKDOWN = set("\\`[]()!<>$|")  # what makes links, images, code, HTML, maths or tables


def md_escape(text: object) -> str:
    """A value from a URL shown in a notice: as text, never as markdown (no links, no images)."""
    return "".join("\\" + c if c in _MARKDOWN else c for c in str(text))


def problem_text(p: Problem, tr=t) -> str:
    params = dict(p.params)
    params["field"] = field_label(p.field, tr)
    params["value"] = md_escape(params.get("value", ""))
    if p.code == "type":
        type_key = f"config.type_{params.get('type', 'str')}"
        params["type"] = tr(type_key) if has(type_key) else str(params.get("type", ""))
    if p.code == "budget":
        params.setdefault("min", MIN_BURST)
    if p.code == "range":
        params.update(lo=limit_text(params["lo"]), hi=limit_text(params["hi"]))
    key = f"config.problem_{p.code}"
    if p.code == "combination" and has(f"{key}_{p.field}"):  # the field names which combination
        key = f"{key}_{p.field}"
    if p.params.get("recurrent") and has(f"{key}_recurrent"):  # budget, memory: seq_len, not depth
        key = f"{key}_recurrent"
    return tr(key, **params) if has(key) else str(p)


def problems_text(found: Iterable[Problem], tr=t) -> str:
    return "; ".join(problem_text(p, tr) for p in found)


DIVERGED = ("diverged", "step_diverged", *DIVERGED_CODES)


def finding_params(f: Finding, depth: int, tr=t) -> dict:
    params: dict = {"layer": f.layer, "depth": depth, **f.values}
    if f.code in DIVERGED:
        params["where_text"] = tr(f"finding.where_{f.values.get('where') or 'backward'}")
    if f.code in DIVERGED_CODES:  # a recurrent network's weight matrix: 1 input, 2 W_hh, 3 output
        key = f"finding.matrix_{f.layer}"
        params["matrix_text"] = tr(key) if has(key) else tr("finding.matrix_any")
    return params


def finding_text(f: Finding, depth: int, tr=t) -> str:
    return tr(f"finding.{f.code}", **finding_params(f, depth, tr))


def finding_next(f: Finding, tr=t) -> str:
    """The remedies that fit the config (the finding's advice), else the general next step."""
    if f.advice:
        items = tr("finding.advice_sep").join(tr(f"finding.advice_{code}") for code in f.advice)
        return tr("finding.advice", items=items)
    key = f"finding.{f.code}_next"
    return tr(key) if has(key) else ""


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


def device_text(choice: DeviceChoice, tr=t) -> str:
    reason = tr(f"common.device_reason_{choice.reason}")
    return tr("playground.device", device=str(choice.device), reason=reason)
