"""Named experiments: one for each claim of the source article and each remedy.

Each preset is a full RunConfig (so a link or the CLI reproduces it) plus how many steps make
its point and which claim of shared/reference/claims.md it speaks to. The shared base matches
the reference measurements: width 64, batch 256, 2-D inputs, cross-entropy, plain SGD.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config import RunConfig

BASE = RunConfig(
    dataset="spiral",
    n_samples=1000,
    width=64,
    batch_size=256,
    init="default",
    optimizer="sgd",
    lr=0.1,
)


@dataclass(frozen=True)
class Preset:
    name: str
    cfg: RunConfig
    steps: int  # a burst long enough to make the point
    claim: str | None  # letter in claims.md, or None for a plain remedy
    tags: tuple[str, ...] = ()  # "problem" | "remedy" | "article"


def _p(name: str, steps: int, claim: str | None, tags: tuple[str, ...], **changes) -> Preset:
    return Preset(name, BASE.replace(**changes), steps, claim, tags)


PROBLEM, REMEDY = ("problem",), ("remedy",)
SIGMOID_10 = {"depth": 10, "activation": "sigmoid"}
RELU_HE = {"activation": "relu", "init": "kaiming_normal"}
RELU_EXPLODING = {"depth": 20, "activation": "relu", "init": "normal", "init_std": 0.25, "lr": 0.05}

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        _p("sigmoid_vanishing", 300, "a", PROBLEM, **SIGMOID_10),
        _p("tanh_default", 300, "a", PROBLEM, depth=10, activation="tanh"),
        _p("relu_default_vanishing", 300, "c", PROBLEM, depth=20, activation="relu"),
        _p("relu_he", 300, "c", REMEDY, depth=20, **RELU_HE, lr=0.02),
        _p("sigmoid_batchnorm", 300, "d", REMEDY, **SIGMOID_10, norm="batchnorm"),
        _p("relu_batchnorm_deep", 50, "d", PROBLEM, depth=30, **RELU_HE, norm="batchnorm", lr=0.01),
        # The skip path adds up sigmoid's all-positive outputs, so the head sees large inputs and
        # plain SGD at lr 0.1 oscillates; Adam at a small step learns. (Adam alone at this depth
        # does not: see sigmoid_adam_depth10.)
        _p("sigmoid_residual", 300, None, REMEDY, **SIGMOID_10, residual=True, optimizer="adam",
           lr=0.003),
        _p("sigmoid_sgd_depth5", 2000, "f", PROBLEM, depth=5, activation="sigmoid"),
        _p("sigmoid_adam_depth5", 2000, "f", REMEDY, depth=5, activation="sigmoid",
           optimizer="adam", lr=0.01),
        _p("sigmoid_adam_depth10", 1000, "f", PROBLEM, **SIGMOID_10, optimizer="adam", lr=0.01),
        _p("sigmoid_dropout", 300, "e", PROBLEM, **SIGMOID_10, dropout=0.3),
        _p("relu_exploding_init", 50, "b", PROBLEM, **RELU_EXPLODING),
        _p("relu_exploding_clipped", 200, "b", REMEDY, **RELU_EXPLODING, clip="norm",
           clip_value=1.0),
        _p("tanh_chaotic", 100, "g", PROBLEM, depth=20, activation="tanh", init="normal",
           init_std=0.3),
        _p("leaky_relu_he", 300, "h", REMEDY, depth=20, activation="leaky_relu",
           init="kaiming_normal", lr=0.02),
        # Adam at a high learning rate pushes many ReLU units to the negative side for every
        # input, where their gradient is exactly 0 (plain SGD at lr 1.0 diverged instead).
        _p("relu_dead", 300, None, PROBLEM, depth=6, **RELU_HE, optimizer="adam", lr=0.1),
        # The article's code example: a ReLU layer on 2-D random inputs and random 2-D targets,
        # mean squared error, plain gradient descent with lr 0.01, 100 samples, 1000 steps.
        _p("article_example", 1000, "i", ("article",), dataset="random", n_samples=125, depth=1,
           width=2, activation="relu", init="normal", init_std=1.0, lr=0.01, batch_size=100),
        # Leaky ReLU with PyTorch's default init: it vanishes like ReLU (claim h's other half).
        _p("leaky_relu_default", 300, "h", PROBLEM, depth=20, activation="leaky_relu"),
    ]
}  # fmt: skip
