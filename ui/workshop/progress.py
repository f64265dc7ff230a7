"""A learner's workshop progress in the session: attempts, passed exercises, hints shown, and the
report they can hand in (JSON or CSV). Plain Python, no Streamlit: pages keep one LearnerProgress
in `st.session_state` and mutate it by attribute. (Not to be confused with the engine's
`Progress`, what a burst reports while it trains.)
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from lessons.exercises.checks import CheckResult
from sim.codec import to_query

REPORT_NUMBERS = ("steps", "test_acc", "signal_ratio", "grad_norm_max", "dead_mean")
MAX_ATTEMPTS = 500  # a session keeps at most this many (oldest dropped): memory stays bounded
REPORT_VERSION = 1


@dataclass
class Attempt:
    time: str  # ISO 8601, UTC
    exercise: str
    passed: bool
    reasons: tuple[str, ...]  # language-free codes of what failed
    source: str  # "session" | "fresh" | "" (nothing trained: a constraint failed)
    seconds: float
    config: dict[str, str]  # the config as URL parameters: a link reproduces it
    numbers: dict[str, float]

    @classmethod
    def of(cls, result: CheckResult, now: datetime | None = None) -> Attempt:
        yours = result.runs.get("yours")
        numbers = {k: yours.numbers[k] for k in REPORT_NUMBERS} if yours else {}
        stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        return cls(
            stamp,
            result.exercise,
            result.passed,
            result.reason_codes,
            yours.source if yours else "",
            round(result.seconds, 3),
            to_query(result.cfg),
            numbers,
        )

    def row(self) -> dict:
        """One flat CSV row."""
        out = {
            "time": self.time,
            "exercise": self.exercise,
            "passed": self.passed,
            "reasons": " ".join(self.reasons),
            "source": self.source,
            "seconds": self.seconds,
        }
        out |= {k: self.numbers.get(k, math.nan) for k in REPORT_NUMBERS}
        out["config"] = "&".join(f"{k}={v}" for k, v in self.config.items())
        return out


@dataclass
class LearnerProgress:
    attempts: list[Attempt] = field(default_factory=list)
    passed: set[str] = field(default_factory=set)
    hints_shown: dict[str, int] = field(default_factory=dict)  # exercise -> hints revealed
    last: dict[str, CheckResult] = field(default_factory=dict)  # exercise -> latest result

    def record(self, result: CheckResult) -> Attempt:
        attempt = Attempt.of(result)
        self.attempts.append(attempt)
        del self.attempts[:-MAX_ATTEMPTS]
        self.last[result.exercise] = result
        if result.passed:
            self.passed.add(result.exercise)
        return attempt

    def reveal_hint(self, exercise: str, available: int) -> int:
        shown = min(available, self.hints_shown.get(exercise, 0) + 1)
        self.hints_shown[exercise] = shown
        return shown


# ---------------------------------------------------------------------------------------------
# Report


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def clean_name(learner: str) -> str:
    """A learner's name for the report: one line, bounded, and never read as a spreadsheet
    formula (a cell starting with = + - @ is one in Excel and LibreOffice)."""
    name = " ".join(str(learner).split())[:100]
    return "'" + name if name[:1] in ("=", "+", "-", "@") else name


def report_json(progress: LearnerProgress, learner: str = "", lang: str = "en") -> str:
    doc = {
        "report": "gradient-lab-workshop",
        "version": REPORT_VERSION,
        "learner": clean_name(learner),
        "language": lang,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "passed": sorted(progress.passed),
        "attempts": [
            {
                "time": a.time,
                "exercise": a.exercise,
                "passed": a.passed,
                "reasons": list(a.reasons),
                "source": a.source,
                "seconds": a.seconds,
                "numbers": _finite(a.numbers),
                "config": a.config,
            }
            for a in progress.attempts
        ],
    }
    return json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False)


def report_csv(progress: LearnerProgress, learner: str = "") -> str:
    rows = [{"learner": clean_name(learner)} | a.row() for a in progress.attempts]
    columns = ["learner", "time", "exercise", "passed", "reasons", "source", "seconds"]
    columns += [*REPORT_NUMBERS, "config"]
    out = io.StringIO()
    pd.DataFrame(rows, columns=columns).to_csv(out, index=False)
    return out.getvalue()
