"""`make run`: the embedded mode starts, answers its probes, and stops cleanly on Ctrl-C; its demo's
first-grade campaign reaches every status, contingent enrolling the children assigned to a class, and
the demo guardian sees her own application."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from eschool.common.demo import SCHOOL_ID


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


ENROLMENT_API = "/api/enrolment/v1"
# Assigned to a class lasts until contingent's answer (seconds): it is seen in the enrolled ones' history.
LISTED = {"new", "documents_check", "registered", "enrolled", "rejected", "withdrawn"}


def eventually(check: Callable[[], bool], within: float) -> None:
    """Poll ``check`` until it holds: the demo loads in the background, over the in-process bus."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.5)


def test_the_demo_campaign_has_applications_in_every_status(tmp_path: Path, make_run: Any) -> None:
    running = make_run(tmp_path / "var", log_level="WARNING")
    try:
        with httpx.Client(base_url=running.wait_started(), timeout=300) as gateway:
            form = {"grant_type": "password", "username": "school.admin", "password": "Shkola-2026c"}
            token = gateway.post("/api/identity/v1/token", data=form).json()["access_token"]
            admin = {"Authorization": f"Bearer {token}"}
            found: list[dict[str, Any]] = []

            def every_status() -> bool:
                """Every status a school sets is listed, and contingent has answered every assignment."""
                answer = gateway.get(f"{ENROLMENT_API}/schools/{SCHOOL_ID}/applications", headers=admin)
                assert answer.status_code == 200, answer.text
                found[:] = answer.json()
                return {a["status"] for a in found} == LISTED

            eventually(every_status, within=180)
            enrolled = next(a for a in found if a["status"] == "enrolled")
            steps = gateway.get(
                f"{ENROLMENT_API}/applications/{enrolled['application_id']}/history", headers=admin
            )
            assert [s["to_status"] for s in steps.json()][-2:] == ["assigned_to_class", "enrolled"]
            # The demo guardian applied for the demo pupil's younger sister: her own applications show it.
            form = {"grant_type": "password", "username": "guardian", "password": "Roditel-2026g"}
            token = gateway.post("/api/identity/v1/token", data=form).json()["access_token"]
            mine = gateway.get(
                f"{ENROLMENT_API}/my/applications", headers={"Authorization": f"Bearer {token}"}
            )
            assert [(a["child"]["first_name"], a["status"]) for a in mine.json()] == [
                ("Варвара", "registered")
            ]
    finally:
        code = running.stop()
    assert code == 0, running.output
