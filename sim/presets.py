"""Named experiments: one for each claim of the source article and each remedy.

Each preset is a full RunConfig (so a link or the CLI reproduces it) plus how many steps make
its point and which claim of shared/reference/claims.md it speaks to. The shared base matches
the reference measurements: width 64, batch 256, 2-D inputs, cross-entropy, plain SGD.

TIME_PRESETS are the recurrent ones (the "Through time" screen), on TIME_BASE: the adding
problem at length 50, 32 hidden units, batch 64, Adam at lr 0.01. PRESETS stays the MLP
Playground's list; ALL_PRESETS holds both (the command line, exercises).
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

# ---------------------------------------------------------------------------------------------
# Through time: a vanilla tanh RNN that cannot learn the adding problem at length 50 (it stays
# near the chance MSE of 1/6), and each remedy (Le, Jaitly & Hinton 2015; Hochreiter &
# Schmidhuber 1997; Cho et al. 2014; Tallec & Ollivier 2018). tests/sim/test_presets_time.py
# checks each one's point.

TIME_BASE = RunConfig(
    arch="rnn",
    activation="tanh",
    seq_task="adding",
    seq_len=50,
    width=32,
    batch_size=64,
    n_samples=4000,
    optimizer="adam",
    lr=0.01,
)
CLIP = {"clip": "norm", "clip_value": 1.0}
IRNN = {"activation": "relu", "rec_init": "identity"}
CHRONO_LSTM = {"arch": "lstm", "forget_bias": "chrono", **CLIP}


def _t(name: str, steps: int, tags: tuple[str, ...], **changes) -> Preset:
    return Preset(name, TIME_BASE.replace(**changes), steps, None, tags)


TIME_PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        _t("rnn_tanh_adding", 400, PROBLEM),
        # clipping bounds a step; it cannot lift a signal that vanishes
        _t("rnn_tanh_clipped", 400, PROBLEM, **CLIP),
        # a partial help, not a remedy: orthogonal W_hh lifts the signal at t = 1, but tanh's
        # slope still shrinks it per step (after 300 steps, clipped or not, below 1/100 of the
        # last step's: the keep-the-cell exercise's near miss)
        _t("rnn_orthogonal_adding", 400, PROBLEM, rec_init="orthogonal", **CLIP),
        # the identity keeps the signal level; at Adam's lr 0.01 it loses it, and unclipped at
        # lr 0.001 it learns slower (0.20 of chance after 1000 steps, clipped 0.05): the IRNN
        # the diagnosis advises (sim.remedies)
        _t("irnn_adding", 1000, REMEDY, **IRNN, lr=0.001, **CLIP),
        _t("lstm_adding", 500, REMEDY, **CHRONO_LSTM),
        _t("gru_adding", 400, REMEDY, arch="gru"),
        _t("lstm_memory_150", 500, REMEDY, **CHRONO_LSTM, seq_len=150),
        # Copy: the symbols come only at the start, so no gradient of a window of 10 reaches
        # them (on adding it would still learn: the second mark falls in the window, and the
        # weights that store it are shared with the first)
        _t("lstm_copy", 500, REMEDY, **CHRONO_LSTM, seq_task="copy"),
        _t("lstm_tbptt_cut", 500, PROBLEM, **CHRONO_LSTM, seq_task="copy", tbptt=10),
    ]
}

ALL_PRESETS: dict[str, Preset] = PRESETS | TIME_PRESETS
