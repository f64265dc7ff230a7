"""A virtual learner: a Streamlit client without a browser, for load tests that measure the server.

It speaks the protocol the browser speaks on /_stcore/stream: protobuf `BackMsg`s up (a
`rerun_script` carrying the query string, the page and the widget states of a click), `ForwardMsg`s
down (the page's deltas, page info, session status, `script_finished`). From the deltas it learns
what the learner would see: the widget id of every keyed widget, the first metric on the page
(the Playground's step counter), exception boxes and the queued notice. It draws nothing, so one
process drives a hundred of them on a fraction of a core.

Like the browser, it keeps large elements by hash and lists them in each rerun, so the server
sends a reference in place of an element the learner already has, and it reruns each timed
fragment (`auto_rerun`) on its timer. Unlike a browser, it never sends the values of widgets it
did not touch (Streamlit keeps them from the previous run), renders no chart, and fetches no
static files.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

COMPLETE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(?P<key>.+)$")  # `key=` widgets: $$ID-<hash>-<key>
QUEUED_TEXT = "The server is busy"  # common.queued (en), as the browser load test reads it
PROXY_COOKIE = "gradlab_replica"  # deploy/serve.py's COOKIE
CACHE_RUNS = 2  # runs an unused cached element is kept (the browser too keeps them a few runs)


@dataclass(frozen=True)
class VirtualPlan:
    """What every virtual learner does: open `page`, then `bursts` times: think, click `button`."""

    bursts: int = 3
    think_s: tuple[float, float] = (20.0, 40.0)  # uniform random pause before each click
    page: str = "playground"
    query: str = "lang=en"
    button: str = "train"  # the widget key
    timeout_s: float = 120.0  # one page open or one burst


@dataclass
class LearnerResult:
    index: int
    replica: str | None = None  # the proxy's cookie, when there is a proxy
    open_s: float | None = None
    bursts: list[float] = field(default_factory=list)  # click-to-done seconds
    errors: list[str] = field(default_factory=list)
    queued: bool = False
    final_step: int | None = None


# ---------------------------------------------------------------------------------------------
# The page as the learner knows it, kept up to date from the ForwardMsgs


@dataclass
class Page:
    query_string: str = ""
    page_script_hash: str = ""
    widgets: dict[str, str] = field(default_factory=dict)  # key -> widget id
    labels: dict[str, str] = field(default_factory=dict)  # key -> label
    metrics: dict[tuple[int, ...], str] = field(default_factory=dict)  # delta path -> value
    running: bool = False
    completed_runs: int = 0
    exceptions: int = 0
    queued: bool = False
    auto_rerun: dict[str, float] = field(default_factory=dict)  # fragment id -> interval

    @property
    def step(self) -> int | None:
        """The first metric on the page, as the browser load test reads the step counter."""
        if not self.metrics:
            return None
        digits = re.sub(r"\D", "", self.metrics[min(self.metrics)])
        return int(digits) if digits else None

    def apply(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(tuple(msg.metadata.delta_path), msg.delta.new_element)
        elif kind == "navigation":  # with st.navigation, the page that ran (new_session: the frame)
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running
        elif kind == "script_finished":
            if msg.script_finished in COMPLETE:
                self.completed_runs += 1
        elif kind == "auto_rerun":
            self.auto_rerun[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_rerun.pop(fragment_id, None)

    def _element(self, path: tuple[int, ...], element) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if kind == "metric":
            self.metrics[path] = body.body
        elif kind == "exception":
            self.exceptions += 1
        elif kind == "alert" and QUEUED_TEXT in body.body:
            self.queued = True
        match = WIDGET_ID.match(getattr(body, "id", "") or "")
        if match:
            self.widgets[match["key"]] = body.id
            self.labels[match["key"]] = getattr(body, "label", "")

    def burst_size(self, key: str) -> int:
        digits = re.findall(r"\d[\d,]*", self.labels.get(key, ""))
        return int(digits[-1].replace(",", "")) if digits else 1


# ---------------------------------------------------------------------------------------------
# The connection: one reader task applies every message; the learner waits on the page


class Client:
    def __init__(self, ws, plan: VirtualPlan):
        self.ws, self.plan, self.page = ws, plan, Page(query_string=plan.query)
        self.changed = asyncio.Condition()
        # Large elements by hash, as the browser keeps them: each rerun lists the hashes, and the
        # server sends a reference instead of an element the learner already has.
        self.cache: dict[str, tuple[int, bytes]] = {}

    def _cached(self, ref_hash: str) -> ForwardMsg:
        _, data = self.cache[ref_hash]
        self.cache[ref_hash] = (self.page.completed_runs, data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        return msg

    def _cache_hashes(self) -> list[str]:
        """The hashes to list in a rerun; elements unused for CACHE_RUNS runs are dropped."""
        oldest = self.page.completed_runs - CACHE_RUNS
        self.cache = {h: entry for h, entry in self.cache.items() if entry[0] >= oldest}
        return list(self.cache)

    async def read(self) -> None:
        async for data in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "ref_hash":  # an element we said we had: apply ours
                metadata, msg = msg.metadata, self._cached(msg.ref_hash)
                msg.metadata.CopyFrom(metadata)
            elif msg.metadata.cacheable:
                self.cache[msg.hash] = (self.page.completed_runs, data)
            self.page.apply(msg)
            async with self.changed:
                self.changed.notify_all()

    async def rerun(self, trigger: str | None = None, fragment_id: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.page.query_string
        state.page_name = self.plan.page
        state.page_script_hash = self.page.page_script_hash
        state.context_info.locale = "en-US"
        state.context_info.timezone = "UTC"
        state.cached_message_hashes.extend(self._cache_hashes())
        if fragment_id:
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = self.page.widgets[trigger], True
        await self.ws.send(msg.SerializeToString())

    async def settled(self, after_runs: int, step: int | None = None) -> None:
        """Until a run after the first `after_runs` has completed, nothing runs, and the step
        counter (if given) shows `step`: what the browser calls a page at rest."""

        def done() -> bool:
            p = self.page
            return p.completed_runs > after_runs and not p.running and step in (None, p.step)

        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(done), self.plan.timeout_s)

    async def auto_reruns(self) -> None:
        """Rerun each timed fragment on its timer, as the browser does (none on today's pages)."""
        due: dict[str, float] = {}
        while True:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            for fragment_id, interval in list(self.page.auto_rerun.items()):
                if now >= due.setdefault(fragment_id, now + interval):
                    due[fragment_id] = now + interval
                    await self.rerun(fragment_id=fragment_id)


def _replica(ws) -> str | None:
    for header in ws.response.headers.get_all("Set-Cookie"):
        name, _, value = header.split(";", 1)[0].partition("=")
        if name.strip() == PROXY_COOKIE:
            return value.strip()
    return None


async def learn(
    url: str, index: int, plan: VirtualPlan, rng: random.Random, on_open=lambda: None
) -> LearnerResult:
    """One learner: open the page, then think, click, and wait until the page is at rest.
    `on_open` is called once, when the page is open or the learner has failed before that."""
    result = LearnerResult(index)
    stream = url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
    tasks: list[asyncio.Task] = []
    try:
        async with connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
            client = Client(ws, plan)
            result.replica = _replica(ws)
            tasks = [asyncio.create_task(client.read()), asyncio.create_task(client.auto_reruns())]
            start = time.perf_counter()
            await client.rerun()
            await client.settled(0)
            result.open_s = time.perf_counter() - start
            on_open()
            if client.page.exceptions:
                result.errors.append(f"{client.page.exceptions} exception box(es) on opening")
                return result
            await _bursts(client, plan, rng, result)
            result.final_step = client.page.step
            result.queued = client.page.queued
    except (TimeoutError, OSError, WebSocketException, KeyError) as exc:
        result.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
    finally:
        if result.open_s is None:
            on_open()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketException):
                await task
    return result


async def _bursts(client: Client, plan: VirtualPlan, rng: random.Random, result) -> None:
    page = client.page
    for _ in range(plan.bursts):
        await asyncio.sleep(rng.uniform(*plan.think_s))
        expected = (page.step or 0) + page.burst_size(plan.button)
        runs, start = page.completed_runs, time.perf_counter()
        await client.rerun(trigger=plan.button)
        try:
            await client.settled(runs, expected)
        except TimeoutError:
            result.errors.append(f"timeout: step {page.step} != {expected}")
            return
        result.bursts.append(time.perf_counter() - start)
        if page.exceptions:
            result.errors.append(f"{page.exceptions} exception box(es) after a burst")
            return
