"""Simulation.apply, starting from another network's weights, the data, the device choice and
the diagnosis on the article's presets."""

from __future__ import annotations

import pytest
import torch

from sim import config
from sim.config import HOT_FIELDS, RunConfig, train_size
from sim.data import DATASETS, make_data
from sim.device import REASONS, resolve
from sim.nn.mlp import INITS, build_model
from sim.presets import PRESETS
from sim.train.simulation import Simulation, copy_matching_linears

SMALL = RunConfig(n_samples=200, depth=3, width=16, device="cpu")


def weights(sim: Simulation) -> list[torch.Tensor]:
    return [p.detach().clone() for p in sim.model.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------------------------------------
# apply


@pytest.mark.parametrize(
    "changes",
    [
        {"lr": 0.05},
        {"weight_decay": 0.1},
        {"clip": "norm", "clip_value": 0.5},
        {"batch_size": 16},
        {"dropout": 0.4},
        {"optimizer": "sgd"},
    ],
    ids=str,
)
def test_apply_hot_fields_in_place(changes):
    sim = Simulation(SMALL)
    sim.burst(5)
    before, step, model = weights(sim), sim.step, sim.model
    assert sim.apply(sim.cfg.replace(**changes))
    assert sim.model is model and sim.step == step and same(weights(sim), before)
    for name, value in changes.items():
        assert getattr(sim.cfg, name) == value
    group = sim.optimizer.param_groups[0]
    assert (group["lr"], group["weight_decay"]) == (sim.cfg.lr, sim.cfg.weight_decay)
    if "optimizer" in changes:
        assert type(sim.optimizer) is torch.optim.SGD
    if "dropout" in changes:
        assert all(b.drop.p == 0.4 for b in sim.model.blocks)
    assert sim.burst(5).steps_run == 5 and sim.step == step + 5


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_adam_is_fused_on_the_cpu_and_steps_like_the_default(name):
    """The engine's Adam uses the fused kernel on the CPU; from the same weights and gradients
    its steps land where PyTorch's default (single-tensor) Adam's land, to float rounding."""
    cfg = SMALL.replace(optimizer=name, weight_decay=0.01, device="cpu")
    sim = Simulation(cfg)
    assert sim.optimizer.defaults["fused"] is True
    twin = build_model(cfg, 2, sim.data.n_out)
    twin.load_state_dict(sim.model.state_dict())
    default = type(sim.optimizer)(
        twin.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, foreach=False
    )
    g = torch.Generator().manual_seed(5)
    for _ in range(3):
        for p, q in zip(sim.model.parameters(), twin.parameters(), strict=True):
            p.grad = torch.randn(p.shape, generator=g)
            q.grad = p.grad.clone()
        sim.optimizer.step()
        default.step()
    moved = 0.0
    for p, q in zip(sim.model.parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(p.detach(), q.detach(), rtol=1e-5, atol=1e-6)
    start = build_model(cfg, 2, sim.data.n_out).parameters()
    for p, q in zip(start, twin.parameters(), strict=True):
        moved = max(moved, float((p.detach() - q.detach()).abs().max()))
    assert moved > 1e-3  # the steps did move the weights


@pytest.mark.parametrize(
    "changes", [{"depth": 4}, {"width": 8}, {"seed": 1}, {"activation": "tanh"}], ids=str
)
def test_apply_other_fields_asks_for_a_rebuild(changes):
    assert not (set(changes) & HOT_FIELDS)
    sim = Simulation(SMALL)
    sim.burst(3)
    before = weights(sim)
    assert not sim.apply(sim.cfg.replace(**changes))
    assert sim.cfg == SMALL and same(weights(sim), before)


def test_apply_unchanged_is_a_no_op():
    sim = Simulation(SMALL)
    assert sim.apply(SMALL)


# ---------------------------------------------------------------------------------------------
# Starting from the same weights (Compare)


def test_copy_matching_linears():
    src = build_model(SMALL.replace(seed=5), 2, 2)
    dst = build_model(SMALL.replace(depth=5, seed=9), 2, 2)
    copy_matching_linears(src, dst)
    for a, b in zip(src.linears[:-1], dst.linears, strict=False):  # all hidden shapes match
        assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    same_depth = build_model(SMALL.replace(activation="tanh", seed=9), 2, 2)
    copy_matching_linears(src, same_depth)
    for a, b in zip(src.parameters(), same_depth.parameters(), strict=True):
        assert torch.equal(a, b)
    wider = build_model(SMALL.replace(width=8, seed=9), 2, 2)
    original = [lin.weight.clone() for lin in wider.linears]
    copy_matching_linears(src, wider)  # no shape matches: nothing changes
    assert all(torch.equal(a, lin.weight) for a, lin in zip(original, wider.linears, strict=True))


def test_init_from_starts_where_the_other_network_is():
    a = Simulation(SMALL.replace(activation="sigmoid"))
    b = Simulation(SMALL.replace(activation="tanh", seed=3), init_from=a.model)
    for la, lb in zip(a.model.linears, b.model.linears, strict=True):
        assert torch.equal(la.weight, lb.weight)


# ---------------------------------------------------------------------------------------------
# Data and model


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_data_deterministic_standardised_split(name):
    cfg = SMALL.replace(dataset=name, n_samples=500)
    n_test = config.test_size(cfg)
    a = make_data(name, 500, 0.1, 7, n_test)
    b = make_data(name, 500, 0.1, 7, n_test)
    c = make_data(name, 500, 0.1, 8, n_test)
    for x, y in ((a.train_x, b.train_x), (a.test_y, b.test_y)):
        assert torch.equal(x, y)
    assert not torch.equal(a.train_x, c.train_x)
    assert len(a.train_x) == train_size(cfg) and len(a.test_x) == n_test
    assert a.train_x.shape[1] == 2 and a.train_x.dtype == torch.float32
    torch.testing.assert_close(a.train_x.mean(0), torch.zeros(2), atol=1e-5, rtol=0)
    torch.testing.assert_close(a.train_x.std(0), torch.ones(2), atol=1e-5, rtol=0)
    info = DATASETS[name]
    if info.task == "classification":
        assert a.train_y.dtype == torch.int64
        assert set(a.train_y.tolist()) == set(range(info.n_out))
    else:
        assert a.train_y.shape == (len(a.train_x), info.n_out)
        torch.testing.assert_close(a.train_y.mean(0), torch.zeros(info.n_out), atol=1e-5, rtol=0)


def test_data_does_not_touch_global_rng():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    make_data("spiral", 100, 0.1, 0, 20)
    assert torch.equal(torch.rand(3), expected)


def test_weights_do_not_depend_on_global_rng():
    torch.manual_seed(0)
    a = build_model(SMALL.replace(dropout=0.5), 2, 2)
    torch.manual_seed(1)
    b = build_model(SMALL.replace(dropout=0.5), 2, 2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


@pytest.mark.parametrize("init", INITS)
def test_every_init_builds_and_trains(init):
    sim = Simulation(SMALL.replace(init=init, activation="tanh"))
    assert not sim.burst(3).diverged


def test_kaiming_init_has_the_he_variance():
    model = build_model(SMALL.replace(init="kaiming_normal", width=512, depth=2), 2, 2)
    w = model.linears[1].weight  # 512 x 512
    assert float(w.detach().var()) == pytest.approx(2.0 / 512, rel=0.02)


def test_default_init_is_pytorchs():
    model = build_model(SMALL.replace(init="default", width=400), 2, 2)
    w = model.linears[1].weight.detach()
    bound = 1 / 400**0.5
    assert float(w.abs().max()) <= bound and float(w.var()) == pytest.approx(bound**2 / 3, rel=0.03)


# ---------------------------------------------------------------------------------------------
# Device


def test_device_choice_on_this_machine():
    assert resolve("cpu").reason == "requested"
    for choice in (resolve("auto"), resolve("auto", 1e12), resolve("cuda"), resolve("mps")):
        assert choice.reason in REASONS
    if not torch.cuda.is_available():
        cuda = resolve("cuda")
        assert cuda.device.type == "cpu" and cuda.reason == "fallback_cpu" and cuda.detail
    sim = Simulation(SMALL.replace(device="auto"))
    assert sim.device_choice.reason in REASONS


# ---------------------------------------------------------------------------------------------
# Diagnosis on the presets (at initialisation: one step)


def codes(name: str, steps: int = 1) -> set[str]:
    sim = Simulation(PRESETS[name].cfg.replace(device="cpu"))
    sim.burst(steps)
    return {f.code for f in sim.findings()}


def test_sigmoid_vanishes():
    assert "vanishing" in codes("sigmoid_vanishing")


def test_relu_he_does_not_vanish():
    found = codes("relu_he")
    assert "vanishing" not in found and "exploding" not in found


def test_relu_default_vanishes_at_depth_20():
    assert "vanishing" in codes("relu_default_vanishing")


def test_exploding_init_diverges():
    assert "diverged" in codes("relu_exploding_init", PRESETS["relu_exploding_init"].steps)


def test_every_preset_is_valid_and_affordable():
    from sim.config import max_burst_steps

    for preset in PRESETS.values():
        assert preset.cfg.validated() is preset.cfg
        assert preset.steps <= max_burst_steps(preset.cfg), preset.name


def test_progress_callbacks_flush_only_when_they_read_the_history():
    """The per-layer numbers stay on the device through callbacks that do not look at them (the
    progress bar); a callback that reads `history` sees every step so far, and the loss it is
    given is the latest step's."""
    sim = Simulation(SMALL)
    held, seen = [], []

    def quiet(p):
        held.append(len(sim.recorder.pending["step_steps"]))
        assert p.loss == sim.recorder.pending["step_values"][-1][0]

    sim.burst(40, quiet)
    assert held == list(range(2, 40, 2))  # nothing flushed before the burst's end
    assert sim.history["step"].max() == 40 and not sim.recorder.pending["step_steps"]

    def reading(p):
        loss = sim.history.query("layer == 0 and metric == 'loss'")
        seen.append((p.step, int(loss["step"].max()), float(loss["value"].iloc[-1]), p.loss))

    sim.burst(40, reading)
    assert [s for s, *_ in seen] == [m for _, m, *_ in seen] == list(range(42, 80, 2))
    assert all(v == pytest.approx(loss) for *_, v, loss in seen)
