"""History: what a simulation measured, kept compact on the host and served as a tidy frame.

Two record streams:
- every step: the layer-0 scalars that cost nothing extra (loss, train_acc, grad_norm_total,
  clipped);
- recorded steps (every `stats_every` steps, and the last step of each burst): every per-layer
  metric, plus test_loss and test_acc (and, for a recurrent network, spectral_radius). A
  recurrent network's test_loss and test_acc are those of its first 256 test sequences
  (sim.train.simulation.EVAL_SEQUENCES; all of them up to 1280 samples).

Layers: for an MLP, 1..depth the hidden Linear layers from the input and depth + 1 the output
layer. For a recurrent network (sim.nn.recurrent) the per-layer metrics are per weight matrix:
1 = the cell's input weights, 2 = its recurrent weights, 3 = the head (signal_norm and the
activation statistics do not apply); the TIME_METRICS have `layer` = time step t, 1..seq_len:
time_signal ||dL/dh_t|| (the total derivative, over the batch), forget_gate (the LSTM forget
gate's or the GRU update gate's mean at step t; gated cells only), gate_saturation (the share
of the cell's sigmoid gate values below 0.05 or above 0.95 at step t). spectral_radius (layer
0) is that of W_hh, or of its cell-candidate block for LSTM and GRU. An MLP has no rows of
these.

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
RECURRENT_SCALARS = ("spectral_radius",)  # recorded steps of a recurrent network, layer 0
TIME_METRICS = ("time_signal", "forget_gate", "gate_saturation")
# the recorder's columns a recorded step; History keeps them as rec_scalars and rec_model
RECORD_COLUMNS = RECORD_SCALARS + RECURRENT_SCALARS
METRICS = LAYER_METRICS + STEP_SCALARS + RECORD_COLUMNS + TIME_METRICS
METRIC_DTYPE = pd.CategoricalDtype(list(METRICS))

MAX_RECORDS = 2048  # recorded steps kept; 64 layers x 8 metrics x 2048 x 4 B = 4.3 MB
# (a recurrent network: 200 time steps x 3 metrics x 2048 x 4 B = 4.9 MB)
MAX_STEPS = 100_000  # per-step scalar rows kept; 4 x 4 B each


def _thin(steps: np.ndarray, *arrays: np.ndarray, cap: int):
    """Keep the newer half whole and every other row of the older half."""
    if len(steps) <= cap:
        return steps, arrays, None
    half = len(steps) // 2
    keep = np.concatenate([np.arange(0, half, 2), np.arange(half, len(steps))])
    return steps[keep], tuple(a[keep] for a in arrays), int(steps[half])


class History:
    def __init__(self, n_layers: int, n_times: int = 0):
        self.n_layers = n_layers  # depth + 1 Linear layers (an MLP), or 3 weight matrices
        self.n_times = n_times  # time steps of a recurrent network, 0 for an MLP
        self.step_steps = np.zeros(0, np.int32)
        self.step_values = np.zeros((0, len(STEP_SCALARS)), np.float32)
        self.rec_steps = np.zeros(0, np.int32)
        self.rec_layers = np.zeros((0, len(LAYER_METRICS), n_layers), np.float32)
        self.rec_scalars = np.zeros((0, len(RECORD_SCALARS)), np.float32)
        self.rec_model = np.zeros((0, len(RECURRENT_SCALARS)), np.float32)  # NaN for an MLP
        self.rec_times = np.zeros((0, len(TIME_METRICS), n_times), np.float32)
        self.thinned_before = 0
        self._frame: pd.DataFrame | None = None

    # -- writing ------------------------------------------------------------------------------
    def extend(
        self, step_steps, step_values, rec_steps, rec_layers, rec_scalars, rec_times=None
    ) -> None:
        """Append host arrays from one flush (see Recorder.flush). rec_scalars has the
        RECORD_SCALARS' columns, optionally followed by the RECURRENT_SCALARS'."""
        if rec_times is None:
            rec_times = np.zeros((len(rec_steps), len(TIME_METRICS), self.n_times), np.float32)
        rec_scalars = np.asarray(rec_scalars, np.float32)
        rec_model = np.full((len(rec_steps), len(RECURRENT_SCALARS)), np.nan, np.float32)
        rec_model[:, : rec_scalars.shape[1] - 2] = rec_scalars[:, 2:]
        rec_scalars = rec_scalars[:, :2]
        self.step_steps = np.concatenate([self.step_steps, step_steps])
        self.step_values = np.concatenate([self.step_values, step_values])
        self.rec_steps = np.concatenate([self.rec_steps, rec_steps])
        self.rec_layers = np.concatenate([self.rec_layers, rec_layers])
        self.rec_scalars = np.concatenate([self.rec_scalars, rec_scalars])
        self.rec_model = np.concatenate([self.rec_model, rec_model])
        self.rec_times = np.concatenate([self.rec_times, rec_times])
        while len(self.step_steps) > MAX_STEPS:  # one big flush may need several halvings
            self.step_steps, (self.step_values,), cut = _thin(
                self.step_steps, self.step_values, cap=MAX_STEPS
            )
            self._note_thinned(cut)
        while len(self.rec_steps) > MAX_RECORDS:
            kept = (self.rec_layers, self.rec_scalars, self.rec_model, self.rec_times)
            self.rec_steps, kept, cut = _thin(self.rec_steps, *kept, cap=MAX_RECORDS)
            self.rec_layers, self.rec_scalars, self.rec_model, self.rec_times = kept
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
        arrays += (self.rec_scalars, self.rec_model, self.rec_times)
        return sum(a.nbytes for a in arrays)

    def latest_layers(self) -> dict[str, np.ndarray] | None:
        """Per-layer metrics at the latest recorded step, as {metric: (n_layers,) array}."""
        if not len(self.rec_steps):
            return None
        return {m: self.rec_layers[-1, i] for i, m in enumerate(LAYER_METRICS)}

    def frame(self) -> pd.DataFrame:
        """Tidy frame: step (int32), layer (int16), metric (category), value (float32).

        Layer 0 is the whole model; 1..depth the hidden Linear layers from the input; depth+1
        the output layer (a recurrent network: see the module's docstring). Values that were
        not measured (NaN) have no row.
        """
        if self._frame is None:
            self._frame = self._build()
        return self._frame

    def _build(self) -> pd.DataFrame:
        parts = [
            self._tidy(self.step_steps, self.step_values, STEP_SCALARS),
            self._tidy(self.rec_steps, self.rec_scalars, RECORD_SCALARS),
            self._tidy(self.rec_steps, self.rec_model, RECURRENT_SCALARS),
            self._per_layer(self.rec_steps, self.rec_layers, LAYER_METRICS),
        ]
        if self.n_times:
            parts.append(self._per_layer(self.rec_steps, self.rec_times, TIME_METRICS))
        df = pd.concat(parts, ignore_index=True)
        df = df[np.isfinite(df["value"].to_numpy())].reset_index(drop=True)
        df = df.astype({"step": np.int32, "layer": np.int16, "value": np.float32})
        df = df.sort_values(["step", "layer"], kind="stable", ignore_index=True)
        df.attrs["thinned_before"] = self.thinned_before
        return df

    @staticmethod
    def _per_layer(steps: np.ndarray, values: np.ndarray, names: tuple[str, ...]) -> pd.DataFrame:
        """(records, metrics, layers) -> rows with layer 1..layers."""
        n_rec, n_m, n_l = values.shape
        offset = METRICS.index(names[0])
        return pd.DataFrame(
            {
                "step": np.repeat(steps, n_m * n_l),
                "layer": np.tile(np.arange(1, n_l + 1, dtype=np.int16), n_rec * n_m),
                "metric": pd.Categorical.from_codes(
                    np.tile(np.repeat(np.arange(offset, offset + n_m), n_l), n_rec),
                    dtype=METRIC_DTYPE,
                ),
                "value": values.reshape(-1),
            }
        )

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
