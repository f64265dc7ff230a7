"""Reference tests: every recorded number of one training step, recomputed independently.

The reference takes the simulation's parameters and batch (full batch, so the batch is known),
re-implements the forward pass with plain tensor ops (its own BatchNorm, LayerNorm, dropout,
residual and activation functions), and asks `torch.autograd.grad` for the gradients w.r.t.
every parameter and every Linear output. Clipping is torch.nn.utils' own; the update replays
the torch optimiser on a copy loaded with the simulation's optimiser state. Nothing of
sim.train.probe or sim.nn.mlp's forward is used.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sim.activations import ACTIVATIONS
from sim.config import RunConfig, train_size
from sim.history import LAYER_METRICS
from sim.train.probe import IMMEDIATE_MIN
from sim.train.recorder import _Snapshot
from sim.train.simulation import Simulation

FUNCTIONAL = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": F.elu,
    "selu": F.selu,
    "gelu": F.gelu,
    "silu": F.silu,
    "softplus": F.softplus,
    "hardtanh": F.hardtanh,
    "softsign": F.softsign,
}
OPTIMIZERS = {
    "sgd": lambda p, c: torch.optim.SGD(p, lr=c.lr, weight_decay=c.weight_decay),
    "momentum": lambda p, c: torch.optim.SGD(p, lr=c.lr, momentum=0.9, weight_decay=c.weight_decay),
    "rmsprop": lambda p, c: torch.optim.RMSprop(p, lr=c.lr, weight_decay=c.weight_decay),
    "adam": lambda p, c: torch.optim.Adam(p, lr=c.lr, weight_decay=c.weight_decay),
    "adamw": lambda p, c: torch.optim.AdamW(p, lr=c.lr, weight_decay=c.weight_decay),
}
EPS, BN_MOMENTUM = 1e-5, 0.1  # nn.BatchNorm1d / nn.LayerNorm defaults

# full batch: n_samples 200 -> 160 train, 40 test; batch 256 >= 160
SMALL = RunConfig(n_samples=200, batch_size=256, depth=4, width=16, optimizer="sgd", lr=0.05)


@dataclass
class Expected:
    step_values: np.ndarray  # loss, train_acc, grad_norm_total, clipped
    layers: np.ndarray  # (len(LAYER_METRICS), depth + 1)
    test: np.ndarray  # test_loss, test_acc


# ---------------------------------------------------------------------------------------------
# The reference


def _flat_mask(name: str, u: torch.Tensor) -> torch.Tensor:
    mask = torch.zeros_like(u, dtype=torch.bool)
    for lo, hi in ACTIVATIONS[name].flat:
        mask |= (u > lo) & (u < hi)
    return mask


def _forward(cfg, P, buffers, x, masks, train: bool):
    """P: name -> tensor. Returns logits, Linear outputs [(B, n)], (pre, post) activations."""
    h, zs, acts = x, [], []
    for i in range(cfg.depth):
        pre = f"blocks.{i}."
        z = h @ P[pre + "linear.weight"].T + P[pre + "linear.bias"]  # (B, width)
        zs.append(z)
        if cfg.norm == "batchnorm":
            if train:
                mean, var = z.mean(0), z.var(0, unbiased=False)
            else:
                mean, var = buffers[pre + "norm.running_mean"], buffers[pre + "norm.running_var"]
            u = (z - mean) / torch.sqrt(var + EPS) * P[pre + "norm.weight"] + P[pre + "norm.bias"]
        elif cfg.norm == "layernorm":
            mean, var = z.mean(1, keepdim=True), z.var(1, unbiased=False, keepdim=True)
            u = (z - mean) / torch.sqrt(var + EPS) * P[pre + "norm.weight"] + P[pre + "norm.bias"]
        else:
            u = z
        a = FUNCTIONAL[cfg.activation](u)
        acts.append((u, a))
        if train and cfg.dropout > 0:
            a = a * masks[i] / (1 - cfg.dropout)  # inverted dropout
        h = h + a if cfg.residual and h.shape == a.shape else a
    out = h @ P["head.weight"].T + P["head.bias"]
    zs.append(out)
    return out, zs, acts


def _loss(sim, out, y):
    if sim.task == "classification":
        return F.cross_entropy(out, y), (out.argmax(1) == y).float().mean()
    return F.mse_loss(out, y), torch.tensor(math.nan)


def reference_step(sim: Simulation) -> Expected:
    """What the next step of `sim` must record, from its current state (full batch)."""
    cfg = sim.cfg
    assert cfg.batch_size >= train_size(cfg)
    x, y = sim.train_x, sim.train_y
    names = [n for n, _ in sim.model.named_parameters()]
    P = {n: p.detach().clone().requires_grad_() for n, p in sim.model.named_parameters()}
    buffers = {n: b.detach().clone() for n, b in sim.model.named_buffers()}
    masks = []
    if cfg.dropout > 0:  # the same draws the simulation's generator will make, block by block
        g = torch.Generator().set_state(sim._rng_dropout.get_state())
        masks = [
            torch.rand(len(x), cfg.width, generator=g) < 1 - cfg.dropout for _ in range(cfg.depth)
        ]

    out, zs, acts = _forward(cfg, P, buffers, x, masks, train=True)
    loss, acc = _loss(sim, out, y)
    grads = torch.autograd.grad(loss, [P[n] for n in names] + zs)
    param_grads, signal = grads[: len(names)], grads[len(names) :]
    linear_w = [f"blocks.{i}.linear.weight" for i in range(cfg.depth)] + ["head.weight"]
    g_of = dict(zip(names, param_grads, strict=True))

    # clipping by torch.nn.utils, then the torch optimiser replayed on a copy
    params = [torch.nn.Parameter(P[n].detach().clone()) for n in names]
    for p, g in zip(params, param_grads, strict=True):
        p.grad = g.detach().clone()
    total = torch.nn.utils.clip_grad_norm_(params, math.inf)  # inf: measure only
    clipped = 0.0
    if cfg.clip == "norm":
        torch.nn.utils.clip_grad_norm_(params, cfg.clip_value)
        clipped = float(total > cfg.clip_value)
    elif cfg.clip == "value":
        clipped = float(max(g.abs().max() for g in param_grads) > cfg.clip_value)
        torch.nn.utils.clip_grad_value_(params, cfg.clip_value)
    before = {n: p.detach().clone() for n, p in zip(names, params, strict=True)}
    opt = OPTIMIZERS[cfg.optimizer](params, cfg)
    opt.load_state_dict(copy.deepcopy(sim.optimizer.state_dict()))
    opt.step()
    after = dict(zip(names, params, strict=True))

    layers = np.full((len(LAYER_METRICS), cfg.depth + 1), np.nan)
    row = {m: layers[i] for i, m in enumerate(LAYER_METRICS)}
    for j, n in enumerate(linear_w):
        row["grad_norm"][j] = g_of[n].norm()
        row["weight_norm"][j] = before[n].norm()
        row["update_ratio"][j] = (after[n].detach() - before[n]).norm() / before[n].norm()
        row["signal_norm"][j] = signal[j].norm()
    for j, (u, a) in enumerate(acts):
        flat = _flat_mask(cfg.activation, u)
        row["act_mean"][j], row["act_std"][j] = a.detach().mean(), a.detach().std()
        row["saturation"][j] = flat.float().mean()
        row["dead_fraction"][j] = flat.all(0).float().mean()

    # test numbers: eval mode, weights before the step, BatchNorm running stats updated by it
    with torch.no_grad():
        for i, z in enumerate(zs[:-1]):
            if cfg.norm == "batchnorm":  # running_var takes the unbiased batch variance
                rm, rv = f"blocks.{i}.norm.running_mean", f"blocks.{i}.norm.running_var"
                buffers[rm] = (1 - BN_MOMENTUM) * buffers[rm] + BN_MOMENTUM * z.mean(0)
                buffers[rv] = (1 - BN_MOMENTUM) * buffers[rv] + BN_MOMENTUM * z.var(0)
        test_out, _, _ = _forward(cfg, P, buffers, sim.test_x, [], train=False)
        test_loss, test_acc = _loss(sim, test_out, sim.test_y)
    step_values = np.array([float(loss.detach()), float(acc), float(total), clipped])
    return Expected(step_values, layers, np.array([float(test_loss), float(test_acc)]))


def recorded(sim: Simulation) -> Expected:
    r = sim.records
    assert r.rec_steps[-1] == r.step_steps[-1] == sim.step  # the step just run was recorded
    return Expected(r.step_values[-1], r.rec_layers[-1], r.rec_scalars[-1])


def check_step(cfg: RunConfig, steps_before: int = 2, rtol: float = 1e-4) -> Simulation:
    sim = Simulation(cfg.replace(device="cpu"), stats_every=1)
    sim.burst(steps_before)
    want = reference_step(sim)
    assert not sim.burst(1).diverged
    got = recorded(sim)
    atol = 1e-7
    np.testing.assert_allclose(got.step_values, want.step_values, rtol=rtol, atol=atol)
    np.testing.assert_allclose(got.test, want.test, rtol=rtol, atol=atol)
    for i, m in enumerate(LAYER_METRICS):
        # update_ratio is a difference of float32 weights: allow its rounding
        tol = 20 * rtol if m == "update_ratio" else rtol
        np.testing.assert_allclose(
            got.layers[i],
            want.layers[i],
            rtol=tol,
            atol=atol if m != "grad_norm" else 0,
            err_msg=m,
        )
    return sim


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("steps_before", [0, 3])
def test_plain_sgd(steps_before):
    check_step(SMALL.replace(activation="relu", init="kaiming_normal"), steps_before)


def test_deep_sigmoid_tiny_gradients():
    # first-layer gradients ~1e-9: compared relatively, not swallowed by an absolute tolerance
    sim = check_step(SMALL.replace(depth=10, width=32, activation="sigmoid", init="default"), 1)
    assert sim.records.rec_layers[-1, 0, 0] < 1e-6


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_activation(name):
    check_step(SMALL.replace(depth=3, width=12, activation=name, init="xavier_normal"), 1)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "hardtanh", "gelu", "identity"])
def test_wide_layers_reduced_as_they_pass(name):
    # 160 samples x 128 units: each layer's statistics are reduced during the forward, its
    # signal norm in a tensor hook during the backward
    cfg = SMALL.replace(depth=3, width=128, activation=name, init="xavier_normal")
    assert train_size(cfg) * cfg.width >= IMMEDIATE_MIN
    check_step(cfg, 1)
    check_step(cfg.replace(norm="batchnorm", residual=True), 1)


@pytest.mark.parametrize("chunk_bytes", [0, 40_000])
def test_weight_snapshot_in_chunks(monkeypatch, chunk_bytes):
    # large models copy their weights layer by layer in chunks (small ones in one flat copy)
    monkeypatch.setattr("sim.train.recorder.CHUNK_BYTES", chunk_bytes)
    sim = check_step(SMALL.replace(depth=5, width=64, optimizer="adam", lr=0.01), 2)
    snapshot = _Snapshot(sim.recorder.weights)
    assert not snapshot.flat and len(snapshot.chunks) > 1


@pytest.mark.parametrize("width", [12, 128])
def test_generic_flat_region_path_agrees(width):
    # an activation whose flat region has another shape falls back to Activation.in_flat
    cfg = SMALL.replace(depth=3, width=width, activation="sigmoid", init="default")
    fast, generic = (Simulation(cfg.replace(device="cpu"), stats_every=1) for _ in range(2))
    generic.recorder.probe._sign = None
    fast.burst(3)
    generic.burst(3)
    np.testing.assert_array_equal(fast.records.rec_layers, generic.records.rec_layers)


@pytest.mark.parametrize(
    "changes",
    [
        {"norm": "batchnorm", "activation": "tanh", "optimizer": "momentum"},
        {"norm": "layernorm", "activation": "gelu", "optimizer": "adam", "residual": True},
        {"norm": "batchnorm", "residual": True, "optimizer": "rmsprop", "lr": 0.001},
        {"residual": True, "activation": "sigmoid", "optimizer": "adamw", "weight_decay": 0.1},
        {"optimizer": "adam", "weight_decay": 0.01},
        {"optimizer": "sgd", "weight_decay": 0.1},
    ],
    ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()),
)
def test_norms_residual_optimizers(changes):
    check_step(SMALL.replace(init="kaiming_uniform", **changes), 3)


@pytest.mark.parametrize("dropout", [0.3, 0.6])
def test_dropout_masks(dropout):
    check_step(SMALL.replace(dropout=dropout, optimizer="adam", lr=0.01), 2)


@pytest.mark.parametrize(
    "clip,value", [("norm", 0.05), ("norm", 1e3), ("value", 0.01), ("value", 1e3)]
)
def test_clipping_matches_torch_nn_utils(clip, value):
    sim = check_step(SMALL.replace(clip=clip, clip_value=value, lr=0.5), 2)
    assert sim.records.step_values[-1, 3] == (1.0 if value < 1 else 0.0)


def test_regression_mse():
    sim = check_step(SMALL.replace(dataset="sine", activation="tanh", init="xavier_normal"), 2)
    assert np.isnan(sim.records.step_values[-1, 1])  # no accuracy for regression
    assert "train_acc" not in set(sim.history["metric"].astype(str))


def test_zero_init_has_no_update_ratio_but_runs():
    # init="zeros": every weight norm is 0, so update_ratio is undefined (no row), nothing raises
    sim = Simulation(SMALL.replace(init="zeros", device="cpu"), stats_every=1)
    assert not sim.burst(3).diverged
    assert np.isfinite(sim.history["value"]).all()
    sim.findings()


# ---------------------------------------------------------------------------------------------
# Dropout only in train mode


def test_dropout_only_in_train_mode():
    sim = Simulation(SMALL.replace(dropout=0.5, device="cpu"))
    twin = Simulation(SMALL.replace(dropout=0.0, device="cpu"))
    model, x = sim.model, sim.train_x
    with torch.no_grad():
        model.eval()
        twin.model.eval()
        torch.testing.assert_close(model(x), twin.model(x))  # eval: no mask, no rescale
        model.train()
        a, b = model(x), model(x)
    assert not torch.equal(a, b)  # train: a fresh mask per forward
    drop = model.blocks[0].drop
    h = torch.ones(4000, 16)
    kept = drop(h)
    assert abs(float((kept == 0).float().mean()) - 0.5) < 0.03
    torch.testing.assert_close(kept[kept != 0], torch.full_like(kept[kept != 0], 2.0))


# ---------------------------------------------------------------------------------------------
# The model's one traced forward is what its modules compute, in every mode


def _walk_modules(model, x):
    """The blocks' own modules called in order (each in its current train/eval mode)."""
    for b in model.blocks:
        out = b.drop(b.act(b.norm(b.linear(x))))
        x = x + out if b.residual else out
    return model.head(x)


@pytest.mark.parametrize(
    "changes",
    [{}, {"norm": "batchnorm", "dropout": 0.3, "residual": True}, {"norm": "layernorm"}],
    ids=str,
)
def test_trace_is_the_modules_forward_in_every_mode(changes):
    sim = Simulation(SMALL.replace(device="cpu", activation="tanh", **changes))
    sim.burst(3)  # BatchNorm running statistics away from their initial values
    model, x = sim.model, sim.test_x
    with torch.no_grad():
        model.eval()
        want_eval = _walk_modules(model, x)
        model.train()
    torch.testing.assert_close(model.trace(x, mode="eval"), want_eval, rtol=0, atol=0)
    assert model.training and all(m.training for m in model.modules())

    seen, zs = [], []
    g = sim._rng_dropout
    state = g.get_state()
    buffers = [b.clone() for b in model.buffers()]
    looked = model.trace(x, mode="look")  # the training arithmetic, without its side effects
    assert torch.equal(g.get_state(), state)
    assert all(torch.equal(b, c) for b, c in zip(model.buffers(), buffers, strict=True))
    want = _walk_modules(model, x)
    torch.testing.assert_close(looked, want, rtol=0, atol=0)  # the masks the step would draw
    g.set_state(state)  # the same dropout masks
    got = model.trace(x, lambda i, u, a: seen.append(i), lambda i, z: zs.append(z))
    torch.testing.assert_close(got, want, rtol=0, atol=0)
    assert seen == list(range(sim.cfg.depth)) and len(zs) == sim.cfg.depth + 1
    assert zs[-1] is got
