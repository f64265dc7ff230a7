"""A room across replicas: two replicas behind HAProxy (`python -m deploy.serve`) share one
PostgreSQL database. The teacher view is served by replica r1, two learners work on replica r2
(each browser pinned by the proxy's cookie; the cookie afterwards and the proxy's log say who
served whom); the teacher view, left open, shows both learners and their checks by itself. A
replica keeps no room in memory, so what r1 shows came through the database.

PostgreSQL comes from GRADLAB_TEST_PG_URL (.ci/run starts a throwaway server and sets it); the
test runs in a schema of its own, dropped afterwards. No server, haproxy or Chromium: the test
skips with the reason, except under CI (CI=true), where it fails.
Screenshot: screenshots/proxy-room-teacher.png.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from deploy.serve import COOKIE
from tests.browser.helpers import (
    ROOT,
    RUN_TIMEOUT_MS,
    SCREENSHOTS,
    open_app,
    proxy_stack,
    shot,
    wait_idle,
)
from tests.needs import missing

pytestmark = pytest.mark.browser

PG_ENV = "GRADLAB_TEST_PG_URL"
EXERCISE = "dropout_no_fix"  # its one must-change: dropout; solved at dropout=0.3, not at 0
TEACHER, LEARNERS = "r1", "r2"
CHECK_TIMEOUT_MS = 240_000  # a check trains two networks; a shared machine can be slow
LIVE_MS = 20_000  # the view refreshes every 5 s; a busy machine gets some slack
EXCEPTION = "[data-testid='stException']"


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A URL of the test server whose tables live in a fresh schema (search_path)."""
    server = os.environ.get(PG_ENV)
    if not server:
        missing("the replicas' room test", f"{PG_ENV} is not set (.ci/run sets it)")
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        missing("the replicas' room test", f"cannot reach {PG_ENV}: {str(exc).splitlines()[0]}")
    url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        admin.dispose()


@pytest.fixture
def shared_proxy(browser, pg_schema) -> Iterator[str]:  # browser first: no Chromium, no servers
    if shutil.which("haproxy") is None:
        missing("the replicas' room test", "no haproxy on PATH (apt-get install haproxy)")
    with proxy_stack("proxy-room", database_url=pg_schema) as url:
        yield url


def classroom(url: str, *args: str) -> str:
    """`python -m classroom --database url ...`, as a teacher types it; its stdout."""
    cmd = [sys.executable, "-m", "classroom", "--database", url, *args]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pinned_page(browser, proxy: str, replica: str):
    """A browser whose requests the proxy sends to `replica`: it carries that replica's cookie,
    as a browser does after its first page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.add_cookies([{"name": COOKIE, "value": replica, "url": proxy}])
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    return page


def replica_of(page) -> str | None:
    """The proxy re-pins a browser whose replica is down, so the cookie names who serves it."""
    return next((c["value"] for c in page.context.cookies() if c["name"] == COOKIE), None)


def served_by(request_part: str) -> set[str]:
    """The replicas that the proxy's log says served a request whose line holds request_part
    (HAProxy's httplog: `... gradlab replicas/r2 ... "GET /playground?... HTTP/1.1"`)."""
    lines = (SCREENSHOTS / "proxy-room" / "haproxy.log").read_text().splitlines()
    return {
        line.split(" replicas/", 1)[1].split()[0]
        for line in lines
        if request_part in line and " replicas/" in line
    }


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()


def test_teacher_on_one_replica_sees_learners_on_another(browser, shared_proxy, pg_schema):
    room = json.loads(
        classroom(pg_schema, "create", "--title", "Two replicas", "--exercises", EXERCISE,
                  "--format", "json")
    )  # fmt: skip
    code, key = room["room"], room["teacher_key"]
    pages = []
    try:
        teacher = pinned_page(browser, shared_proxy, TEACHER)
        pages.append(teacher)
        open_app(teacher, shared_proxy, "room", f"room={code}&key={key}&lang=en")
        teacher.get_by_text("No learner has joined yet").wait_for()

        ann = pinned_page(browser, shared_proxy, LEARNERS)  # fixes it: dropout 0.3
        bo = pinned_page(browser, shared_proxy, LEARNERS)  # checks the broken start
        pages += [ann, bo]
        base = f"exercise={EXERCISE}&room={code}&lang=en"
        open_app(ann, shared_proxy, "playground", f"{base}&name=Ann&dropout=0.3")
        open_app(bo, shared_proxy, "playground", f"{base}&name=Bo")
        for learner in (ann, bo):  # both checks run side by side on r2
            learner.locator(".st-key-pg_ws_check button").click()
        ann.get_by_text("Solved").first.wait_for(timeout=CHECK_TIMEOUT_MS)
        bo.get_by_text("Not yet").first.wait_for(timeout=CHECK_TIMEOUT_MS)
        for learner in (ann, bo):
            wait_idle(learner)
            no_exception(learner)
            assert key not in learner.url

        # the teacher view on r1, untouched since it opened, shows both by itself
        teacher.get_by_role("cell", name="Ann").first.wait_for(timeout=LIVE_MS)
        teacher.get_by_role("cell", name="Bo").first.wait_for(timeout=LIVE_MS)
        teacher.get_by_text("✓ passed · 1×").first.wait_for(timeout=LIVE_MS)
        teacher.get_by_text("✗ 1×").first.wait_for(timeout=LIVE_MS)
        teacher.get_by_text("Learners: 2 · checks recorded: 2").wait_for(timeout=LIVE_MS)
        no_exception(teacher)
        shot(teacher, "proxy-room-teacher")

        assert [replica_of(p) for p in (teacher, ann, bo)] == [TEACHER, LEARNERS, LEARNERS]
        assert served_by(f"/room?room={code}") == {TEACHER}
        assert served_by("&name=Ann&") == served_by("&name=Bo ") == {LEARNERS}
        table = classroom(pg_schema, "show", code, "--key", key)  # the same rows, in the database
        assert "Ann" in table and "Bo" in table
    finally:
        for page in pages:
            page.context.close()
