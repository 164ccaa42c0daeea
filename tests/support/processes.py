"""Real processes for the fault tests: a redis-server of the test's own (on a free loopback port, in a
temporary folder, stopped by its PID) and the portal under gunicorn against the test database.

Nothing here touches the shared Redis on 6379: every server is started here and killed here."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], *, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out after {timeout}s waiting for {message}")


def _stop(process: subprocess.Popen[Any] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


class RedisServer:
    """One redis-server, which can be killed (SIGKILL, no chance to save) and started again on the
    same port, either empty or from the snapshot it last SAVEd."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=5, socket_connect_timeout=5)

    def start(self, *, from_snapshot: bool = False) -> None:
        snapshot = self.folder / "dump.rdb"
        if not from_snapshot:
            snapshot.unlink(missing_ok=True)
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not installed"
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server, our arguments
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--dbfilename",
                "dump.rdb",
                # Snapshots only when the test says SAVE; no append-only file.
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=START_SECONDS, message=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"redis-server on port {self.port} exited with {self.process.returncode}")
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def save(self) -> None:
        self.client().save()

    def kill(self) -> None:
        _stop(self.process)
        self.process = None


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    text: str


@dataclass
class Browser:
    """Just enough of a browser for the portal: cookies, and the CSRF token from the last form."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 20.0

    def request(self, method: str, path: str, data: Mapping[str, str] | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            text = reply.read().decode()
        finally:
            connection.close()
        for value in reply.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(reply.status, dict(reply.headers.items()), text)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: Mapping[str, str]) -> Response:
        """GET the form (for its CSRF token), then POST it as a browser would."""
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match is not None, f"no CSRF token on {path} ({page.status})"
        return self.request("POST", path, {"csrfmiddlewaretoken": match.group(1), **data})

    def post(self, path: str, data: Mapping[str, str], *, csrf_from: str) -> Response:
        """POST to a URL whose form sits on another page (a button on csrf_from)."""
        page = self.get(csrf_from)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match is not None, f"no CSRF token on {csrf_from} ({page.status})"
        return self.request("POST", path, {"csrfmiddlewaretoken": match.group(1), **data})


class Portal:
    """The portal under gunicorn (one sync worker, so one database connection that lives across
    requests), on the test database, with the settings of tests/support/portal_settings.py."""

    def __init__(self, *, database_url: str, env: Mapping[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.env = {
            **{key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CELERY_BROKER_URL"}},
            "DJANGO_SETTINGS_MODULE": "tests.support.portal_settings",
            "DATABASE_URL": database_url,
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "healthyplaces.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "60",
                ],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        wait_until(self._answers, timeout=60, message="gunicorn to answer /livez/")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
        try:
            return self.browser().get("/livez/").status == 200
        except OSError:
            return False

    def browser(self, session_key: str | None = None) -> Browser:
        browser = Browser(self.port)
        if session_key is not None:
            browser.cookies["sessionid"] = session_key
        return browser

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # The master stops its worker on SIGTERM; the whole group (this process's own session)
            # is killed if that takes too long.
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def logged(self, text: str) -> int:
        return self.log.read_text().count(text)
