"""FAQ: the source article's sections and claims, each with a verdict the engine measures live
and a link to the experiment behind it."""

import streamlit as st

from lessons.faq import load
from ui.common.i18n import current_lang, t
from ui.faq import view

faq = load()
lang = current_lang()

st.title(t("faq.title"))
st.caption(t("faq.intro"))
legend = st.columns(3)
for col, verdict in zip(legend, ("holds", "partly", "wrong"), strict=True):
    with col:
        view.verdict_badge(verdict)
        st.caption(t(f"faq.verdict_{verdict}_help"))

contents = [
    f"{i}. [{faq.text(lang, 'sections', s.id, 'title')}](#{s.id})"
    for i, s in enumerate(faq.sections, 1)
]
st.markdown(f"**{t('faq.contents')}**\n\n" + "\n".join(contents))

for section in faq.sections:
    st.header(faq.text(lang, "sections", section.id, "title"), anchor=section.id, divider="gray")
    st.markdown(faq.text(lang, "sections", section.id, "intro"))
    for item in section.items:
        if faq.is_claim(item):
            view.claim(faq, item)
        else:
            view.note(faq, item)
