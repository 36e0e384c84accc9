"""deploy/Dockerfile and .dockerignore: what the image installs, who it runs as, how it starts and how its
health is checked. The entrypoint and the health check are run here as the container would run them.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n(\s*#.*\n)*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def exec_form(instruction: str) -> list[str]:
    """The JSON array of the (last) instruction given, e.g. ENTRYPOINT."""
    found = [args for name, args in instructions() if name == instruction]
    assert found, f"no {instruction}"
    return json.loads(found[-1].split("CMD", 1)[-1] if instruction == "HEALTHCHECK" else found[-1])


def test_image_builds_on_python_311_slim_and_installs_from_the_lockfile() -> None:
    steps = instructions()
    bases = [args for name, args in steps if name == "ARG" and args.startswith("PYTHON_IMAGE=")]
    assert bases
    assert bases[0].startswith("PYTHON_IMAGE=python:3.11-slim")
    assert [args for name, args in steps if name == "FROM"] == [
        "${PYTHON_IMAGE} AS build",
        "${PYTHON_IMAGE} AS runtime",
    ]
    runs = " ".join(args for name, args in steps if name == "RUN")
    assert re.search(r'pip install .*"uv==\$\{UV_VERSION\}"', runs)
    assert runs.count("uv sync --frozen --no-dev") == 2
    assert '--package "eschool-$SERVICE"' in runs
    for name, args in steps:
        if name == "COPY" and "--from" not in args:
            for source in args.split()[:-1]:
                assert (REPO / source.replace("${SERVICE}", "")).exists(), f"COPY {source}: missing"


def test_image_runs_as_a_numeric_non_root_user_and_serves_on_8000() -> None:
    steps = dict(instructions())
    user = steps["USER"].split(":")
    assert all(part.isdigit() and int(part) > 0 for part in user)
    assert steps["EXPOSE"] == "8000"
    assert "ESCHOOL_PORT=8000" in steps["ENV"]
    assert "ESCHOOL_ENV=production" in steps["ENV"], "a container forgetting ESCHOOL_ENV is production"


def _run_entrypoint(tmp_path: Path, service: str, *args: str) -> subprocess.CompletedProcess[str]:
    # A stand-in python prints the arguments it got, one per line.
    (tmp_path / "python").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    (tmp_path / "python").chmod(0o755)
    entrypoint = exec_form("ENTRYPOINT")
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "ESCHOOL_SERVICE": service}
    return subprocess.run([*entrypoint, *args], env=env, capture_output=True, text=True, check=False)


def test_entrypoint_serves_the_images_service_with_the_arguments_given(tmp_path: Path) -> None:
    # Each argument arrives whole, spaces included, and after the service's name.
    args = ["--no-relay", "--no-consumers", "--host=a b"]
    result = _run_entrypoint(tmp_path, "journal", *args)
    assert result.stdout.splitlines() == ["-m", "eschool.common.serve", "journal", *args]
    assert exec_form("CMD") == []
    refused = _run_entrypoint(tmp_path, "")
    assert refused.returncode != 0
    assert "SERVICE" in refused.stderr


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), type("Health", (_Health,), {}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_healthcheck_passes_on_200_from_healthz_and_fails_otherwise(health_server: HTTPServer) -> None:
    command = exec_form("HEALTHCHECK")
    assert command[0] == "python"
    port = str(health_server.server_address[1])
    env = {"ESCHOOL_PORT": port, "PATH": "/usr/bin:/bin"}
    check = [sys.executable, *command[1:]]
    assert subprocess.run(check, env=env, capture_output=True, check=False).returncode == 0
    health_server.RequestHandlerClass.status = 503
    assert subprocess.run(check, env=env, capture_output=True, check=False).returncode != 0
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        env["ESCHOOL_PORT"] = str(closed.getsockname()[1])
    assert subprocess.run(check, env=env, capture_output=True, check=False).returncode != 0


def test_dockerignore_keeps_local_state_out_and_what_the_build_copies_in() -> None:
    patterns = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    patterns.discard("")
    assert {"**/.venv", "var", "**/__pycache__", "**/.pytest_cache", "**/.ruff_cache", ".git"} <= patterns
    assert not patterns & {"libs", "services", "uv.lock", "pyproject.toml", "*", "**"}
