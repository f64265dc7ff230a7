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


def _p(name, steps, claim, tags, **changes) -> Preset:
    return Preset(name, BASE.replace(**changes), steps, claim, tags)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        _p("sigmoid_vanishing", 300, "a", ("problem",), depth=10, activation="sigmoid"),
        _p("tanh_default", 300, "a", ("problem",), depth=10, activation="tanh"),
        _p("relu_default_vanishing", 300, "c", ("problem",), depth=20, activation="relu"),
        _p(
            "relu_he",
            300,
            "c",
            ("remedy",),
            depth=20,
            activation="relu",
            init="kaiming_normal",
            lr=0.02,
        ),
        _p(
            "sigmoid_batchnorm",
            300,
            "d",
            ("remedy",),
            depth=10,
            activation="sigmoid",
            norm="batchnorm",
        ),
        _p(
            "relu_batchnorm_deep",
            50,
            "d",
            ("problem",),
            depth=30,
            activation="relu",
            init="kaiming_normal",
            norm="batchnorm",
            lr=0.01,
        ),
        _p(
            "sigmoid_residual",
            300,
            None,
            ("remedy",),
            depth=10,
            activation="sigmoid",
            residual=True,
            # The skip path adds up sigmoid's all-positive outputs, so the head sees large inputs
            # and plain SGD at lr 0.1 oscillates; Adam at a small step learns. (Adam alone at this
            # depth does not: see sigmoid_adam_depth10.)
            optimizer="adam",
            lr=0.003,
        ),
        _p("sigmoid_sgd_depth5", 2000, "f", ("problem",), depth=5, activation="sigmoid"),
        _p(
            "sigmoid_adam_depth5",
            2000,
            "f",
            ("remedy",),
            depth=5,
            activation="sigmoid",
            optimizer="adam",
            lr=0.01,
        ),
        _p(
            "sigmoid_adam_depth10",
            1000,
            "f",
            ("problem",),
            depth=10,
            activation="sigmoid",
            optimizer="adam",
            lr=0.01,
        ),
        _p("sigmoid_dropout", 300, "e", ("problem",), depth=10, activation="sigmoid", dropout=0.3),
        _p(
            "relu_exploding_init",
            50,
            "b",
            ("problem",),
            depth=20,
            activation="relu",
            init="normal",
            init_std=0.25,
            lr=0.05,
        ),
        _p(
            "relu_exploding_clipped",
            200,
            "b",
            ("remedy",),
            depth=20,
            activation="relu",
            init="normal",
            init_std=0.25,
            lr=0.05,
            clip="norm",
            clip_value=1.0,
        ),
        _p(
            "tanh_chaotic",
            100,
            "g",
            ("problem",),
            depth=20,
            activation="tanh",
            init="normal",
            init_std=0.3,
        ),
        _p(
            "leaky_relu_he",
            300,
            "h",
            ("remedy",),
            depth=20,
            activation="leaky_relu",
            init="kaiming_normal",
            lr=0.02,
        ),
        # Adam at a high learning rate pushes many ReLU units to the negative side for every
        # input, where their gradient is exactly 0 (plain SGD at lr 1.0 diverged instead).
        _p(
            "relu_dead",
            300,
            None,
            ("problem",),
            depth=6,
            activation="relu",
            init="kaiming_normal",
            optimizer="adam",
            lr=0.1,
        ),
        # The article's code example: a ReLU layer on 2-D random inputs and random 2-D targets,
        # mean squared error, plain gradient descent with lr 0.01, 100 samples, 1000 steps.
        _p(
            "article_example",
            1000,
            "i",
            ("article",),
            dataset="random",
            n_samples=125,
            depth=1,
            width=2,
            activation="relu",
            init="normal",
            init_std=1.0,
            lr=0.01,
            batch_size=100,
        ),
        # Leaky ReLU with PyTorch's default init: it vanishes like ReLU (claim h's other half).
        _p("leaky_relu_default", 300, "h", ("problem",), depth=20, activation="leaky_relu"),
    ]
}
