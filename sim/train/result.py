"""What a burst reports: progress while it runs, and its result."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: int  # steps run so far in this burst
    total: int  # steps asked for
    step: int  # the simulation's step counter
    seconds: float
    loss: float  # latest training loss (nan before the first step)


@dataclass(frozen=True)
class BurstResult:
    steps_run: int
    seconds: float
    diverged: bool = False
    diverged_step: int | None = None  # the step whose loss or gradient was non-finite
    diverged_layer: int | None = None  # history numbering; 0 if only the loss was non-finite
    diverged_where: str | None = None  # "forward" (activations) or "backward" (gradients)
    stopped: bool = False  # the progress callback asked to stop

    @property
    def steps_per_s(self) -> float:
        return self.steps_run / self.seconds if self.seconds > 0 else 0.0
