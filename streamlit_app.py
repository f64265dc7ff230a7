"""Gradient Lab: the entrypoint is the frame (page config, language, sidebar, menu) and router.

Screens live in app_pages/ and are listed in ui.common.frame.PAGES. (Not `pages/`: a folder of that
name next to the entrypoint makes Streamlit run its first request in the old pages-folder mode,
where a deep link to a screen runs without this frame.)
"""

import os

# Streamlit runs every rerun on a new thread, and each thread that trains gets its own OpenMP
# team. With OpenMP's default busy-waiting, the idle workers of earlier runs spin on the same
# two cores as the next burst (measured: a 200-step burst 0.34 s alone, 2-9 s right after
# another thread's burst). Waiting passively keeps every burst at full speed. It must be set
# before torch loads the OpenMP runtime, i.e. before `ui` is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from ui.common import frame  # noqa: E402

frame.setup()
page = frame.navigation()
frame.sidebar(page)
frame.run(page)
