"""Starting and stopping the measured servers (gunicorn, 2 workers, on a free loopback port)."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench import procstat
from bench.browser import Browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master started with ``command`` (which must bind ``self.port``) in its own session.

    ``ready_path`` is fetched until it answers 200 (60 s at most). ``worker_pids`` are the master's
    children; their CPU time is what "server CPU" means in the figures. ``hash_times``: the folder the workers'
    timed password hasher writes to (None when it is not timed).
    """

    def __init__(self, name: str, command: list[str], *, env: dict, port: int, ready_path: str, log: Path,
                 cwd: Path | None = None, hash_times: Path | None = None):
        self.name, self.command, self.env, self.port = name, command, env, port
        self.ready_path, self.log, self.cwd = ready_path, log, cwd
        self.hash_times = hash_times  # where the workers write their hasher's CPU time (bench.hash_timing)
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            try:
                if Browser(self.base, timeout=5).get(self.ready_path).status == 200 and len(self.worker_pids()) >= 2:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {self.ready_path} within 60 s; see {self.log}")

    def worker_pids(self) -> list[int]:
        return procstat.children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)  # gunicorn: graceful stop of master and workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
