"""`make run` as its own process, for the end-to-end tests that talk to it over HTTP."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

URL_LINE = re.compile(r"eschool is running at (http://\S+)")


class MakeRun:
    """``python -m eschool.common.embedded`` on a free port, its output read line by line."""

    def __init__(self, var: Path, *, log_level: str = "INFO") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eschool.common.embedded", "--port", "0", "--var", str(var)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "ESCHOOL_LOG_LEVEL": log_level},
        )
        self.lines: list[str] = []
        self.url = ""
        self._started = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if match := URL_LINE.search(line):
                self.url = match.group(1)
                self._started.set()

    def wait_started(self, within: float = 60) -> str:
        """Its URL, once printed (the demo logins are printed right after it)."""
        assert self._started.wait(within), "no URL printed:\n" + self.output
        return self.url

    def printed(self, first_word: str, within: float = 10) -> bool:
        """Whether a line starting with ``first_word`` is printed within ``within`` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if any(line.split()[:1] == [first_word] for line in list(self.lines)):
                return True
            time.sleep(0.1)
        return False

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return "".join(self.lines)

    def stop(self) -> int:
        """Ctrl-C, as a person stops it; killed if it does not end. Its exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(10)
        self._reader.join(5)
        return code


@pytest.fixture(scope="session")
def make_run() -> type[MakeRun]:
    """Start ``make run``'s process: ``make_run(var_dir)``; stop it with ``.stop()``."""
    return MakeRun
