"""Diagnosis through time: the rules on hand-built histories, then on real recurrent runs, and
the advice that fits the config."""

from __future__ import annotations

import numpy as np
import pytest

from sim import remedies
from sim.config import RunConfig
from sim.diagnosis import chance_loss, diagnose
from sim.diagnosis_time import DIVERGED_CODES, TIME_CODES
from sim.history import LAYER_METRICS, RECORD_COLUMNS, STEP_SCALARS, History
from sim.remedies import ADVICE, REMEDIES
from sim.train.simulation import Simulation

T = 50
RNN = RunConfig(arch="rnn", activation="tanh", seq_task="adding", seq_len=T, width=32)
LSTM = RNN.replace(arch="lstm")


def history(signal, *, loss=0.17, steps=300, gates=0.0, forget=0.5, radius=0.9) -> History:
    """One recorded step at `steps` with the given signal across time, after `steps` steps of
    training loss `loss`."""
    signal = np.asarray(signal, np.float32)
    h = History(3, len(signal))
    step_steps = np.arange(1, steps + 1, dtype=np.int32)
    step_values = np.zeros((steps, len(STEP_SCALARS)), np.float32)
    step_values[:, 0] = loss
    rec_layers = np.ones((1, len(LAYER_METRICS), 3), np.float32)
    rec_layers[0, LAYER_METRICS.index("update_ratio")] = 1e-3
    rec_scalars = np.zeros((1, len(RECORD_COLUMNS)), np.float32)
    rec_scalars[0, RECORD_COLUMNS.index("spectral_radius")] = radius
    rec_times = np.stack([signal, np.full_like(signal, forget), np.full_like(signal, gates)])
    h.extend(step_steps, step_values, np.array([steps], np.int32), rec_layers, rec_scalars,
             rec_times[None])  # fmt: skip
    return h


def geometric(factor: float, t_len: int = T, last: float = 0.1) -> np.ndarray:
    """A signal that shrinks (factor < 1) or grows by `factor` per step back in time."""
    return last * factor ** np.arange(t_len - 1, -1, -1, dtype=np.float64)


def found(records: History, cfg: RunConfig) -> dict[str, object]:
    return {f.code: f for f in diagnose(records, cfg)}


# ---------------------------------------------------------------------------------------------
# Hand-built histories


def test_vanishing_through_time_is_judged_on_the_ratio_and_the_per_step_factor():
    f = found(history(geometric(0.7)), RNN)["vanishing_time"]  # 0.7^49 = 2.6e-8
    assert f.severity == "error" and f.layer == 1
    assert f.values["ratio"] == pytest.approx(0.7**49, rel=1e-3)
    assert f.values["factor"] == pytest.approx(0.7, rel=1e-4)
    assert f.values["seq_len"] == T and f.values["radius"] == pytest.approx(0.9)
    mild = found(history(geometric(0.85)), RNN)["vanishing_time"]  # 0.85^49 = 3.5e-4
    assert mild.severity == "warning"


def test_exploding_through_time():
    f = found(history(geometric(1.2)), RNN)["exploding_time"]
    assert f.values["factor"] == pytest.approx(1.2, rel=1e-4)
    assert f.advice[0] == "clip"  # clipping first when the signal grows


def test_a_level_signal_on_a_learning_network_is_healthy():
    codes = found(history(geometric(0.99), loss=0.01), LSTM)
    assert list(codes) == ["healthy_time"]


def test_not_learning_is_judged_against_the_tasks_chance_loss():
    chance = chance_loss(RNN)
    assert chance == pytest.approx(1 / 6)
    assert chance_loss(RNN.replace(seq_task="majority")) == pytest.approx(np.log(2))
    stuck = found(history(geometric(0.99), loss=0.95 * chance), RNN)
    assert set(stuck) == {"not_learning_time"}
    assert stuck["not_learning_time"].values["chance"] == pytest.approx(chance)
    # ... beside vanishing, which explains it; and not before 100 steps
    assert {"vanishing_time", "not_learning_time"} <= set(found(history(geometric(0.8)), RNN))
    assert "not_learning_time" not in found(history(geometric(0.99), steps=50), RNN)
    assert "not_learning_time" not in found(history(geometric(0.99), loss=0.5 * chance), RNN)


def test_a_signal_cut_by_truncated_backprop_is_not_called_vanishing():
    signal = geometric(0.99)
    signal[:40] = 0.0  # the last window of 10 steps gets a signal, nothing before
    codes = found(history(signal), LSTM.replace(tbptt=10))
    f = codes["tbptt_cut"]
    assert "vanishing_time" not in codes
    assert f.values == {"window": 10.0, "reach": 10.0, "seq_len": 50.0} and f.layer == 40
    assert f.advice == ("full_bptt",)


def test_saturated_gates_for_gated_cells_only():
    f = found(history(geometric(0.99), loss=0.16, gates=0.7, forget=0.9), LSTM)["gates_saturated"]
    assert f.values["share"] == pytest.approx(0.7) and f.values["forget"] == pytest.approx(0.9)
    assert f.severity == "warning"
    # one that learns holds its gates saturated on purpose (a forget gate at 1): a note
    learnt = found(history(geometric(0.99), loss=0.01, gates=0.7, forget=0.99), LSTM)
    assert learnt["gates_saturated"].severity == "info" and "healthy_time" in learnt
    rnn = found(history(geometric(0.99), loss=0.01, gates=np.nan, forget=np.nan), RNN)
    assert list(rnn) == ["healthy_time"]


def test_an_mlp_is_still_judged_through_depth():
    assert all(code not in TIME_CODES for code in ("vanishing", "not_learning", "healthy"))
    sim = Simulation(RunConfig(depth=3, width=8, n_samples=200, device="cpu"))
    sim.burst(2)
    assert not {f.code for f in sim.findings()} & set(TIME_CODES)


# ---------------------------------------------------------------------------------------------
# Advice that fits the config


def test_a_vanilla_rnn_is_advised_gated_cells_and_a_whole_irnn():
    f = found(history(geometric(0.8)), RNN)["vanishing_time"]
    assert f.advice == ("gru", "lstm", "irnn")  # orthogonal W_hh alone still vanishes: not advised
    irnn = remedies.apply("irnn", RNN)  # ReLU, identity, a small step and clipping, at once
    whole = (irnn.activation, irnn.rec_init, irnn.lr, irnn.clip, irnn.clip_value)
    assert whole == ("relu", "identity", 1e-3, "norm", 1.0)
    assert found(history(geometric(0.8)), irnn)["vanishing_time"].advice == ("gru", "lstm")
    # an IRNN short of a small step or of clipping is advised the rest of it
    unstable = RNN.replace(activation="relu", rec_init="identity")
    assert remedies.advice("vanishing_time", unstable) == ("gru", "lstm", "irnn")
    assert remedies.apply("irnn", unstable) == irnn
    assert remedies.apply("irnn", RNN.replace(lr=1e-4, clip="value")).lr == 1e-4  # kept
    assert remedies.apply("irnn", RNN.replace(lr=1e-4, clip="value")).clip == "value"
    assert remedies.apply("adam", unstable.replace(optimizer="sgd")).lr == 1e-3  # not 0.01


def test_an_lstm_is_advised_chrono_with_clipping_and_never_what_it_has():
    # a forget bias of 1 opens the gate to about 0.73 only: still vanishing at 50 steps
    assert remedies.advice("vanishing_time", LSTM) == ("chrono",)
    assert remedies.advice("vanishing_time", LSTM.replace(forget_bias="one")) == ("chrono",)
    assert remedies.advice("vanishing_time", LSTM.replace(forget_bias="chrono")) == ()
    chrono = remedies.apply("chrono", LSTM)
    assert (chrono.forget_bias, chrono.clip, chrono.clip_value) == ("chrono", "norm", 1.0)
    assert remedies.apply("lstm", RNN) == chrono  # the LSTM a vanilla RNN is advised
    assert remedies.advice("exploding_time", LSTM.replace(clip="norm")) == ("lower_lr",)


@pytest.mark.parametrize("code", DIVERGED_CODES)
def test_a_divergence_through_time_is_advised_a_smaller_step(code):
    assert code in TIME_CODES
    assert remedies.advice(code, RNN) == ("lower_lr", "clip")
    assert remedies.advice(code, LSTM.replace(clip="norm")) == ("lower_lr",)
    assert not remedies.advice(code, RNN.replace(lr=1e-6, clip="norm"))  # nothing left to lower


@pytest.mark.parametrize("code", TIME_CODES)
def test_no_time_remedy_is_advised_to_an_mlp_and_each_changes_what_it_says(code):
    mlp = RunConfig()
    for name in ADVICE.get(code, ()):
        assert name in REMEDIES
        for cfg in (RNN, LSTM, LSTM.replace(tbptt=10), RNN.replace(arch="gru")):
            if REMEDIES[name].applies(cfg):
                changed = remedies.apply(name, cfg)
                assert changed != cfg and changed.validated() == changed
                if name != "lower_lr":  # a relative change; every other is a setting
                    assert name not in remedies.advice(code, changed)  # never advised twice
    time_only = ("lstm", "gru", "irnn", "chrono", "full_bptt")
    assert not [r for r in time_only if REMEDIES[r].applies(mlp)]


def test_every_time_code_and_remedy_is_worded_in_both_languages():
    from ui.common.i18n import LANGS, translator
    from ui.common.wording import finding_next, finding_text

    values = {"ratio": 1e-9, "factor": 0.66, "first_signal": 1e-10, "last_signal": 0.08}
    values |= {"seq_len": 50.0, "radius": 0.9, "window": 10.0, "reach": 10.0, "share": 0.7}
    values |= {"worst": 0.9, "forget": 0.95, "loss": 0.17, "chance": 1 / 6, "steps": 300.0}
    values |= {"step": 58, "where": "forward"}  # a divergence's
    for lang in LANGS:
        tr = translator(lang)
        for code in TIME_CODES:
            words = finding_text(diagnose_one(code, values), depth=1, tr=tr)
            assert "{" not in words and f"finding.{code}" not in words, words
            assert finding_next(diagnose_one(code, values), tr)
        for name in REMEDIES:
            assert f"finding.advice_{name}" not in tr(f"finding.advice_{name}")


def diagnose_one(code: str, values: dict) -> object:
    from sim.finding import Finding

    return Finding(code, "warning", 1, values)


# ---------------------------------------------------------------------------------------------
# Real runs


def at_init(cfg: RunConfig) -> dict[str, object]:
    sim = Simulation(cfg.replace(device="cpu", n_samples=400))
    sim.burst(1)  # step 1's signal is measured on the initial weights
    return {f.code: f for f in sim.findings()}


def test_a_vanilla_tanh_rnn_vanishes_through_time_at_initialisation():
    f = at_init(RNN)["vanishing_time"]
    assert f.severity == "error" and f.values["ratio"] < 1e-5
    assert f.advice[:2] == ("gru", "lstm")


def test_an_irnn_keeps_the_signal_level_across_100_steps():
    irnn = RNN.replace(activation="relu", rec_init="identity", seq_len=100)
    codes = at_init(irnn)
    assert "vanishing_time" not in codes and "exploding_time" not in codes


def test_truncated_backprop_cuts_a_real_runs_signal():
    codes = at_init(LSTM.replace(tbptt=10))
    assert codes["tbptt_cut"].values["reach"] == 10.0
