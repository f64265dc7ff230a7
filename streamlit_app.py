"""Gradient Lab: the entrypoint is the frame (page config, language, sidebar, menu) and router.

Screens live in pages/ and are listed in ui.frame.PAGES.
"""

from ui import frame

frame.setup()
page = frame.navigation()
frame.sidebar()
page.run()
