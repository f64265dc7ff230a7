"""Compare screen widgets: choose the runs (vary one factor, or presets), name them, train them
(through the one burst runner, ui.common.burst).

Choices act in callbacks, before the page draws, so the page shows the new runs at once.
"""

from __future__ import annotations

import streamlit as st

from sim.analysis import compare
from sim.config import RunConfig, max_burst_steps
from sim.device import cpu_threads, thread_cost
from sim.presets import PRESETS
from sim.train.result import BurstResult
from ui.charts.compare import RUN_COLORS
from ui.common.burst import BurstJob, run_burst, size_up_to, sizes_within
from ui.common.guard import guarded
from ui.common.i18n import t, translator
from ui.common.urlstate import with_lang
from ui.common.wording import field_label, value_text
from ui.compare.lab import CompareLab
from ui.playground import state as playground_state
from ui.through_time import state as time_state

BURST_SIZES = (10, 50, 100, 200, 500)
# A run card's dot in its lines' colour, exactly (markdown's custom colour, no HTML)
RUN_DOTS = tuple(f':color[●]{{foreground="{c}"}}' for c in RUN_COLORS)
DEFAULT_BURST = 100
PRESETS_KEY = "cmp_presets"
BURST_KEY = "cmp_burst"
OPEN_IN = {  # recurrent or not: the screen that trains a run alone, and its URL for the run
    False: ("app_pages/playground.py", "compare.open_in_playground", playground_state.query_of),
    True: ("app_pages/through_time.py", "compare.open_in_time", time_state.query_of),
}


# ---------------------------------------------------------------------------------------------
# Names


def run_labels(cfgs: list[RunConfig], tr=t) -> list[str]:
    """'1 · Activation: Sigmoid', '2 · Activation: Tanh': every run named by the fields where the
    runs differ (at most two, then '+n'); a preset by its name; runs that differ in nothing by
    a summary ('ReLU, He, 6 layers'); a recurrent cell by its name alone ('2 · LSTM'). The
    charts' legends use these names."""
    varied = list(dict.fromkeys(k for diff in compare.differences(cfgs) for k in diff))
    labels = []
    for i, cfg in enumerate(cfgs):
        preset = next((n for n, p in PRESETS.items() if p.cfg == cfg), None)
        if preset is not None:
            name = tr(f"playground.preset_{preset}")
        elif not varied and cfg.recurrent:
            name = tr(
                "compare.run_summary_time",
                arch=value_text("arch", cfg.arch, tr),
                seq_len=cfg.seq_len,
            )
        elif not varied:
            name = tr(
                "compare.run_summary",
                activation=value_text("activation", cfg.activation, tr),
                init=value_text("init", cfg.init, tr),
                depth=cfg.depth,
            )
        else:
            shown = [_difference(k, getattr(cfg, k), tr) for k in varied]
            more = f" +{len(shown) - 2}" if len(shown) > 2 else ""
            name = tr("compare.run_join").join(shown[:2]) + more
        labels.append(f"{i + 1} · {name}")
    return labels


def _difference(name: str, value, tr) -> str:
    """'Activation: Tanh'; a cell by its name alone ('LSTM'), which says what it is."""
    shown = value_text(name, value, tr)
    if name == "arch":
        return shown
    return tr("compare.run_difference", field=field_label(name, tr), value=shown)


# ---------------------------------------------------------------------------------------------
# Choosing the runs


def _vary(lab: CompareLab, base: RunConfig, factor: str) -> None:
    ok, _ = guarded(lab.load, compare.vary(base, factor))
    if ok:
        lab.notices.append(("info", t("compare.varied", factor=t(f"compare.factor_{factor}"))))


def _load_presets(lab: CompareLab) -> None:
    names = [n for n in st.session_state.get(PRESETS_KEY, []) if n in PRESETS]
    if not names:
        lab.notices.append(("warning", t("compare.pick_presets")))
        return
    ok, _ = guarded(lab.load, [PRESETS[n].cfg for n in names])
    if ok:
        lab.notices.append(("info", t("compare.presets_loaded", n=len(names))))


def run_picker(lab: CompareLab, base: RunConfig) -> None:
    """One click per factor: the Playground's config, then a run per other value."""
    st.markdown(t("compare.vary_label"))
    cols = st.columns(len(compare.FACTORS))
    for col, factor in zip(cols, compare.FACTORS, strict=True):
        col.button(
            t(f"compare.factor_{factor}"),
            key=f"cmp_vary_{factor}",
            on_click=_vary,
            args=(lab, base, factor),
            width="stretch",
        )
    tr = translator()
    pick, go = st.columns([4, 1], vertical_alignment="bottom")
    pick.multiselect(
        t("compare.presets"),
        list(PRESETS),
        key=PRESETS_KEY,
        max_selections=compare.MAX_RUNS,
        format_func=lambda n: tr(f"playground.preset_{n}"),
        placeholder=t("compare.presets_placeholder"),
    )
    go.button(
        t("compare.load_presets"),
        key="cmp_load_presets",
        on_click=_load_presets,
        args=(lab,),
        width="stretch",
    )


def run_list(lab: CompareLab, labels: list[str]) -> None:
    """Each run's name, its step and a link that opens it alone in the Playground."""
    cols = st.columns(len(labels))
    sims = lab.comparison.sims if lab.comparison is not None else [None] * len(labels)
    for i, (col, label, cfg, sim) in enumerate(zip(cols, labels, lab.cfgs, sims, strict=True)):
        with col.container(border=True):
            st.markdown(f"{RUN_DOTS[i % len(RUN_DOTS)]} **{label}**")
            step = sim.step if sim is not None else 0
            state = t("compare.diverged") if sim is not None and sim.diverged else ""
            st.caption(t("compare.run_step", step=step) + (f" · {state}" if state else ""))
            if lab.comparison is not None and i > 0:
                st.caption(t(f"compare.init_{lab.comparison.init_relations[i]}"))
            page, label, query_of = OPEN_IN[cfg.recurrent]
            st.page_link(
                page,
                label=t(label),
                icon=":material/open_in_new:",
                query_params=with_lang(query_of(cfg)),
            )


# ---------------------------------------------------------------------------------------------
# Training


def _reset(lab: CompareLab) -> None:
    ok, _ = guarded(lab.load, lab.cfgs)
    if ok:
        lab.notices.append(("info", t("compare.reset_done")))


def train_bar_ui(lab: CompareLab) -> int:
    """Burst size, Train all, Reset; returns the steps to train in this run (0 for none)."""
    cap = min(max_burst_steps(c) for c in lab.cfgs)
    sizes = sizes_within(BURST_SIZES, cap)
    if st.session_state.get(BURST_KEY) not in sizes:
        st.session_state[BURST_KEY] = size_up_to(sizes, DEFAULT_BURST)
    size_col, train_col, reset_col, _ = st.columns([1.2, 2.2, 1, 2], vertical_alignment="bottom")
    size = size_col.selectbox(t("compare.burst_size"), sizes, key=BURST_KEY)
    clicked = train_col.button(
        t("compare.train", n=size, runs=len(lab.cfgs)),
        key="cmp_train",
        type="primary",
        icon=":material/play_arrow:",
    )
    reset_col.button(
        t("compare.reset"),
        key="cmp_reset",
        on_click=_reset,
        args=(lab,),
        icon=":material/restart_alt:",
    )
    return int(size) if clicked else 0


def train(lab: CompareLab, n: int, placeholder) -> list[BurstResult] | None:
    """Train every run `n` more steps under one progress bar; None if the engine failed."""
    return run_burst(placeholder, n, lambda: _burst_job(lab, n))


def _burst_job(lab: CompareLab, n: int) -> BurstJob[list[BurstResult]]:
    comparison = lab.ensure()  # may fail: run_burst says so in the placeholder
    runs = len(comparison.sims)

    def text(done: int) -> str:
        return t("compare.progress", runs=runs, done=done, total=n)

    def finish(results: list[BurstResult] | None) -> None:
        if results is not None:  # a failed burst keeps the last results
            lab.results = results

    # The runs train one after another, step by step: each operation is one network's, so the
    # threads are those its largest network is worth (one for the default sizes).
    cost = max(thread_cost(sim.cfg) for sim in comparison.sims)  # a time step's, recurrent
    threads = cpu_threads(cost, comparison.sims[0].device)
    return BurstJob(comparison.burst, text, finish, threads)
