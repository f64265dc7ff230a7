"""FAQ screen helpers: one claim or note drawn from content/faq, its numbers measured live by the
engine (lessons.claims, cached for every user), its experiment one click away."""

from __future__ import annotations

import importlib.util

import streamlit as st

from lessons import snapshot
from lessons.claims import ClaimEvidence, supports
from lessons.faq import FIXED_EXAMPLE, Faq, article_code, fill, fixed_example_source
from lessons.measures import Measurement
from sim.analysis import compare
from sim.presets import PRESETS, TIME_PRESETS
from sim.slots import SLOTS
from ui.charts.faq import example_chart
from ui.charts.words import show_said
from ui.common import nav
from ui.common.guard import guarded
from ui.common.i18n import current_lang, t, translator
from ui.common.urlstate import with_lang
from ui.playground import state as playground_state
from ui.through_time import state as time_state

EXPLORER = "app_pages/explorer.py"
THROUGH_TIME = "app_pages/through_time.py"
VERDICT_COLORS = {"holds": "green", "partly": "orange", "wrong": "red"}
VERDICT_ICONS = {
    "holds": ":material/check:",
    "partly": ":material/rule:",
    "wrong": ":material/close:",
}


# ---------------------------------------------------------------------------------------------
# Measurements, cached for every user (they depend on nothing but the code)


@st.cache_data(max_entries=16, ttl=6 * 3600, show_spinner=False)
def evidence(experiment: str) -> tuple[ClaimEvidence | Measurement, float]:
    """A claim's or a note's measurement, and the seconds it took."""
    with SLOTS.hold():
        if experiment == "i":
            return snapshot.experiment("i")(article_code()), 0.0
        return snapshot.measure(experiment)


@st.cache_data(max_entries=8, ttl=6 * 3600, show_spinner=False)
def fixed_example(seed: int) -> dict:
    """Run content/faq/example_fixed.py as it stands: the page shows and runs the same file."""
    spec = importlib.util.spec_from_file_location("example_fixed", FIXED_EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run(seed=seed)


def _measure_key(claim: str) -> str:
    return f"faq_measured_{claim}"


# ---------------------------------------------------------------------------------------------
# Drawing


def verdict_badge(verdict: str) -> None:
    st.badge(
        t(f"faq.verdict_{verdict}"),
        icon=VERDICT_ICONS.get(verdict),
        color=VERDICT_COLORS.get(verdict, "gray"),
    )


def sources(faq: Faq, keys: list[str]) -> None:
    lines = []
    for key in keys:
        src = faq.sources.get(key)
        if src:
            where = f" {src['where']}" if src.get("where") else ""
            lines.append(f"- [{src['cite']}]({src['url']}){where}")
    if lines:
        st.caption(t("faq.sources") + "\n" + "\n".join(lines))


def links(meta: dict) -> None:
    """The experiment behind an item: the Playground with its preset, Compare, the explorer."""
    presets = [p for p in meta.get("presets", []) if p in PRESETS]
    cols = st.columns(2)
    if presets:
        cols[0].page_link(
            "app_pages/playground.py",
            label=t("faq.run_in_playground", name=t(f"playground.preset_{presets[0]}")),
            icon=":material/play_circle:",
            query_params=with_lang(playground_state.query_of(PRESETS[presets[0]].cfg)),
        )
    runs = [PRESETS[p].cfg for p in meta.get("compare", []) if p in PRESETS]
    if len(runs) >= 2:
        cols[1].page_link(
            "app_pages/compare.py",
            label=t("faq.open_compare", n=len(runs)),
            icon=":material/compare_arrows:",
            query_params=with_lang(compare.to_query(runs)),
        )
    if meta.get("explorer"):
        cols[1].page_link(
            EXPLORER,
            label=t("faq.open_explorer"),
            icon=":material/function:",
            query_params={**nav.link_query(EXPLORER), "acts": ",".join(meta["explorer"])},
        )
    for name in presets[1:]:
        st.page_link(
            "app_pages/playground.py",
            label=t("faq.also_preset", name=t(f"playground.preset_{name}")),
            icon=":material/science:",
            query_params=with_lang(playground_state.query_of(PRESETS[name].cfg)),
        )
    time_links(meta)


def time_links(meta: dict) -> None:
    """A recurrent experiment's presets, on the Through time screen, each as its whole config
    (the link's history entry then holds the URL the screen shows)."""
    for i, name in enumerate(p for p in meta.get("presets", []) if p in TIME_PRESETS):
        key = "faq.run_through_time" if i == 0 else "faq.also_preset"
        st.page_link(
            THROUGH_TIME,
            label=t(key, name=t(f"time.preset_{name}")),
            icon=":material/play_circle:" if i == 0 else ":material/science:",
            query_params=with_lang(time_state.query_of(TIME_PRESETS[name].cfg)),
        )


def measured(faq: Faq, item: str, meta: dict, kind: str = "claims") -> None:
    """What the lab measures: the template filled with live numbers, and whether they back a
    claim's verdict. A slow experiment shows its stored numbers until asked to measure again."""
    experiment, verdict = meta["experiment"], meta.get("verdict")
    template = faq.text(current_lang(), kind, item, "measured")
    st.markdown(f"**{t('faq.measured')}**")
    box = st.container()  # the numbers go above the button that measures them again
    if experiment in snapshot.SLOW and not st.session_state.get(_measure_key(item)):
        if st.button(t("faq.measure_now"), key=f"faq_measure_{item}", icon=":material/science:"):
            st.session_state[_measure_key(item)] = True
        else:
            with box:
                stored(template, snapshot.stored().get(experiment))
            return
    with box, st.spinner(t("faq.measuring")):
        ok, out = guarded(evidence, experiment)
    if ok:
        with box:
            live(template, verdict, experiment, *out)


def live(template: str, verdict: str | None, experiment: str, ev, seconds: float) -> None:
    """Numbers measured in this session, and (for a claim) whether they back its verdict."""
    st.markdown(fill(template, ev.numbers, getattr(ev, "texts", {})))
    if experiment in snapshot.SLOW:
        st.caption(t("faq.measured_in", seconds=seconds))
    if verdict is None:
        return
    if supports(ev, verdict):
        st.caption(t("faq.supports"))
    else:
        st.warning(t("faq.not_supports", implied=t(f"faq.verdict_{ev.implied}")))


def stored(template: str, numbers: snapshot.Stored | None) -> None:
    """The numbers stored for a slow experiment, said to be stored, with what measuring costs."""
    if numbers is not None:
        st.markdown(fill(template, numbers.numbers))
        st.caption(t("faq.stored_cost", seconds=numbers.seconds, cores=numbers.cores))
    st.caption(t("faq.measure_slow"))


def claim(faq: Faq, claim_id: str) -> None:
    meta, lang = faq.claims[claim_id], current_lang()
    with st.container(border=True):
        head, badge = st.columns([5, 1], vertical_alignment="center")
        head.markdown(f"#### {faq.text(lang, 'claims', claim_id, 'title')}")
        with badge:
            verdict_badge(meta["verdict"])
        st.markdown(f"**{t('faq.says')}** {faq.text(lang, 'claims', claim_id, 'says')}")
        st.markdown(f"**{t('faq.truth')}** {faq.text(lang, 'claims', claim_id, 'truth')}")
        measured(faq, claim_id, meta)
        if claim_id == "i":
            code_example()
        links(meta)
        sources(faq, meta.get("sources", []))


def note(faq: Faq, note_id: str) -> None:
    meta, lang = faq.notes[note_id], current_lang()
    with st.container(border=True):
        st.markdown(f"#### {faq.text(lang, 'notes', note_id, 'title')}")
        st.markdown(faq.text(lang, "notes", note_id, "body"))
        if meta.get("experiment"):
            measured(faq, note_id, meta, "notes")
        see = [c for c in meta.get("see", []) if c in faq.claims]
        if see:
            titles = [faq.text(lang, "claims", c, "title") for c in see]
            st.caption(t("faq.see_also") + " " + " · ".join(titles))
        links(meta)
        sources(faq, meta.get("sources", []))


# ---------------------------------------------------------------------------------------------
# The article's code, and the fixed version run live


def code_example() -> None:
    with st.expander(t("faq.code_expander"), icon=":material/code:"):
        st.markdown(f"**{t('faq.code_original')}**")
        st.code(article_code(), language="python")
        st.markdown(f"**{t('faq.code_fixed')}**")
        st.code(fixed_example_source(), language="python")
    ok, out = guarded(fixed_example, 0)
    if ok:
        show_said(st, "faq_example", example_chart(out, translator()), translator())
        st.caption(
            t(
                "faq.example_result",
                first=out["loss"][0],
                last=out["loss"][-1],
                grad=max(out["grad_norm"]),
            )
        )
