"""sim.analysis.views: shapes and ranges of the frames, numbers recomputed with plain
torch.autograd, and
the promise that looking changes nothing in the simulation."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import torch

from sim.analysis import views
from sim.config import RunConfig
from sim.train.optim import loss_fn
from sim.train.simulation import Simulation

TINY = RunConfig(depth=3, width=8, n_samples=120, batch_size=32, device="cpu")


@pytest.fixture(scope="module")
def trained() -> Simulation:
    sim = Simulation(TINY)
    sim.burst(15)
    return sim


# ---------------------------------------------------------------------------------------------
# data_points


def test_data_points_are_the_standardised_data(trained):
    pts = views.data_points(trained)
    assert list(pts.columns) == ["x1", "x2", "label", "split"]
    n_test = len(trained.data.test_x)
    assert len(pts) == TINY.n_samples
    assert (pts["split"] == "test").sum() == n_test
    train = pts[pts["split"] == "train"]
    assert np.allclose(train[["x1", "x2"]].to_numpy(), trained.data.train_x.numpy())
    assert abs(train["x1"].mean()) < 1e-5 and abs(train["x1"].std() - 1) < 1e-2
    assert set(pts["label"].unique()) == {0, 1}


def test_regression_points_carry_the_first_target():
    sim = Simulation(TINY.replace(dataset="random"))
    pts = views.data_points(sim)
    train = pts[pts["split"] == "train"]
    assert np.allclose(train["label"].to_numpy(), sim.data.train_y[:, 0].numpy())


# ---------------------------------------------------------------------------------------------
# decision_surface


def test_surface_covers_the_data_with_probabilities(trained):
    surf = views.decision_surface(trained, resolution=20)
    assert list(surf.columns) == ["x1", "x2", "value", "klass"]
    assert len(surf) == 400
    assert surf["value"].between(0, 1).all()
    assert set(surf["klass"].unique()) <= {0, 1}
    assert surf.attrs["n_classes"] == 2
    pts = views.data_points(trained)
    for col in ("x1", "x2"):
        assert surf[col].min() < pts[col].min() and surf[col].max() > pts[col].max()
    # value is P(class 1), recomputed directly (eval mode)
    trained.model.eval()
    with torch.no_grad():
        x = torch.tensor(surf[["x1", "x2"]].to_numpy(), dtype=torch.float32)
        p1 = torch.softmax(trained.model(x), 1)[:, 1].numpy()
    trained.model.train()
    assert np.allclose(surf["value"].to_numpy(), p1, atol=1e-6)


def test_surface_for_more_classes_and_for_regression():
    sim = Simulation(TINY.replace(dataset="gaussians"))
    surf = views.decision_surface(sim, resolution=10)
    assert surf.attrs["n_classes"] == 4
    assert surf["value"].between(0.25 - 1e-6, 1).all()  # the winning class's probability
    assert surf["klass"].between(0, 3).all()
    reg = views.decision_surface(Simulation(TINY.replace(dataset="sine")), resolution=10)
    assert list(reg.columns) == ["x1", "x2", "value"]
    assert np.isfinite(reg["value"]).all()


def test_surface_resolution_is_bounded(trained):
    assert len(views.decision_surface(trained, resolution=10_000)) == views.MAX_RESOLUTION**2
    assert len(views.decision_surface(trained, resolution=0)) == 4


# ---------------------------------------------------------------------------------------------
# distributions


def test_distribution_frame_shape(trained):
    dist = views.distributions(trained, bins=12)
    cols = ["layer", "quantity", "scale", "bin_lo", "bin_hi", "count", "zeros", "nonfinite"]
    assert list(dist.columns) == [*cols, "total"]
    act = dist[dist["quantity"] == "activation"]
    grad = dist[dist["quantity"] == "gradient"]
    assert sorted(act["layer"].unique()) == [1, 2, 3]  # hidden layers
    assert sorted(grad["layer"].unique()) == [1, 2, 3, 4]  # and the output layer
    assert (act["scale"] == "value").all() and (grad["scale"] == "log10_abs").all()
    assert len(dist) == (3 + 4) * 12
    # every entry is in a bin, or counted as zero or non-finite
    for _, g in dist.groupby(["quantity", "layer"]):
        assert g["count"].sum() + g["zeros"].iloc[0] + g["nonfinite"].iloc[0] == g["total"].iloc[0]
    # bins are shared by the layers of a quantity
    for _, g in dist.groupby("quantity"):
        assert g.groupby("layer")["bin_lo"].apply(tuple).nunique() == 1
    batch = min(TINY.batch_size, len(trained.train_x))
    assert (act["total"] == batch * TINY.width).all()
    widths = [2 * 8, 8 * 8, 8 * 8, 8 * 2]  # weight entries per Linear
    assert grad.groupby("layer")["total"].first().tolist() == widths


def test_gradient_histogram_matches_plain_autograd(trained):
    """Recompute dL/dW on the same batch with a copy of the model and plain backward()."""
    dist = views.distributions(trained, bins=15)
    model = copy.deepcopy(trained.model)
    b = TINY.batch_size
    loss = loss_fn(trained.task, model(trained.train_x[:b]), trained.train_y[:b])
    loss.backward()
    grad = dist[dist["quantity"] == "gradient"]
    edges = np.append(grad["bin_lo"].unique(), grad["bin_hi"].max())
    for i, lin in enumerate(model.linears, start=1):
        g = lin.weight.grad.double().flatten().numpy()
        counts, _ = np.histogram(np.log10(np.abs(g[g != 0])), bins=edges)
        mine = grad[grad["layer"] == i]
        assert np.abs(mine["count"].to_numpy() - counts).sum() <= 2  # ties on bin edges
        assert mine["zeros"].iloc[0] == (g == 0).sum()


def test_activation_walk_matches_the_model():
    """views walks the model's traced forward (no hooks): it must give what model(x) gives."""
    for cfg in (TINY, TINY.replace(residual=True, norm="layernorm")):
        sim = Simulation(cfg)
        x = sim.train_x[:16]
        acts, out = views.activations(sim.model, x)
        assert torch.allclose(out, sim.model(x))
        assert [a.shape for a in acts] == [(16, 8)] * 3


def _state(sim: Simulation) -> dict:
    return {
        "weights": [p.detach().clone() for p in sim.model.parameters()],
        "grads": [None if p.grad is None else p.grad.clone() for p in sim.model.parameters()],
        "buffers": [b.clone() for b in sim.model.buffers()],
        "opt": copy.deepcopy(sim.optimizer.state_dict()),
        "step": sim.step,
        "pos": sim._pos,
        "order": sim._order.clone(),
        "rng_dropout": sim._rng_dropout.get_state(),
        "rng_batch": sim._rng_batch.get_state(),
        "training": sim.model.training,
    }


def _equal(x, y) -> bool:
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_equal(x[k], y[k]) for k in x)
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(_equal(u, v) for u, v in zip(x, y, strict=True))
    if isinstance(x, torch.Tensor):
        return torch.equal(x, y)
    return x == y


def _same(a: dict, b: dict) -> None:
    for key in a:
        assert _equal(a[key], b[key]), key


# dropout draws from the simulation's generator, batchnorm keeps running statistics, adam has
# state, a batch smaller than the data keeps an iterator: every kind of state there is
BUSY = TINY.replace(dropout=0.3, norm="batchnorm", optimizer="adam", batch_size=16)


def test_looking_changes_nothing_in_the_simulation():
    sim = Simulation(BUSY)
    sim.burst(7)
    before = _state(sim)
    history = sim.history.copy()
    views.distributions(sim)
    views.decision_surface(sim)
    views.data_points(sim)
    _same(before, _state(sim))
    pd.testing.assert_frame_equal(history, sim.history)


def test_history_is_the_same_whether_or_not_anyone_looked():
    looked, untouched = Simulation(BUSY), Simulation(BUSY)
    looked.burst(12)
    views.distributions(looked)
    views.decision_surface(looked)
    views.distributions(looked)
    looked.burst(12)
    untouched.burst(12)
    untouched.burst(12)
    pd.testing.assert_frame_equal(looked.history, untouched.history)
    for p, q in zip(looked.model.parameters(), untouched.model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_views_on_a_diverged_run():
    sim = Simulation(TINY.replace(optimizer="sgd", lr=2.0, depth=6, width=16))
    result = sim.burst(60)
    assert result.diverged
    dist = views.distributions(sim)
    assert len(dist) and dist["count"].ge(0).all()
    assert np.isfinite(dist[["bin_lo", "bin_hi"]].to_numpy()).all()
    surf = views.decision_surface(sim, resolution=8)
    assert len(surf) == 64  # NaN allowed where the network overflows; the frame still comes


def test_frames_stay_small_for_the_largest_network():
    sim = Simulation(RunConfig(depth=64, width=32, n_samples=4000, batch_size=64, device="cpu"))
    assert len(views.distributions(sim)) <= (64 + 65) * 30
    assert len(views.decision_surface(sim)) == 3600
    assert len(views.data_points(sim)) == 4000


# ---------------------------------------------------------------------------------------------
# a recurrent network: refused by name (no screen asks; Through time reads sim.history)


@pytest.mark.parametrize("view", ["data_points", "decision_surface", "distributions"])
def test_a_recurrent_network_is_refused_by_name_and_left_untouched(view):
    sim = Simulation(RunConfig(arch="gru", activation="tanh", n_samples=80, width=8, seq_len=10))
    sim.burst(2)
    before = copy.deepcopy(sim.model.state_dict())
    with pytest.raises(ValueError, match=f"{view}: a recurrent network \\(gru\\)"):
        getattr(views, view)(sim)
    assert sim.step == 2
    for name, value in sim.model.state_dict().items():
        assert torch.equal(value, before[name])
