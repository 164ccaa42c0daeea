"""Benchmark the key pages at ten years of data: gunicorn with the production settings on
PostgreSQL, driven by wrk. Not a test: a measurement, printed as a Markdown table.

    apt-get install -y wrk            # the load generator (Debian's package)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/healthyplaces_bench \\
        .venv/bin/python benchmarks/pages.py [--scale 1] [--reuse] [--duration 10] [--load]

What it does, in order:
1. Unless --reuse, drops and re-creates the database named in DATABASE_URL (never point it at a
   database you want to keep: the script refuses a database that has users not made by the
   dataset generator), migrates it and fills it with `manage.py generate_dataset --scale`.
   Redis is the benchmark's own redis-server (tests/support/processes.py's RedisServer), started
   first on a free loopback port in a temporary folder and stopped by its PID at the end: the
   query counts empty the cache between pages (a FLUSHDB), which must never reach a shared Redis.
2. Collects the static files and starts gunicorn (4 sync workers, production settings with that
   Redis as the cache; plain HTTP on 127.0.0.1 with X-Forwarded-Proto: https, as behind the
   council's load balancer).
3. Signs in one user per role as allauth would, second factor included for staff (the sessions
   tests/support/sign_in.py makes for the test client), and counts each page's queries
   in-process: with the cache emptied (the first request after the data behind a page changed)
   and as the page is served after that.
4. For the floor (/livez/, the same middleware and nothing else) and each key page, checks that
   one request with wrk's headers is answered 200 with the page's own heading (not a redirect to
   the second-factor step), runs wrk with 8 connections for --duration seconds after a 2-second
   warm-up, and prints p50, p95 and requests per second, the page's p95 over the floor's p95 from
   the same run, its query counts, and any response that was not a 200 (the run fails if any).
5. With --load, restarts gunicorn with 2 workers and runs 50 connections for 60 seconds over a mix
   of the pages and form posts, and prints the totals and the errors (there should be none).
   With --nodes 2 the load run starts two such nodes on free loopback ports behind HAProxy (round
   robin; apt-get install -y haproxy) on the benchmark's port, as the two-node test does
   (tests/support/cluster.py), runs 200 connections through the proxy, and also prints each
   node's share of the requests and answers from HAProxy's statistics. --connections changes the
   number of clients; --load-only skips step 4. The load averages before and after are printed.

To run beside other measurements without disturbing them, wrap it in a lock they take too:
flock /tmp/healthyplaces-bench.lock .venv/bin/python benchmarks/pages.py ...
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
PORT = 8765
ORIGIN = f"https://127.0.0.1:{PORT}"
WORK = Path(tempfile.gettempdir()) / "healthyplaces-bench"
LOAD_SECONDS = 60
LOAD_WORKERS = 2  # per node
# How long a client of the load run waits for an answer. Every request is answered in turn, so with
# C clients and R requests a second each waits about C / R seconds: 200 clients at 20 a second (two
# cores shared with other work) wait 10 s, which is queueing, not failure.
LOAD_TIMEOUT_SECONDS = 30

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "healthyplaces.settings.production",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-not-for-any-real-site-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_CSRF_TRUSTED_ORIGINS": ORIGIN,
    "HEALTHYPLACES_VAR_DIR": str(WORK / "var"),
    "CELERY_BROKER_URL": "memory://",
    "EMAIL_URL": "consolemail://",
    "SITE_URL": ORIGIN,
    # REDIS_URL, the cache production runs with, is set by main() to the benchmark's own server.
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str  # whose session requests it; "" for anonymous
    # The start of the page's <title>: a 200 that is not this page (the second-factor step, say)
    # would measure the wrong thing.
    title: str


FLOOR = Page("Floor (/livez/)", "/livez/", "", "")


def key_pages(ids: dict[str, Any]) -> list[Page]:
    return [
        Page("Actions list", "/actions/", "officer", "All actions"),
        Page("Action detail", "/actions/1/", "officer", "Action "),
        Page("Insight search: shelter", "/insights/?q=shelter", "officer", "Community insights"),
        Page("Insight search: dog fouling", "/insights/?q=dog+fouling", "officer", "Community insights"),
        Page("Insight search: bus stop shelter", "/insights/?q=bus+stop+shelter", "officer", "Community insights"),
        Page("Applications (officer)", "/funding/applications/", "officer", "Applications"),
        Page("Applications (group)", "/funding/applications/", "group", "Applications"),
        Page("Panel", f"/funding/panels/{ids['round']}/", "officer", "Panel: "),
        Page("Public progress", "/progress/", "", "Progress on the healthy places plan"),
        # Not a key page: the cheapest signed-in page (static text in the layout), to show what
        # the layout, the session and the user cost every page before its own work begins.
        Page("Signed-in page with no data", "/accessibility/", "officer", "Accessibility statement"),
        *[Page(name, path, role, title) for name, path, role, title in ids["extra_pages"]],
    ]


def run(command: list[str], **kwargs: Any) -> None:
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, **ENVIRONMENT}, **kwargs)  # noqa: S603


def manage(*args: str) -> None:
    run([sys.executable, "manage.py", *args])


def prepare_database(scale: float) -> None:
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with psycopg.connect(url.geturl()) as target:
                real = target.execute(
                    "SELECT to_regclass('accounts_user') IS NOT NULL AND EXISTS ("
                    "SELECT 1 FROM accounts_user WHERE email NOT LIKE '%%@dataset.invalid')"
                ).fetchone()
            if real and real[0]:
                sys.exit(f"{name} has users not made by the dataset generator: refusing to drop it.")
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "-v0")
    manage("generate_dataset", "--scale", str(scale), "--yes")


def setup_django() -> None:
    os.environ.update(ENVIRONMENT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sessions_and_ids() -> tuple[dict[str, str], dict[str, Any]]:
    """A signed-in session cookie per role, made as the test client signs in."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from funding.models import Round
    from healthyplaces.accounts.models import User
    from tests.support.sign_in import force_login_as_allauth_would

    users = {
        "officer": User.objects.filter(groups__name="Council officer").order_by("pk").first(),
        "group": User.objects.filter(groups__name="Community group member", organisations__applications__isnull=False)
        .order_by("pk")
        .first(),
        "board": User.objects.filter(groups__name="Board member").order_by("pk").first(),
        "connector": User.objects.filter(groups__name="Community connector").order_by("pk").first(),
    }
    cookies = {"": ""}
    for role, user in users.items():
        assert user is not None, f"the dataset has no {role}"  # noqa: S101
        # Signed in as the test suite signs in (password, then the authenticator code for roles that
        # need one), so every check the middleware makes passes as for a real sign-in.
        client = Client()
        force_login_as_allauth_would(client, user)
        csrf = _get_new_csrf_string()
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    latest = Round.objects.order_by("-closes_on").first()
    assert latest is not None  # noqa: S101
    return cookies, {"round": latest.pk, "users": users, "extra_pages": extra_pages()}


def extra_pages() -> list[tuple[str, str, str, str]]:
    """Pages of apps that may not be installed in every checkout: included when their URLs resolve."""
    from django.urls import NoReverseMatch, reverse

    pages = []
    for name, url_name, role in (
        ("Board dashboard", "board:dashboard", "board"),
        ("Coverage by ward", "connectors:coverage", "officer"),
    ):
        try:
            pages.append((name, reverse(url_name), role, name))
        except NoReverseMatch:
            print(f"({name}: {url_name} is not in this checkout, so it is not measured)")
    return pages


def query_counts(pages: list[Page], users: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each page's queries with nothing cached (the first request after the data behind it
    changed), then as it is served after that, which is what wrk measures."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.support.sign_in import force_login_as_allauth_would

    counts = {}
    for page in [*pages, FLOOR]:
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        if page.role:
            force_login_as_allauth_would(client, users[page.role])
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(page.path)
        assert_is_the_page(page, response.status_code, response.content.decode())
        with CaptureQueriesContext(connection) as served:
            response = client.get(page.path)
        assert_is_the_page(page, response.status_code, response.content.decode())
        # The session and user lookups every signed-in request makes are included.
        counts[page.name] = (len(cold), len(served))
    return counts


def assert_is_the_page(page: Page, status: int, body: str) -> None:
    # The floor has no title: its 200 is all it answers.
    if status != 200 or (page.title and f"<title>{page.title}" not in body):
        sys.exit(f"{page.name} ({page.path}) answered {status}, not the page titled {page.title!r}: not measured.")


def check_served(page: Page, cookie: str) -> None:
    """One request with the headers wrk sends, redirects not followed, before the page is measured."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        headers = {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}
        connection.request("GET", page.path, headers=headers)
        response = connection.getresponse()
        assert_is_the_page(page, response.status, response.read().decode())
    finally:
        connection.close()


def start_gunicorn(workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "healthyplaces.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENVIRONMENT},
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/livez/", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    sys.exit("gunicorn did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def wrk(
    path: str, cookie: str, connections: int, seconds: int, script: str = "report.lua", timeout: int = 10
) -> dict[str, Any]:
    command = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s"]
    command += ["--timeout", f"{timeout}s", "--script", str(BENCH_DIR / script)]
    command += ["--header", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{PORT}{path}"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_DIR": str(BENCH_DIR), "ORIGIN": ORIGIN, "MIX": str(WORK / "mix.tsv")},
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def measure(pages: list[Page], cookies: dict[str, str], counts: dict[str, tuple[int, int]], seconds: int) -> None:
    process = start_gunicorn(workers=4)
    try:
        rows = []
        for page in [FLOOR, *pages]:
            check_served(page, cookies[page.role])
            wrk(page.path, cookies[page.role], 8, 2)  # warm-up
            rows.append((page, wrk(page.path, cookies[page.role], 8, seconds)))
    finally:
        stop(process)
    # wrk counts only 4xx and 5xx as errors; a redirect (to the second-factor step, say) would be
    # measured as if it were the page.
    not_ok = [f"{page.name}: {result['not_200']} not 200" for page, result in rows if result["not_200"]]
    floor = rows[0][1]["p95_us"]
    print("| page | p50 (ms) | p95 (ms) | requests/s | p95 ÷ floor p95 | queries (nothing cached / served) | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for page, result in rows:
        cold, served = counts[page.name]
        errors = result["socket_errors"] + result["status_errors"]
        print(
            f"| {page.name} | {result['p50_us'] / 1000:.1f} | {result['p95_us'] / 1000:.1f} | {result['rps']:.0f} "
            f"| {result['p95_us'] / floor:.2f} | {cold} / {served} | {errors} |"
        )
    if not_ok:
        sys.exit("Responses other than 200 were measured: " + "; ".join(not_ok))


def load_run(pages: list[Page], cookies: dict[str, str], ids: dict[str, Any], nodes: int, connections: int) -> None:
    """`connections` clients for 60 s over every key page plus form posts: a draft section saved by
    a group member (a stale version is refused without a write, which is still a 200) and a search;
    against one node, or two behind HAProxy."""
    from funding.models import Application

    draft = Application.objects.filter(organisation__members=ids["users"]["group"], state="draft").first()
    lines = [f"GET\t{page.path}\t{cookies[page.role]}\t" for page in pages]
    if draft is not None:
        body = f"group_description=Benchmark&contact_phone=&completed=no&version={draft.version}"
        lines.append(f"POST\t/funding/applications/{draft.pk}/group/\t{cookies['group']}\t{body}")
    lines.append(f"POST\t/account/email-preferences/\t{cookies['officer']}\tfrequency=weekly")
    (WORK / "mix.tsv").write_text("\n".join(lines) + "\n")
    load_before = os.getloadavg()
    shares = ""
    if nodes == 1:
        process = start_gunicorn(workers=LOAD_WORKERS)
        try:
            result = wrk("/", "", connections, LOAD_SECONDS, script="mix.lua", timeout=LOAD_TIMEOUT_SECONDS)
        finally:
            stop(process)
        shape = f"gunicorn with {LOAD_WORKERS} workers"
    else:
        result, shares = load_through_proxy(connections)
        shape = f"two gunicorn nodes with {LOAD_WORKERS} workers each behind HAProxy (round robin)"
    load_after = os.getloadavg()
    print()
    print(
        f"Load run: {connections} connections, {LOAD_SECONDS} s, {shape}, {len(lines)} kinds of request, "
        f"clients wait up to {LOAD_TIMEOUT_SECONDS} s"
    )
    print(
        f"requests {result['requests']:,}, {result['rps']:.0f}/s, p50 {result['p50_us'] / 1000:.0f} ms, "
        f"p95 {result['p95_us'] / 1000:.0f} ms, p99 {result['p99_us'] / 1000:.0f} ms, "
        f"socket errors {result['socket_errors']}, non-2xx/3xx responses {result['status_errors']}"
    )
    if shares:
        print(shares)
    print(
        "load average (1, 5, 15 min) before "
        + ", ".join(f"{figure:.2f}" for figure in load_before)
        + "; after "
        + ", ".join(f"{figure:.2f}" for figure in load_after)
        + f"; {os.cpu_count()} cores"
    )


def load_through_proxy(connections: int) -> tuple[dict[str, Any], str]:
    """Two nodes behind HAProxy on the benchmark's port (so the origin the sessions and CSRF checks
    expect is unchanged); returns wrk's result and each node's share from the proxy's statistics."""
    from tests.support.cluster import two_nodes
    from tests.support.processes import free_port

    folder = WORK / "cluster"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **ENVIRONMENT}
    with two_nodes(
        env,
        folder,
        proxy_port=PORT,
        node_ports={"a": free_port(), "b": free_port()},
        workers=LOAD_WORKERS,
        # Each node takes as many requests as it has workers and the rest wait in the proxy's
        # queue (as a council's balancer would be set up): the health checks, which skip that
        # queue, then reach a node with at most that many requests ahead of them. A node is taken
        # out only after three checks in a row fail. (The two-node test's one-strike 500 ms checks,
        # with every client's request queued in the nodes' own backlogs, took nodes out under load.)
        checks=f"check inter 2s fall 3 rise 2 maxconn {LOAD_WORKERS}",
        check_timeout="10s",
        queue_timeout=f"{LOAD_TIMEOUT_SECONDS}s",
        stats_port=free_port(),
        maxconn=connections + 56,
    ) as cluster:
        result = wrk("/", "", connections, LOAD_SECONDS, script="mix.lua", timeout=LOAD_TIMEOUT_SECONDS)
        assert cluster.stats is not None  # noqa: S101
        with urllib.request.urlopen(cluster.stats, timeout=10) as answer:  # noqa: S310 - our loopback proxy
            rows = list(csv.DictReader(answer.read().decode().lstrip("# ").splitlines()))
    return result, node_shares(rows)


def node_shares(rows: list[dict[str, str]]) -> str:
    """Each node's requests through the proxy and its answers by class, from HAProxy's CSV."""
    servers = [row for row in rows if row["pxname"] == "nodes" and row["svname"] not in {"FRONTEND", "BACKEND"}]
    total = sum(int(row["stot"]) for row in servers) or 1
    parts = []
    for row in servers:
        answers = ", ".join(f"{kind} {row[f'hrsp_{kind}']}" for kind in ("2xx", "3xx", "4xx", "5xx"))
        parts.append(
            f"node {row['svname']}: {int(row['stot']):,} requests ({int(row['stot']) / total:.0%}; {answers}; "
            f"status {row['status']}, {row['chkfail'] or 0} failed checks)"
        )
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true", help="Keep the database from the last run.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
    parser.add_argument("--load", action="store_true", help="Also run the load run (60 s over a mix of requests).")
    parser.add_argument("--load-only", action="store_true", help="Run the load run without the per-page table.")
    parser.add_argument(
        "--nodes", type=int, choices=(1, 2), default=1, help="Web nodes in the load run (2: behind HAProxy)."
    )
    parser.add_argument(
        "--connections", type=int, help="Clients in the load run (default: 50 for one node, 200 for two)."
    )
    args = parser.parse_args()
    if args.nodes == 2 and shutil.which("haproxy") is None:
        sys.exit("HAProxy is not installed: apt-get install -y haproxy")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database the benchmark may drop and fill.")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed: apt-get install -y redis-server")
    WORK.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from tests.support.processes import RedisServer

    with tempfile.TemporaryDirectory(prefix="redis-", dir=WORK) as folder:
        redis_server = RedisServer(Path(folder))
        try:
            redis_server.start()
            ENVIRONMENT["REDIS_URL"] = redis_server.url()
            benchmark(args)
        finally:
            redis_server.kill()


def benchmark(args: argparse.Namespace) -> None:
    if not args.reuse:
        prepare_database(args.scale)
    manage("collectstatic", "--noinput", "-v0")
    setup_django()
    cookies, ids = sessions_and_ids()
    pages = key_pages(ids)
    counts = query_counts(pages, ids["users"])
    from django.db import connection

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, {os.cpu_count()} cores")
    if not args.load_only:
        measure(pages, cookies, counts, args.duration)
    if args.load or args.load_only:
        load_run(pages, cookies, ids, args.nodes, args.connections or (50 if args.nodes == 1 else 200))


if __name__ == "__main__":
    main()
