"""Gradient Lab's engine: deep MLPs trained in instrumented bursts, with a language-free
diagnosis. Pure PyTorch; never imports streamlit or altair, so a notebook or a terminal
(`python -m sim`) can use it as the app does.

    from sim import RunConfig, Simulation
    sim = Simulation(RunConfig(depth=10, activation="sigmoid", init="default"))
    sim.burst(200)
    sim.history, sim.findings()
"""

from sim.activations import ACTIVATIONS, Activation
from sim.analysis.sweep import depth_sweep
from sim.codec import from_json, from_mapping, parse_value, to_json, to_query
from sim.config import (
    DEFAULT,
    FIELDS,
    HOT_FIELDS,
    SPECS,
    ConfigError,
    Problem,
    RunConfig,
    max_burst_steps,
    memory_estimate,
    problems,
)
from sim.data import DATASETS
from sim.diagnosis import Finding
from sim.nn.mlp import INITS
from sim.presets import BASE, PRESETS, Preset
from sim.train.result import BurstResult, Progress
from sim.train.simulation import Simulation, copy_matching_linears

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "BASE",
    "BurstResult",
    "ConfigError",
    "DATASETS",
    "DEFAULT",
    "FIELDS",
    "Finding",
    "HOT_FIELDS",
    "INITS",
    "PRESETS",
    "Preset",
    "Problem",
    "Progress",
    "RunConfig",
    "SPECS",
    "Simulation",
    "copy_matching_linears",
    "depth_sweep",
    "from_json",
    "from_mapping",
    "max_burst_steps",
    "memory_estimate",
    "parse_value",
    "problems",
    "to_json",
    "to_query",
]
