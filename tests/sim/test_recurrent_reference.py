"""Reference tests for the recurrent networks: one recorded step, recomputed independently.

The reference takes the simulation's weights and batch (full batch, so the batch is known),
rebuilds the cell's equations with plain tensor ops (no nn.RNNCell / LSTMCell / GRUCell),
unrolls them over the sequence, and asks `torch.autograd.grad` for dL/dh_t at every time step
(the total derivative; with truncated backprop the state is detached after every k-th step).
The gate statistics are recomputed from the same unrolled gates, the spectral radius with
torch.linalg.eigvals. Nothing of sim.nn.recurrent's forward or sim.train.gates is used.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sim.config import RunConfig
from sim.train.simulation import Simulation

# full batch: 60 samples -> 48 train, 12 test; batch 64 >= 48
SMALL = RunConfig(n_samples=60, batch_size=64, width=8, seq_len=12, optimizer="sgd", lr=0.1)


def _rnn(p, x, h, c, act):
    return act(x @ p["cell.weight_ih"].T + p["cell.bias_ih"] + h @ p["cell.weight_hh"].T
               + p["cell.bias_hh"]), None, None  # fmt: skip


def _lstm(p, x, h, c, act):
    pre = x @ p["cell.weight_ih"].T + p["cell.bias_ih"] + h @ p["cell.weight_hh"].T
    i, f, g, o = (pre + p["cell.bias_hh"]).chunk(4, 1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    c = f * c + i * g
    return o * torch.tanh(c), c, torch.stack([i, f, o], 1)


def _gru(p, x, h, c, act):
    gi = x @ p["cell.weight_ih"].T + p["cell.bias_ih"]
    gh = h @ p["cell.weight_hh"].T + p["cell.bias_hh"]
    (ir, iz, i_n), (hr, hz, hn) = gi.chunk(3, 1), gh.chunk(3, 1)
    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
    n = torch.tanh(i_n + r * hn)
    return (1 - z) * n + z * h, None, torch.stack([r, z], 1)


CELLS = {"rnn": _rnn, "lstm": _lstm, "gru": _gru}
ACTS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}


def reference(cfg: RunConfig, params: dict, x: torch.Tensor, y: torch.Tensor):
    """(||dL/dh_t|| per t, forget gate mean per t, saturated share per t, spectral radius)."""
    p = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
    cell, act = CELLS[cfg.arch], ACTS[cfg.activation]
    b, t_len = x.shape[:2]
    h = torch.zeros(b, cfg.width)
    c = torch.zeros(b, cfg.width)
    hs, gates = [], []
    for t in range(t_len):
        h, c_new, g = cell(p, x[:, t], h, c, act)
        c = c if c_new is None else c_new
        hs.append(h)
        gates.append(g)
        if cfg.tbptt and (t + 1) % cfg.tbptt == 0:
            h, c = h.detach(), c.detach()
    if cfg.seq_task == "copy":
        out = torch.stack(hs[-3:], 1) @ p["head.weight"].T + p["head.bias"]
        loss = F.cross_entropy(out.flatten(0, 1), y.flatten())
    elif cfg.seq_task == "majority":
        loss = F.cross_entropy(hs[-1] @ p["head.weight"].T + p["head.bias"], y)
    else:
        loss = F.mse_loss(hs[-1] @ p["head.weight"].T + p["head.bias"], y)
    grads = torch.autograd.grad(loss, hs, allow_unused=True)
    signal = np.array([0.0 if g is None else g.norm().item() for g in grads])
    w_hh = p["cell.weight_hh"].detach()
    block = w_hh if cfg.arch == "rnn" else w_hh[2 * cfg.width : 3 * cfg.width]
    rho = torch.linalg.eigvals(block.double()).abs().max().item()
    if gates[0] is None:
        return signal, None, None, rho
    g = torch.stack(gates).detach()  # (T, B, gates, width)
    forget = g[:, :, 1].mean((1, 2)).numpy()
    saturated = ((g < 0.05) | (g > 0.95)).float().mean((1, 2, 3)).numpy()
    return signal, forget, saturated, rho


def recorded(cfg: RunConfig):
    sim = Simulation(cfg, stats_every=1)
    params = {k: v.detach().clone() for k, v in sim.model.named_parameters()}
    sim.burst(1)
    frame = sim.history
    at = frame[frame["step"] == 1]

    def per_t(metric):
        rows = at[at["metric"] == metric].sort_values("layer")
        return rows["layer"].to_numpy(), rows["value"].to_numpy()

    rho = at.loc[at["metric"] == "spectral_radius", "value"].to_numpy()
    return sim, params, per_t, rho


CASES = [
    dict(arch="rnn", activation="tanh"),
    dict(arch="rnn", activation="sigmoid", rec_init="orthogonal"),
    dict(arch="rnn", activation="relu", rec_init="identity"),
    dict(arch="lstm"),
    dict(arch="lstm", forget_bias="chrono", seq_task="copy"),
    dict(arch="gru", seq_task="majority"),
    dict(arch="lstm", tbptt=5),
    dict(arch="gru", tbptt=4),
    # wide (160 x 128 values a state): dL/dh_t reduced in hooks
    dict(arch="rnn", activation="tanh", tbptt=3, width=128, n_samples=200, batch_size=256),
    dict(arch="gru", width=128, n_samples=200, batch_size=256),
]


@pytest.mark.parametrize("changes", CASES, ids=lambda c: "-".join(map(str, c.values())))
def test_time_signal_and_gates_match_the_unrolled_reference(changes):
    cfg = SMALL.replace(**changes)
    sim, params, per_t, rho = recorded(cfg)
    want_signal, want_forget, want_saturated, want_rho = reference(
        cfg, params, sim.train_x, sim.train_y
    )
    layers, signal = per_t("time_signal")
    assert list(layers) == list(range(1, cfg.seq_len + 1))
    np.testing.assert_allclose(signal, want_signal, rtol=1e-4, atol=1e-9)
    if cfg.tbptt:  # the loss reaches only the last window: zero before it, not missing
        last_cut = (cfg.seq_len - 1) // cfg.tbptt * cfg.tbptt
        assert (signal[:last_cut] == 0).all() and (signal[last_cut:] > 0).all()
    np.testing.assert_allclose(rho, [want_rho], rtol=2e-3)
    if want_forget is None:
        assert len(per_t("forget_gate")[1]) == 0 and len(per_t("gate_saturation")[1]) == 0
        return
    np.testing.assert_allclose(per_t("forget_gate")[1], want_forget, rtol=1e-5)
    np.testing.assert_allclose(per_t("gate_saturation")[1], want_saturated, atol=1e-6)


def test_weight_metrics_are_per_matrix_input_recurrent_head():
    cfg = SMALL.replace(arch="lstm")
    sim, params, _, _ = recorded(cfg)
    frame = sim.history
    at = frame[(frame["step"] == 1) & (frame["metric"] == "weight_norm")].sort_values("layer")
    names = ["cell.weight_ih", "cell.weight_hh", "head.weight"]
    want = [params[n].norm().item() for n in names]
    assert list(at["layer"]) == [1, 2, 3]
    np.testing.assert_allclose(at["value"].to_numpy(), want, rtol=1e-5)
    grad = frame[(frame["step"] == 1) & (frame["metric"] == "grad_norm")]
    assert len(grad) == 3 and (grad["value"] > 0).all()
    # signal_norm and the activation statistics do not apply to a recurrent network
    for metric in ("signal_norm", "act_mean", "saturation", "dead_fraction"):
        assert not (frame["metric"] == metric).any()
