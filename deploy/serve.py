"""Serve Gradient Lab from N Streamlit replicas behind HAProxy, on one machine.

    python -m deploy.serve                      # one replica per core, proxy on 127.0.0.1:8501
    python -m deploy.serve --replicas 2 --port 8501 --bind 0.0.0.0
    GRADLAB_DATABASE_URL=postgresql+psycopg://gradlab@db/gradlab python -m deploy.serve

Each replica is `streamlit run` on a loopback port of its own; the proxy (deploy/haproxy.cfg)
keeps every learner on the replica that served their first page. The proxy starts once every
replica is healthy, which a replica is only once warm (ui.common.warm: what every page needs,
loaded before it answers; the second wait, on /api/warm, covers a warm-up that overran), so no
learner's first page waits for a cold replica. Rooms and recorded checks live
in the classroom database, which every replica must share: the command passes
GRADLAB_DATABASE_URL to all of them. Use PostgreSQL in production; the default SQLite file only
suits a single machine with a small room. Ctrl-C or SIGTERM stops the proxy and every replica;
so does any of them exiting (a supervisor such as systemd or Docker restarts the whole set).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("haproxy.cfg")
COOKIE = "gradlab_replica"
DATABASE_ENV = "GRADLAB_DATABASE_URL"
START_TIMEOUT_S = 120
WARM_PATH = "/api/warm"  # ui.common.warm.ROUTE (not imported: this launcher loads no streamlit)
STOP_TIMEOUT_S = 15


def default_replicas() -> int:
    """One replica per core this process may run on (a container's share, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def replica_command(port: int, *extra: str) -> list[str]:
    """`streamlit run` on loopback: each replica, and the server of the browser tests and the
    load test (tests/browser/helpers.py)."""
    return [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *extra,
    ]  # fmt: skip


def replica_env(database_url: str | None, cookie_secret: str) -> dict[str, str]:
    """The environment every replica shares: one database, and one cookie secret, so that a
    cookie signed by one replica (XSRF) is still valid if the learner lands on another."""
    env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=cookie_secret)
    if database_url:
        env[DATABASE_ENV] = database_url
    return env


def haproxy_config(bind: str, port: int, replica_ports: list[int]) -> str:
    """deploy/haproxy.cfg with the listening address and one `server` line per replica."""
    servers = "\n".join(
        f"    server r{i} 127.0.0.1:{p} check cookie r{i}"
        for i, p in enumerate(replica_ports, start=1)
    )
    return string.Template(TEMPLATE.read_text()).substitute(
        bind=bind, port=port, cookie=COOKIE, servers=servers
    )


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().decode().strip() == "ok"
    except OSError:
        return False


def warm(url: str) -> bool:
    """True once the server at `url` has finished warming (or has no warm-up to report)."""
    try:
        with urllib.request.urlopen(f"{url}{WARM_PATH}", timeout=2) as r:
            return json.loads(r.read()).get("state") != "warming"
    except ValueError:  # not JSON: an app without the route (its page is served instead)
        return True
    except OSError:
        return False


def stop(*procs: subprocess.Popen, timeout_s: float = 15) -> None:
    """Ask each process to end, then wait; one that will not is killed."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)


# ---------------------------------------------------------------------------------------------
# The running set: replicas, then the proxy; stopped in the reverse order


@dataclass
class Stack:
    proxy_url: str
    replica_urls: list[str]
    procs: list[subprocess.Popen]  # replicas first, the proxy last
    workdir: Path

    def exited(self) -> subprocess.Popen | None:
        return next((p for p in self.procs if p.poll() is not None), None)

    def stop(self) -> None:
        stop(*reversed(self.procs), timeout_s=STOP_TIMEOUT_S)
        shutil.rmtree(self.workdir, ignore_errors=True)


def _output(log_dir: Path | None, name: str):
    """Where a child writes: a file in log_dir, or this process's own stdout (container logs)."""
    return open(log_dir / f"{name}.log", "w") if log_dir else None  # noqa: SIM115


def _wait_healthy(stack: Stack, urls: list[str], timeout_s: float, ready=healthy) -> None:
    deadline = time.monotonic() + timeout_s
    pending = list(urls)
    while pending:
        pending = [u for u in pending if not ready(u)]
        dead = stack.exited()
        if dead is not None:
            raise RuntimeError(f"{' '.join(dead.args[:4])} exited with {dead.returncode}")
        if pending and time.monotonic() > deadline:
            late = ", ".join(pending)
            raise RuntimeError(f"not {ready.__name__} after {timeout_s:.0f} s: {late}")
        time.sleep(0.3)


def start(
    replicas: int,
    port: int,
    bind: str = "127.0.0.1",
    first_replica_port: int | None = None,
    database_url: str | None = None,
    log_dir: Path | None = None,
    app_dir: Path = ROOT,
    timeout_s: float = START_TIMEOUT_S,
) -> Stack:
    """Start the replicas and the proxy, and return once every one of them answers its health
    check (the proxy's through a replica). Raises, with everything stopped, if one does not."""
    if shutil.which("haproxy") is None:
        raise RuntimeError("no haproxy on PATH (apt-get install haproxy)")
    base = first_replica_port or port + 1
    ports = list(range(base, base + replicas))
    env = replica_env(database_url or os.environ.get(DATABASE_ENV), secrets.token_hex(32))
    workdir = Path(tempfile.mkdtemp(prefix="gradlab-proxy-"))
    config = workdir / "haproxy.cfg"
    config.write_text(haproxy_config(bind, port, ports))
    check = subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], capture_output=True)
    if check.returncode:
        shutil.rmtree(workdir, ignore_errors=True)
        raise RuntimeError(f"haproxy rejected the config: {check.stderr.decode()[-400:]}")
    host = "127.0.0.1" if bind in ("0.0.0.0", "::", "*") else bind
    stack = Stack(f"http://{host}:{port}", [f"http://127.0.0.1:{p}" for p in ports], [], workdir)
    try:
        for i, p in enumerate(ports, start=1):
            out = _output(log_dir, f"replica-r{i}")
            cmd = replica_command(p)
            stack.procs.append(subprocess.Popen(cmd, cwd=app_dir, env=env, stdout=out, stderr=out))
        _wait_healthy(stack, stack.replica_urls, timeout_s)
        _wait_healthy(stack, stack.replica_urls, timeout_s, ready=warm)
        out = _output(log_dir, "haproxy")
        cmd = ["haproxy", "-db", "-f", str(config)]  # -db: in the foreground, logs to stdout
        stack.procs.append(subprocess.Popen(cmd, stdout=out, stderr=out))
        _wait_healthy(stack, [stack.proxy_url], timeout_s)
    except BaseException:
        stack.stop()
        raise
    return stack


# ---------------------------------------------------------------------------------------------


class _Stop(Exception):
    pass


def _raise_stop(signum, frame) -> None:
    raise _Stop(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=default_replicas())
    parser.add_argument("--port", type=int, default=8501, help="where the proxy listens")
    parser.add_argument("--bind", default="127.0.0.1", help="the proxy's address (0.0.0.0: all)")
    parser.add_argument("--first-replica-port", type=int, help="default: --port + 1")
    parser.add_argument("--database-url", help=f"default: ${DATABASE_ENV}, else SQLite")
    parser.add_argument("--log-dir", type=Path, help="one log per process here (default: stdout)")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        parser.error("--replicas: between 1 and 64")
    if args.log_dir:
        args.log_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    stack = None
    try:
        stack = start(
            args.replicas, args.port, args.bind, args.first_replica_port, args.database_url,
            args.log_dir, args.app_dir.resolve(),
        )  # fmt: skip
        shared = args.database_url or os.environ.get(DATABASE_ENV)
        where = f"${DATABASE_ENV}" if shared else "the default SQLite file (production: PostgreSQL)"
        print(
            f"ready: {stack.proxy_url} -> {args.replicas} replica(s); rooms in {where}", flush=True
        )
        while (dead := stack.exited()) is None:
            time.sleep(1)
        print(f"stopping: {' '.join(dead.args[:4])} exited with {dead.returncode}", flush=True)
        return 1
    except _Stop as why:
        print(f"stopping on {why}", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if stack is not None:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
