"""History: what a simulation measured, kept compact on the host and served as a tidy frame.

Two record streams:
- every step: the layer-0 scalars that cost nothing extra (loss, train_acc, grad_norm_total,
  clipped);
- recorded steps (every `stats_every` steps, and the last step of each burst): every per-layer
  metric, plus test_loss and test_acc.

Memory is bounded: past MAX_RECORDS recorded steps (or MAX_STEPS per-step rows) the older half is
thinned to every other row, so recent steps stay dense and old ones grow sparse. The frame says
so in `frame.attrs["thinned_before"]` (0 when nothing was thinned).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAYER_METRICS = (
    "grad_norm",
    "weight_norm",
    "update_ratio",
    "signal_norm",
    "act_mean",
    "act_std",
    "saturation",
    "dead_fraction",
)
STEP_SCALARS = ("loss", "train_acc", "grad_norm_total", "clipped")
RECORD_SCALARS = ("test_loss", "test_acc")
METRICS = LAYER_METRICS + STEP_SCALARS + RECORD_SCALARS
METRIC_DTYPE = pd.CategoricalDtype(list(METRICS))

MAX_RECORDS = 2048  # recorded steps kept; 64 layers x 8 metrics x 2048 x 4 B = 4.3 MB
MAX_STEPS = 100_000  # per-step scalar rows kept; 4 x 4 B each


def _thin(steps: np.ndarray, *arrays: np.ndarray, cap: int):
    """Keep the newer half whole and every other row of the older half."""
    if len(steps) <= cap:
        return steps, arrays, None
    half = len(steps) // 2
    keep = np.concatenate([np.arange(0, half, 2), np.arange(half, len(steps))])
    return steps[keep], tuple(a[keep] for a in arrays), int(steps[half])


class History:
    def __init__(self, n_layers: int):
        self.n_layers = n_layers  # depth + 1 Linear layers
        self.step_steps = np.zeros(0, np.int32)
        self.step_values = np.zeros((0, len(STEP_SCALARS)), np.float32)
        self.rec_steps = np.zeros(0, np.int32)
        self.rec_layers = np.zeros((0, len(LAYER_METRICS), n_layers), np.float32)
        self.rec_scalars = np.zeros((0, len(RECORD_SCALARS)), np.float32)
        self.thinned_before = 0
        self._frame: pd.DataFrame | None = None

    # -- writing ------------------------------------------------------------------------------
    def extend(self, step_steps, step_values, rec_steps, rec_layers, rec_scalars) -> None:
        """Append host arrays from one flush (see Recorder.flush)."""
        self.step_steps = np.concatenate([self.step_steps, step_steps])
        self.step_values = np.concatenate([self.step_values, step_values])
        self.rec_steps = np.concatenate([self.rec_steps, rec_steps])
        self.rec_layers = np.concatenate([self.rec_layers, rec_layers])
        self.rec_scalars = np.concatenate([self.rec_scalars, rec_scalars])
        while len(self.step_steps) > MAX_STEPS:  # one big flush may need several halvings
            self.step_steps, (self.step_values,), cut = _thin(
                self.step_steps, self.step_values, cap=MAX_STEPS
            )
            self._note_thinned(cut)
        while len(self.rec_steps) > MAX_RECORDS:
            self.rec_steps, (self.rec_layers, self.rec_scalars), cut = _thin(
                self.rec_steps, self.rec_layers, self.rec_scalars, cap=MAX_RECORDS
            )
            self._note_thinned(cut)
        self._frame = None

    def _note_thinned(self, cut: int | None) -> None:
        if cut is not None:
            self.thinned_before = max(self.thinned_before, cut)

    # -- reading ------------------------------------------------------------------------------
    @property
    def last_step(self) -> int:
        return int(self.step_steps[-1]) if len(self.step_steps) else 0

    @property
    def nbytes(self) -> int:
        arrays = (self.step_steps, self.step_values, self.rec_steps, self.rec_layers)
        return sum(a.nbytes for a in arrays) + self.rec_scalars.nbytes

    def latest_layers(self) -> dict[str, np.ndarray] | None:
        """Per-layer metrics at the latest recorded step, as {metric: (n_layers,) array}."""
        if not len(self.rec_steps):
            return None
        return {m: self.rec_layers[-1, i] for i, m in enumerate(LAYER_METRICS)}

    def frame(self) -> pd.DataFrame:
        """Tidy frame: step (int32), layer (int16), metric (category), value (float32).

        Layer 0 is the whole model; 1..depth the hidden Linear layers from the input; depth+1
        the output layer. Values that were not measured (NaN) have no row.
        """
        if self._frame is None:
            self._frame = self._build()
        return self._frame

    def _build(self) -> pd.DataFrame:
        n_rec, n_m, n_l = self.rec_layers.shape
        parts = [
            self._tidy(self.step_steps, self.step_values, STEP_SCALARS),
            self._tidy(self.rec_steps, self.rec_scalars, RECORD_SCALARS),
            pd.DataFrame(
                {
                    "step": np.repeat(self.rec_steps, n_m * n_l),
                    "layer": np.tile(np.arange(1, n_l + 1, dtype=np.int16), n_rec * n_m),
                    "metric": pd.Categorical.from_codes(
                        np.tile(np.repeat(np.arange(n_m), n_l), n_rec), dtype=METRIC_DTYPE
                    ),
                    "value": self.rec_layers.reshape(-1),
                }
            ),
        ]
        df = pd.concat(parts, ignore_index=True)
        df = df[np.isfinite(df["value"].to_numpy())].reset_index(drop=True)
        df = df.astype({"step": np.int32, "layer": np.int16, "value": np.float32})
        df = df.sort_values(["step", "layer"], kind="stable", ignore_index=True)
        df.attrs["thinned_before"] = self.thinned_before
        return df

    @staticmethod
    def _tidy(steps: np.ndarray, values: np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
        n, k = values.shape
        offset = METRICS.index(names[0])
        return pd.DataFrame(
            {
                "step": np.repeat(steps, k),
                "layer": np.zeros(n * k, np.int16),
                "metric": pd.Categorical.from_codes(
                    np.tile(np.arange(offset, offset + k), n), dtype=METRIC_DTYPE
                ),
                "value": values.reshape(-1),
            }
        )
