"""Two gunicorn nodes behind HAProxy (round robin) on loopback: started by the two-node test and by the
page benchmark's load run (`benchmarks/pages.py --nodes 2`), so both exercise the same shape. Every
process is started in a session of its own on a port given here, waited for (bounded) and stopped by
its PID. Nothing here imports pytest: a failure to start raises ClusterStartError with the log's tail."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
START_SECONDS = 60

# The two-node test's health check: a node that fails one check is out at once, so the test of node
# A dying sees the proxy turn to B within a second.
QUICK_CHECKS = "check inter 500ms fall 1 rise 1"


class ClusterStartError(RuntimeError):
    pass


@dataclass
class Node:
    name: str
    url: str
    process: subprocess.Popen[bytes]


@dataclass
class Cluster:
    a: Node
    b: Node
    proxy: str
    # HAProxy's statistics as CSV (per node: requests, answers by status class), when asked for.
    stats: str | None = None


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path, *, path: str = "/healthz/") -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClusterStartError(f"{url} exited with {process.returncode}: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}{path}", timeout=10) as answer:  # noqa: S310 - our loopback URL
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):  # not listening yet, or its first request still loading Django
            pass
        time.sleep(0.3)
    raise ClusterStartError(f"{url} was not healthy within {START_SECONDS} s: {log.read_text()[-3000:]}")


@contextmanager
def started(command: list[str], log: Path, env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own dev dependencies and arguments
            # A session of its own, so the node (gunicorn's master and its workers) dies as one: os.killpg.
            command,
            cwd=ROOT,
            env=None if env is None else dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


def haproxy_config(
    proxy_port: int,
    node_ports: Mapping[str, int],
    *,
    checks: str,
    check_timeout: str | None = None,
    queue_timeout: str | None = None,
    stats_port: int | None = None,
    maxconn: int = 256,
) -> str:
    lines = [
        "global",
        f"    maxconn {maxconn}",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        "    timeout client 30s",
        "    timeout server 30s",
        # Without it a health check must be answered within its interval (which a loaded node misses).
        *([f"    timeout check {check_timeout}"] if check_timeout else []),
        # How long a request may wait in the proxy's queue for a node's free slot (`maxconn` on a
        # server line); without it the connect timeout applies.
        *([f"    timeout queue {queue_timeout}"] if queue_timeout else []),
        "    retries 3",
        "    option redispatch 1",
        "    retry-on conn-failure empty-response response-timeout",
        "frontend portal",
        f"    bind 127.0.0.1:{proxy_port}",
        "    default_backend nodes",
        "backend nodes",
        "    balance roundrobin",
        "    option httpchk GET /healthz/",
        "    http-response set-header X-Node %[srv_name]",
        *[f"    server {name} 127.0.0.1:{port} {checks}" for name, port in node_ports.items()],
    ]
    if stats_port:
        lines += ["listen stats", f"    bind 127.0.0.1:{stats_port}", "    stats enable", "    stats uri /"]
    return "\n".join(lines) + "\n"


@contextmanager
def two_nodes(
    env: Mapping[str, str],
    folder: Path,
    *,
    proxy_port: int,
    node_ports: Mapping[str, int],
    workers: int = 1,
    checks: str = QUICK_CHECKS,
    check_timeout: str | None = None,
    queue_timeout: str | None = None,
    stats_port: int | None = None,
    maxconn: int = 256,
) -> Iterator[Cluster]:
    """Nodes "a" and "b" (gunicorn, `workers` sync workers each, with `env`) behind HAProxy on
    proxy_port; logs and the proxy's configuration in `folder`. Stops everything on the way out."""
    if not Path(HAPROXY).exists():
        raise ClusterStartError("HAProxy is not installed (apt-get install -y haproxy)")
    config = folder / "haproxy.cfg"
    config.write_text(
        haproxy_config(
            proxy_port,
            node_ports,
            checks=checks,
            check_timeout=check_timeout,
            queue_timeout=queue_timeout,
            stats_port=stats_port,
            maxconn=maxconn,
        )
    )
    with ExitStack() as stack:
        nodes = {}
        for name, port in node_ports.items():
            log = folder / f"node-{name}.log"
            command = [GUNICORN, "healthyplaces.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            command += ["--workers", str(workers)]
            process = stack.enter_context(started(command, log, env))
            nodes[name] = Node(name, f"http://127.0.0.1:{port}", process)
        for name, node in nodes.items():
            wait_until_healthy(node.url, node.process, folder / f"node-{name}.log")
        proxy_log = folder / "haproxy.log"
        proxy = stack.enter_context(started([HAPROXY, "-f", str(config), "-db"], proxy_log))
        wait_until_healthy(f"http://127.0.0.1:{proxy_port}", proxy, proxy_log)
        stats = f"http://127.0.0.1:{stats_port}/;csv" if stats_port else None
        yield Cluster(nodes["a"], nodes["b"], f"http://127.0.0.1:{proxy_port}", stats)
