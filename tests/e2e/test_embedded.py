"""`make run`: the embedded mode starts, answers its probes, and stops cleanly on Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx


def test_embedded_mode_serves_probes_and_exits_zero_on_sigint(tmp_path: Path, make_run: Any) -> None:
    running = make_run(tmp_path / "var")
    try:
        base = running.wait_started()
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
        code = running.stop()
    assert code == 0, running.output
    assert "Application shutdown complete" in running.output
