"""A gunicorn server in a process group of its own, as production starts it, for the chat
benchmark and the chat scale-out test: a free port, a log file, ready when /healthz answers,
stopped with its workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import BenchmarkFailed

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """`gunicorn -c config app` on a port of its own, with `env` as its whole environment."""

    def __init__(self, name: str, config: str, app: str, env: dict, folder: str | Path):
        self.name, self.port = name, free_port()
        self.log_path = Path(folder) / f"{name}.log"
        self.env = {**env, "PORT": str(self.port), "BASE_URL": f"http://127.0.0.1:{self.port}"}
        self.command = [sys.executable, "-m", "gunicorn", "-c", config, app]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> GunicornServer:
        self.log = open(self.log_path, "w+b")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, within: float = 30) -> None:
        """Until /healthz answers 200; BenchmarkFailed, with the log, if it never does."""
        deadline = time.monotonic() + within
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BenchmarkFailed(f"{self.name} did not come up:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)

    def worker_pid(self) -> int:
        """gunicorn's one worker: the master's child."""
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        if int(stat.read().rpartition(")")[2].split()[1]) == self.process.pid:
                            return int(entry)
                except OSError:
                    continue
        raise BenchmarkFailed(f"{self.name} has no worker\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if not self.log.closed:
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]
