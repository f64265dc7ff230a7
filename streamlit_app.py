"""Gradient Lab: the entrypoint is the frame (page config, language, sidebar, menu) and router.

Screens live in app_pages/ and are listed in ui.frame.PAGES. (Not `pages/`: a folder of that
name next to the entrypoint makes Streamlit run its first request in the old pages-folder mode,
where a deep link to a screen runs without this frame.)
"""

from ui import frame

frame.setup()
page = frame.navigation()
frame.sidebar()
page.run()
