"""Gradient Lab: the entrypoint is the frame (page config, language, sidebar, menu) and router.

Screens live in app_pages/ and are listed in ui.common.frame.PAGES. (Not `pages/`: a folder of that
name next to the entrypoint makes Streamlit run its first request in the old pages-folder mode,
where a deep link to a screen runs without this frame.)

This one file is both things Streamlit needs. Run as a script (every session's run, and AppTest's),
it draws the frame and the page. Imported as a module, which `streamlit run` does when it finds
an `st.App` here, it is the server: its lifespan warms what every page needs when the server
starts (ui.common.warm), so the first visitor does not wait for the imports and the first network.
"""

import os

# Streamlit runs every rerun on a new thread, and each thread that trains gets its own OpenMP
# team. With OpenMP's default busy-waiting, the idle workers of earlier runs spin on the same
# two cores as the next burst (measured: a 200-step burst 0.34 s alone, 2-9 s right after
# another thread's burst). Waiting passively keeps every burst at full speed. It must be set
# before torch loads the OpenMP runtime, i.e. before `ui` is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import streamlit as st  # noqa: E402

from ui.common import warm  # noqa: E402

if __name__ == "__main__":  # a script run: Streamlit runs every script as __main__
    warm.wait()  # a run that begins while the server imports the pages' modules waits
    from ui.common import frame

    frame.setup()
    page = frame.navigation()
    frame.sidebar(page)
    frame.run(page)
else:  # imported by `streamlit run` to serve it (uvicorn loads `streamlit_app:app`)
    app = st.App(
        __file__, lifespan=warm.lifespan, routes=warm.routes(), middleware=warm.middleware()
    )
