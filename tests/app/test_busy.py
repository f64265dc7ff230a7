"""While a burst runs, clicks on its buttons and the language switch do not cut it short; the
metrics and the diagnosis never show an earlier moment than the charts.

AppTest cannot interrupt a run, so an interrupted burst is set up as a rerun leaves it: the Lab
says a burst of 100 is running, and the network stopped after 30 steps."""

from __future__ import annotations

import pytest

from tests.app.helpers import PLAYGROUND, lab_of, make_app, no_exception, texts
from ui.common import burst as training
from ui.playground import actions, panels

PAUSED = ("paused", "训练停在")


def interrupted(query=None):
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "16", **(query or {})})
    lab = lab_of(at)
    lab.begin_burst(100)
    lab.sim.burst(30)  # the rerun's interruption: begin_burst ran, end_burst never did
    return at, lab


def paused_banner(at) -> bool:
    return any(word in texts(at) for word in PAUSED)


def test_language_switch_mid_burst_finishes_the_burst_without_a_banner():
    at, lab = interrupted()
    at.sidebar.radio(key="lang").set_value("zh").run()
    no_exception(at)
    assert lab.sim.step == 100 and lab.remaining() == 0
    assert not paused_banner(at)


@pytest.mark.parametrize("button", ["train", "step", "continue"])
def test_a_click_mid_burst_does_not_cut_it_or_start_another(button):
    at, lab = interrupted()
    at.button(key=button).click().run()
    no_exception(at)
    assert lab.sim.step == 100 and lab.remaining() == 0
    assert not paused_banner(at)


def test_a_setting_changed_mid_burst_pauses_and_continue_clears_the_banner():
    at, lab = interrupted()
    at.select_slider(key="pg_lr").set_value(0.01).run()  # a hot field: same network
    assert lab.sim.step == 30 and paused_banner(at)
    at.button(key="continue").click().run()
    no_exception(at)
    assert lab.sim.step == 100 and not paused_banner(at)


def test_buttons_are_busy_while_a_burst_runs(monkeypatch):
    """A run that trains draws the bar busy (disabled) before its burst, then free after it."""
    drawn = []
    real = actions.action_bar_ui

    def spy(lab, where, busy=False):
        drawn.append(busy)
        return real(lab, where, busy)

    monkeypatch.setattr(actions, "action_bar_ui", spy)
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "16"})
    at.selectbox(key="pg_burst").set_value(10).run()
    drawn.clear()
    at.button(key="train").click().run()
    no_exception(at)
    assert drawn == [True, False] and lab_of(at).sim.step == 10
    assert not at.button(key="train").disabled  # finished: free again


def test_a_step_is_drawn_at_rest(monkeypatch):
    """A Step (too short to watch) draws the bar once, free, and no progress bar or status
    before it: each would be drawn and undrawn again in the same fraction of a second."""
    drawn, bars, statuses = [], [], []
    real_bar, real_status = actions.action_bar_ui, panels.status

    def spy(lab, where, busy=False):
        drawn.append(busy)
        return real_bar(lab, where, busy)

    def status_spy(lab, *args, **kwargs):
        statuses.append(lab.sim.step)
        return real_status(lab, *args, **kwargs)

    monkeypatch.setattr(actions, "action_bar_ui", spy)
    monkeypatch.setattr(panels, "status", status_spy)
    monkeypatch.setattr(training, "_reporter", lambda bar, *a: bars.append(bar) or (lambda p: None))
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "16"})
    drawn.clear(), statuses.clear()
    at.button(key="step").click().run()
    no_exception(at)
    assert drawn == [False] and bars == [None] and statuses == [1]
    assert lab_of(at).sim.step == 1 and at.metric[0].value == "1"
    at.button(key="train").click().run()  # a longer burst is still drawn as it goes
    assert drawn[1:] == [True, False] and bars[1] is not None


def test_metrics_and_diagnosis_follow_the_burst_live(monkeypatch):
    """The status line is drawn before the burst and again at each live redraw, with the step
    reached; the diagnosis never says 'no steps yet' for a network that is training."""
    monkeypatch.setattr(training, "LIVE_FIRST_S", 0.0)
    monkeypatch.setattr(training, "LIVE_MIN_GAP_S", 0.0)
    steps = []
    real = panels.status

    def spy(lab, *args, **kwargs):
        steps.append(lab.sim.step)
        return real(lab, *args, **kwargs)

    monkeypatch.setattr(panels, "status", spy)
    at = make_app(PLAYGROUND, query={"depth": "3", "width": "16"})
    steps.clear()
    at.selectbox(key="pg_burst").set_value(100).run()
    steps.clear()
    at.button(key="train").click().run()
    no_exception(at)
    assert any(0 < s < 100 for s in steps), steps  # drawn mid-burst
    assert steps[-1] == 100 and at.metric[0].value == "100"
    assert "No steps trained yet" not in texts(at)


def test_a_diverged_run_names_one_step_everywhere():
    at = make_app(PLAYGROUND, query={"preset": "relu_exploding_init"})
    at.button(key="train").click().run()
    no_exception(at)
    sim = lab_of(at).sim
    step = sim.divergence.diverged_step
    assert f"step {step}" in " ".join(e.value for e in at.error)
    assert str(step) in at.metric[0].value
    loss = lab_of(at).cache["specs"]["loss"][1]  # the spec the loss cell shows
    assert loss["datasets"]["diverged"].column("step").to_pylist() == [step]


def test_a_step_that_diverges_leaves_the_training_buttons_disabled():
    """The bar is drawn free before a Step; when that step diverges, the page draws it again."""
    at = make_app(PLAYGROUND, query={"preset": "relu_exploding_init"})
    for _ in range(5):  # this preset diverges within its first steps
        at.button(key="step").click().run()
        no_exception(at)
        if lab_of(at).sim.diverged:
            break
    assert lab_of(at).sim.diverged
    assert at.button(key="train").disabled and at.button(key="step").disabled
