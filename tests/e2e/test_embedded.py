"""`make run`: the embedded mode starts, answers its probes, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx

URL_LINE = re.compile(r"eschool is running at (http://\S+)")


def test_embedded_mode_serves_probes_and_exits_zero_on_sigint(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "eschool.common.embedded", "--port", "0", "--var", str(tmp_path / "var")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "ESCHOOL_LOG_LEVEL": "INFO"},
    )
    lines: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if match := URL_LINE.search(line):
                url.append(match.group(1))
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(60), "no URL printed:\n" + "".join(lines)
        base = url[0]
        assert httpx.get(f"{base}/healthz", timeout=30).json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["broker"] == "ok"
        metrics = httpx.get(f"{base}/metrics", timeout=30)
        assert "http_request_duration_seconds" in metrics.text
        missing = httpx.get(f"{base}/no/such/page", timeout=30)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.headers["x-request-id"]
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(30)
        reader.join(5)
    assert code == 0, "".join(lines)
    assert any("Application shutdown complete" in line for line in lines)
