"""The article's outlook (its section 5.2), settled by experiments: recurrent networks and
attention, which the article suggests might need no activation functions at all.

- `recurrent`: every recurrent cell applies tanh (and sigmoid in each gate), and through time
  that nonlinearity, with the recurrent weights, decides the gradient. Measured on the engine
  (sim.nn.recurrent) at initialisation: ||dL/dh_1|| / ||dL/dh_T|| on the adding problem at
  length 50 for a vanilla tanh RNN, an LSTM (PyTorch's default and chrono forget bias) and an
  IRNN (ReLU, identity W_hh; Le, Jaitly & Hinton 2015), a geometric mean over SEEDS.
- `attention`: softmax is attention's nonlinearity and it saturates. Measured with torch on
  random queries and keys: the softmax Jacobian's norm and the largest probability at
  d_k = 16, 64, 256, with and without the 1/sqrt(d_k) scaling (Vaswani et al. 2017, §3.2.1).

Both return lessons.claims.ClaimEvidence; CLAIMS here is merged with lessons.claims.CLAIMS
where an experiment key is looked up (lessons.snapshot.experiment).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from lessons.claims import ClaimEvidence
from lessons.experiments import SEEDS
from sim.config import RunConfig
from sim.history import TIME_METRICS
from sim.presets import TIME_PRESETS
from sim.train.simulation import Simulation

_SIGNAL, _FORGET = TIME_METRICS.index("time_signal"), TIME_METRICS.index("forget_gate")
SEQ_LEN = 50
# The cells compared, as changes to the vanilla tanh RNN preset (adding problem, length 50).
CELLS: dict[str, dict] = {
    "tanh": {},
    "lstm": {"arch": "lstm"},
    "chrono": {"arch": "lstm", "forget_bias": "chrono"},
    "irnn": {"activation": "relu", "rec_init": "identity"},
}
VANISHED_TIME = 1e-5  # signal at t = 1 below 1e-5 of the one at t = T
LEVEL_TIME = 0.1  # within a factor of ten
D_KS = (16, 64, 256)
KEYS, QUERIES = 32, 1024  # keys a query attends over, and queries drawn
SATURATED = 0.99  # a query whose largest attention weight is above this is saturated


def _at_init(cfg: RunConfig) -> tuple[float, float]:
    """s_1 / s_T on the initial weights (step 1's gradients) and the mean forget gate (NaN for
    a vanilla RNN)."""
    sim = Simulation(cfg.replace(device="cpu", n_samples=400), stats_every=1)
    sim.burst(1)
    times = sim.records.rec_times[0].astype(np.float64)
    signal, forget = times[_SIGNAL], times[_FORGET]
    gated = bool(np.isfinite(forget).any())
    return float(signal[0] / signal[-1]), float(np.nanmean(forget)) if gated else math.nan


def _geomean(values: list[float]) -> float:
    return float(np.exp(np.mean(np.log(values))))


def claim_recurrent() -> ClaimEvidence:
    """'Recurrent networks might need no activation functions.' Each cell has them, and they
    govern the signal through time: the tanh RNN's vanishes, the IRNN's stays level."""
    base = TIME_PRESETS["rnn_tanh_adding"].cfg.replace(seq_len=SEQ_LEN)
    numbers: dict[str, float] = {"seq_len": float(SEQ_LEN), "seeds": float(len(SEEDS))}
    for name, changes in CELLS.items():
        runs = [_at_init(base.replace(seed=s, **changes)) for s in SEEDS]
        ratio = _geomean([r for r, _ in runs])
        numbers[f"{name}_ratio"] = ratio
        numbers[f"{name}_factor"] = ratio ** (1 / (SEQ_LEN - 1))
        if changes.get("arch") == "lstm":  # a vanilla RNN has no forget gate
            numbers[f"{name}_forget"] = float(np.mean([f for _, f in runs]))
    numbers["orders"] = math.log10(numbers["irnn_ratio"] / numbers["tanh_ratio"])
    vanishes = numbers["tanh_ratio"] < VANISHED_TIME
    level = numbers["irnn_ratio"] > LEVEL_TIME
    implied = "wrong" if vanishes and level else "partly"
    return ClaimEvidence("recurrent", implied, numbers)


def softmax_jacobian(probs: torch.Tensor) -> torch.Tensor:
    """d softmax(s) / d s = diag(p) - p p^T for each row p of `probs` (what torch.func.jacrev
    gives, tests/lessons/test_claims.py; in closed form it costs a fraction of the time)."""
    return torch.diag_embed(probs) - probs[..., :, None] * probs[..., None, :]


def softmax_saturation(d_k: int, scaled: bool, seed: int = 0) -> tuple[float, float, float]:
    """For scores s = K q (/ sqrt(d_k)), q and the KEYS rows of K drawn from N(0, I): the
    typical Frobenius norm of the softmax Jacobian d p / d s (a geometric mean over queries: a
    saturated query's is orders of magnitude below), the mean largest probability, and the
    share of queries whose largest probability exceeds SATURATED."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(QUERIES, d_k, generator=g, dtype=torch.float64)
    k = torch.randn(QUERIES, KEYS, d_k, generator=g, dtype=torch.float64)
    scores = torch.einsum("qkd,qd->qk", k, q) / (math.sqrt(d_k) if scaled else 1.0)
    probs = torch.softmax(scores, -1)
    jac = softmax_jacobian(probs)
    norm = torch.linalg.matrix_norm(jac).log().mean().exp()
    top = probs.max(-1).values
    return float(norm), float(top.mean()), float((top > SATURATED).double().mean())


def claim_attention() -> ClaimEvidence:
    """'Attention might need no activation functions.' Its softmax saturates as the scores
    grow with d_k; dividing them by sqrt(d_k) keeps its gradient the same at every d_k."""
    numbers: dict[str, float] = {"keys": float(KEYS)}
    for d_k in D_KS:
        for scaled, tag in ((False, "raw"), (True, "scaled")):
            norm, top, share = softmax_saturation(d_k, scaled)
            numbers[f"{tag}_jac_{d_k}"], numbers[f"{tag}_top_{d_k}"] = norm, top
            numbers[f"{tag}_saturated_{d_k}"] = share
    big = D_KS[-1]
    numbers["collapse"] = numbers[f"scaled_jac_{big}"] / numbers[f"raw_jac_{big}"]
    scaled = [numbers[f"scaled_jac_{d}"] for d in D_KS]
    saturates = numbers["collapse"] > 10 and numbers[f"raw_saturated_{big}"] > 0.25
    steady = max(scaled) / min(scaled) < 1.2
    implied = "wrong" if saturates and steady else "partly"
    return ClaimEvidence("attention", implied, numbers)


CLAIMS: dict[str, Callable[[], ClaimEvidence]] = {
    "recurrent": claim_recurrent,
    "attention": claim_attention,
}
SLOW = frozenset({"recurrent", "attention"})  # seconds each: recurrent steps; 3M scores
