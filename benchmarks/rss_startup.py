"""The app server's resident memory, for hosting limits (Community Cloud: 690 MB to 2.7 GB).

    python -m benchmarks.rss_startup

`streamlit run streamlit_app.py` on a free loopback port, one Chromium session (Playwright), and
the server's resident memory (process and children, psutil) read at each stage:

1. after start-up (healthy, no session yet; the server answers only once warm, ui.common.warm,
   so torch, every screen's modules and a tiny trained network are already loaded),
2. after the Home page's first run (the frame),
3. after the Playground's first run (torch, the default network, the untrained charts),
4. after one default burst (the Train button as it comes: 200 steps),
5. after four more bursts (1,000 steps in all),
6. after a visit to Compare and one Compare burst (a second session-held set of networks).

Each figure is the settled value (read twice, 1 s apart, the larger kept). Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.load_test import (
    CHROMIUM,
    HELPERS,
    IDLE,
    ROOT,
    STEP_VALUE,
    TRAIN,
    start_server,
    stop_server,
    tree_rss,
)

TIMEOUT_MS = 300_000


def settled_mb(pid: int) -> float:
    first = tree_rss([pid])
    time.sleep(1.0)
    return max(first, tree_rss([pid])) / 2**20


def wait_run(page) -> None:
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT_MS)


def wait_step(page, n: int) -> None:
    page.wait_for_function(
        """([sel, idle, n]) => {
            const e = document.querySelector(sel);
            const step = e ? parseInt(e.innerText.replace(/\\D/g, ''), 10) : -1;
            return step === n && document.querySelector(idle) !== null;
        }""",
        arg=[STEP_VALUE, IDLE, n],
        timeout=TIMEOUT_MS,
        polling=100,
    )


def measure(log: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    server = start_server(log)
    pid, out = server.proc.pid, {}
    try:
        time.sleep(2.0)
        out["after start-up (no session)"] = settled_mb(pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=HELPERS.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
            page.goto(f"{server.url}/?lang=en")
            wait_run(page)
            out["after the Home page"] = settled_mb(pid)
            page.goto(f"{server.url}/playground?lang=en")
            wait_run(page)
            page.wait_for_selector(TRAIN, timeout=TIMEOUT_MS)
            out["after the Playground's first run"] = settled_mb(pid)
            size = int("".join(c for c in page.locator(TRAIN).inner_text() if c.isdigit()))
            page.locator(TRAIN).click()
            wait_step(page, size)
            out[f"after one default burst ({size} steps)"] = settled_mb(pid)
            for k in range(2, 6):
                page.locator(TRAIN).click()
                wait_step(page, k * size)
            out[f"after five bursts ({5 * size} steps)"] = settled_mb(pid)
            page.get_by_role("link", name="Compare").first.click()  # same session
            page.get_by_role("heading", name="Compare runs").wait_for(timeout=TIMEOUT_MS)
            page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT_MS)
            page.locator(".st-key-cmp_train button").click()
            page.get_by_text("Nothing trained yet").wait_for(state="detached", timeout=TIMEOUT_MS)
            page.wait_for_selector(IDLE, state="attached", timeout=TIMEOUT_MS)
            out["after Compare and one Compare burst"] = settled_mb(pid)
            errors = page.locator("[data-testid='stException']").count()
            browser.close()
        if errors:
            print(f"warning: {errors} exception box(es) on the page", file=sys.stderr)
    finally:
        stop_server(server.proc)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    logs = ROOT / "screenshots"
    logs.mkdir(exist_ok=True)
    figures = measure(logs / "rss_server.log")
    width = max(len(k) for k in figures)
    print("server resident memory (process and children):")
    for stage, mb in figures.items():
        print(f"  {stage:<{width}}  {mb:6.0f} MB")
    print("Community Cloud limits: 690 MB to 2.7 GB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
