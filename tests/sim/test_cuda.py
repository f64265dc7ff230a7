"""On a CUDA machine: a burst on the GPU records what the same burst records on the CPU.

Same config, same seed: the data, the initial weights (built on the CPU) and the batch order
(a CPU generator) are identical, so only float rounding differs. Dropout is off, because the
GPU's generator draws different masks from the CPU's.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sim.config import RunConfig
from sim.history import LAYER_METRICS
from sim.train.simulation import Simulation

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]

CONFIGS = {
    "relu_he_sgd_minibatch": RunConfig(
        n_samples=600,
        depth=8,
        width=64,
        activation="relu",
        init="kaiming_normal",
        optimizer="sgd",
        lr=0.05,
        batch_size=64,
    ),
    "tanh_batchnorm_adam": RunConfig(
        n_samples=600,
        depth=6,
        width=64,
        activation="tanh",
        norm="batchnorm",
        optimizer="adam",
        lr=0.003,
        batch_size=128,
    ),
    "sigmoid_residual_layernorm_clip": RunConfig(
        n_samples=600,
        depth=6,
        width=32,
        activation="sigmoid",
        norm="layernorm",
        residual=True,
        optimizer="momentum",
        lr=0.05,
        clip="norm",
        clip_value=0.5,
        batch_size=1000,
    ),
}
STEPS = 20


@pytest.fixture(autouse=True)
def exact_float32():
    # TF32 matmuls would differ from the CPU by ~1e-3 relative per layer: keep IEEE float32
    old = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32 = old


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_gpu_burst_matches_cpu(name):
    cfg = CONFIGS[name]
    cpu = Simulation(cfg.replace(device="cpu"), stats_every=5)
    gpu = Simulation(cfg.replace(device="cuda"), stats_every=5)
    assert gpu.device.type == "cuda" and gpu.device_choice.reason == "requested"
    for sim in (cpu, gpu):
        result = sim.burst(STEPS)
        assert result.steps_run == STEPS and not result.diverged
    a, b = cpu.records, gpu.records
    np.testing.assert_array_equal(a.rec_steps, b.rec_steps)
    np.testing.assert_allclose(a.step_values[:, 0], b.step_values[:, 0], rtol=1e-3)  # loss
    grad = LAYER_METRICS.index("grad_norm")
    np.testing.assert_allclose(a.rec_layers[:, grad], b.rec_layers[:, grad], rtol=1e-3)
    for i, metric in enumerate(LAYER_METRICS):
        np.testing.assert_allclose(
            a.rec_layers[:, i], b.rec_layers[:, i], rtol=5e-3, atol=1e-6, err_msg=metric
        )
    # test loss after Adam + BatchNorm drifts a little more; accuracy moves in steps of 1/120
    np.testing.assert_allclose(a.rec_scalars[:, 0], b.rec_scalars[:, 0], rtol=5e-3)
    np.testing.assert_allclose(a.rec_scalars[:, 1], b.rec_scalars[:, 1], atol=2.5 / 120)


def test_auto_keeps_tiny_networks_on_the_cpu_and_big_ones_on_the_gpu():
    tiny = Simulation(RunConfig(depth=2, width=8, device="auto"))
    assert tiny.device.type == "cpu" and tiny.device_choice.reason == "auto_cpu_small"
    big = Simulation(RunConfig(n_samples=2000, depth=16, width=512, batch_size=512, device="auto"))
    assert big.device.type == "cuda" and big.device_choice.reason == "auto_cuda"
    assert big.burst(3).steps_run == 3


def test_gpu_dropout_is_reproducible_on_the_gpu():
    cfg = CONFIGS["relu_he_sgd_minibatch"].replace(dropout=0.3, device="cuda")
    a, b = Simulation(cfg), Simulation(cfg)
    a.burst(10)
    torch.cuda.manual_seed_all(123)
    torch.rand(10, device="cuda")
    b.burst(10)
    np.testing.assert_array_equal(a.records.step_values, b.records.step_values)
