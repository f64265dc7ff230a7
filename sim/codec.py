"""One codec for RunConfig <-> URL query parameters <-> JSON.

Decoding never raises: unknown keys are ignored, a bad value falls back to the base config's
value (the default unless told otherwise), and every fallback is returned as a Problem so the
caller can say what it ignored. Encoding writes every field, so a link stays valid when
defaults change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from sim.config import DEFAULT, FIELDS, SPECS, Problem, RunConfig, field_problem, problems

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
MAX_SHOWN = 40  # a rejected value is echoed back at most this long


def shown(raw: Any) -> str:
    """An untrusted value as a problem echoes it: text, at most MAX_SHOWN characters."""
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def parse_value(name: str, raw: Any) -> tuple[Any, Problem | None]:
    """Turn a string (or an already-typed JSON value) into the field's type and check it."""
    spec = SPECS[name]
    if isinstance(raw, (list, tuple)):  # a repeated query key: the last one wins
        raw = raw[-1] if raw else ""
    try:
        if spec.kind is bool:
            if isinstance(raw, bool):
                value = raw
            elif str(raw).strip().lower() in _TRUE | _FALSE:
                value = str(raw).strip().lower() in _TRUE
            else:
                raise ValueError
        elif spec.kind is str:
            value = str(raw).strip().lower()
        else:
            if isinstance(raw, bool):
                raise ValueError
            number = float(raw) if not isinstance(raw, (int, float)) else raw
            if not math.isfinite(number):
                raise ValueError
            if spec.kind is int:
                if not float(number).is_integer():
                    raise ValueError
                value = int(number)
            else:
                value = float(number)
    except (TypeError, ValueError, OverflowError):
        return None, Problem(name, "type", {"value": shown(raw), "type": spec.kind.__name__})
    problem = field_problem(name, value)
    if problem is not None:
        problem = Problem(name, problem.code, {**problem.params, "value": shown(raw)})
        return None, problem
    return value, None


# Reset in this order until a config that is over the compute budget fits.
_BUDGET_FALLBACK = ("batch_size", "width", "depth", "n_samples")


def from_mapping(
    params: Mapping[str, Any], base: RunConfig = DEFAULT
) -> tuple[RunConfig, list[Problem]]:
    """A config from URL query parameters or a decoded JSON object (field -> value), with
    every value it ignored."""
    values, rejected = base.to_dict(), []
    for name in FIELDS:
        if name not in params:
            continue
        value, problem = parse_value(name, params[name])
        if problem is None:
            values[name] = value
        else:
            rejected.append(problem)
    cfg = RunConfig(**values)
    for problem in problems(cfg):  # fields are fine one by one; the combination is not
        rejected.append(problem)
        for name in _BUDGET_FALLBACK:
            cfg = cfg.replace(**{name: getattr(base, name)})
            if not problems(cfg):
                break
    if problems(cfg):
        cfg = base
    return cfg, rejected


def to_query(cfg: RunConfig) -> dict[str, str]:
    out = {}
    for name in FIELDS:
        value = getattr(cfg, name)
        out[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def to_json(cfg: RunConfig) -> str:
    return json.dumps(cfg.to_dict(), indent=2, sort_keys=False)


def from_json(text: str, base: RunConfig = DEFAULT) -> tuple[RunConfig, list[Problem]]:
    try:
        data = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return base, [Problem("json", "type", {"value": shown(str(text)), "type": "JSON"})]
    if not isinstance(data, dict):
        return base, [Problem("json", "type", {"value": shown(str(text)), "type": "JSON"})]
    return from_mapping(data, base)
