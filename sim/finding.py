"""Finding: what a diagnosis rule reports, a code plus the numbers behind it, and what the
rules of depth (sim.diagnosis) and of time (sim.diagnosis_time) share: when a run counts as
"not learning" against its chance loss."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.history import History

CHANCE_SHARE = 0.9  # training loss at or above 90% of chance: nothing learnt yet
NOT_LEARNING_STEPS = 100  # before this many steps every network is still near chance
LOSS_WINDOW = 20  # steps averaged for the loss: one batch's loss is noisy


@dataclass(frozen=True)
class Finding:
    code: str  # one of sim.diagnosis.CODES or sim.diagnosis_time.TIME_CODES
    severity: str  # "error" | "warning" | "info" | "ok"
    layer: int | None = None  # history numbering (a time step for the rules of time)
    values: dict[str, float] = field(default_factory=dict)
    advice: tuple[str, ...] = ()  # sim.remedies codes that fit the config, most direct first


def recent_loss(records: History) -> float:
    """The training loss over the last LOSS_WINDOW steps (NaN before any step)."""
    if not len(records.step_steps):
        return math.nan
    return float(np.nanmean(records.step_values[-LOSS_WINDOW:, 0]))


def stuck_at_chance(records: History, chance: float) -> dict[str, float] | None:
    """{loss, chance, steps} when the recent training loss is still near `chance` after
    NOT_LEARNING_STEPS steps, else None."""
    if not len(records.rec_steps) or records.step_steps[-1] < NOT_LEARNING_STEPS:
        return None
    loss = recent_loss(records)
    if not (math.isfinite(loss) and loss >= CHANCE_SHARE * chance):
        return None
    return {"loss": loss, "chance": chance, "steps": float(records.step_steps[-1])}
