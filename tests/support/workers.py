"""Processes the tests start beside themselves (Celery workers and beat) against the test database."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], bool], *, timeout: float = 30, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out after {timeout}s waiting for {message or condition}")


def database_url() -> str:
    """The test database as another process's DATABASE_URL: the rows a test writes are what it reads."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery worker` (or, with beat=True, `celery beat`) in its own process group, for killing
    without mercy; started when it says it is ready."""

    def __init__(self, env: dict[str, str], *, name: str = "celery", beat: bool = False) -> None:
        self.lines: list[str] = []
        # Beat reads its schedule from the database (django-celery-beat), so it keeps no file.
        command = (
            ["beat", "--loglevel=INFO"]
            if beat
            else ["worker", "--concurrency=1", "--loglevel=INFO", "-n", f"{name}@%h"]
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "celery", "-A", "healthyplaces", *command],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        ready = "beat: Starting..." if beat else " ready."
        wait_until(lambda: any(ready in line for line in self.lines), timeout=60, message=f"{name} to start")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
