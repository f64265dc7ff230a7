"""Truncated backprop on the Through time charts: ||dL/dh_t|| before the last cut is exactly 0
by construction, and the charts say so (a dashed rule, empty cells, a caption) instead of
drawing it as a float32 underflow on their log scales."""

from __future__ import annotations

import numpy as np
import pytest

from sim.train.simulation import Simulation
from tests.app.test_through_time import valid
from ui.charts.time_signal import cut_at, signal_chart, time_heatmap_chart
from ui.charts.time_words import time_sentence
from ui.charts.words import rows
from ui.common.i18n import LANGS, text, translator
from ui.through_time.presets import START


def squeeze(words: str) -> str:
    return "".join(words.split())


@pytest.fixture(scope="module")
def cut_run() -> Simulation:
    sim = Simulation(START.replace(arch="rnn", seq_len=30, width=8, n_samples=200, tbptt=12))
    sim.burst(3)
    return sim


def test_the_cut_is_after_the_last_full_window():
    assert [cut_at(30, k) for k in (0, 12, 10, 29, 30, 200)] == [0, 24, 20, 29, 0, 0]
    assert cut_at(50, 20) == 40 and cut_at(50, 1) == 49


def test_the_history_holds_exact_zeros_up_to_the_cut(cut_run):
    h = cut_run.history
    signal = h[h["metric"] == "time_signal"]
    before = signal[signal["layer"] <= 24]["value"].to_numpy()
    after = signal[signal["layer"] > 24]["value"].to_numpy()
    assert len(before) and (before == 0).all() and (after > 0).all()


@pytest.mark.parametrize("lang", LANGS)
def test_the_heatmap_leaves_the_cut_empty_and_says_so(cut_run, lang):
    tr = translator(lang)
    spec = time_heatmap_chart(cut_run.history, tr, tbptt=12)
    cells = rows(spec, "cells")
    cut = cells["cut"].to_numpy(bool)
    assert (cells["layer"].to_numpy()[cut] <= 24).all() and (cells["value"][cut] == 0).all()
    assert cut.any() and not cells["underflow"].to_numpy(bool).any()  # no zero called underflow
    drawn = next(layer for layer in spec["layer"] if layer["data"]["name"] == "cells")
    assert drawn["transform"] == [{"filter": "!datum.cut"}]
    assert spec["datasets"]["cut"] == [{"at": 24.5}]
    note = text(lang, "time.cut_note").format(cut=24, window=12)
    assert squeeze(note) in squeeze("".join(spec["title"]["subtitle"]))  # wrapped in lines
    plain = time_heatmap_chart(cut_run.history, tr)  # told of no cut: zeros are underflows
    assert rows(plain, "cells")["underflow"].to_numpy(bool).sum() == cut.sum()
    assert "cut" not in plain["datasets"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_signal_line_starts_after_the_cut_and_its_sentence_says_where(cut_run, lang):
    tr = translator(lang)
    spec = signal_chart(cut_run.history, tr, None, "rnn", tbptt=12)
    valid(spec)
    valid(time_heatmap_chart(cut_run.history, tr, tbptt=12))
    curves = rows(spec, "curves")
    assert curves["layer"].min() == 25 and (curves["value"] > 0).all()
    assert spec["datasets"]["cut"] == [{"at": 24.5}]
    assert squeeze(text(lang, "time.cut_note").format(cut=24, window=12)) in squeeze(
        "".join(spec["title"]["subtitle"])
    )
    words = time_sentence("signal", spec, tr)
    assert "25" in words and "nan" not in words.lower() and "{" not in words
    assert words != time_sentence("signal", signal_chart(cut_run.history, tr), tr)


def test_without_truncation_nothing_is_cut():
    sim = Simulation(START.replace(arch="gru", seq_len=12, width=8, n_samples=200))
    sim.burst(2)
    for spec in (time_heatmap_chart(sim.history, translator("en"), tbptt=0),
                 signal_chart(sim.history, translator("en"), None, "gru", tbptt=0)):  # fmt: skip
        assert "cut" not in spec["datasets"]
    cells = rows(time_heatmap_chart(sim.history, translator("en")), "cells")
    assert not np.asarray(cells["cut"], bool).any()
