"""Teaching content over the engine: lessons -> sim, never ui, streamlit or altair.

claims       the source article's claims, each with the rule that settles it
experiments  the seeded measurements those claims rest on
code_check   static checks of the article's TensorFlow example
exercises/   model (what an exercise is), loading (content/exercises/), checks (judging)
faq          the FAQ's structure and texts (content/faq/)
content      the one reader of content/, on first use rather than at import
cli          python -m lessons exercise list | show | check
"""
