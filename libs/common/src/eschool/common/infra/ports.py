"""Free ports, readiness polling and package installs shared by the local servers."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

log = logging.getLogger("eschool.infra")

# Below Linux's ephemeral range (32768+): a port we remember for a restart is not handed out meanwhile
# to an outgoing connection.
PORT_RANGE = (20000, 32000)
# Each server directory remembers its ports (and node name) here, so a second start reuses them.
STATE_FILE = "server.json"


class InfraError(RuntimeError):
    """A local server could not be found, installed, started or stopped."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on (or holds) host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1", *, exclude: Collection[int] = ()) -> int:
    """A TCP port that is free on host now, outside the ephemeral range."""
    for _ in range(500):
        port = random.randrange(*PORT_RANGE)
        if port not in exclude and port_is_free(port, host):
            return port
    raise InfraError(f"no free TCP port on {host} in {PORT_RANGE}")


def wait_until(check: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    """Polls check until it is true (True) or the timeout passes (False)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for error messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def install_package(package: str) -> None:
    """Installs a Debian package when running as root; otherwise says what to install."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise InfraError(
            f"{package} is not installed: run `sudo apt-get install {package}` "
            "(or install it with your OS's package manager) and retry"
        )
    log.info("installing %s with apt-get", package)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", package]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"`{' '.join(command)}` failed:\n{result.stderr[-3000:]}")


def read_state(base_dir: Path) -> dict[str, Any]:
    """What a server recorded about itself in its directory (empty if nothing)."""
    path = base_dir / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def write_state(base_dir: Path, state: dict[str, Any]) -> None:
    """Records a server's ports and names in its directory."""
    (base_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")


def process_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, exited but not yet reaped, does not count)."""
    if Path("/proc/self/stat").exists():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited already
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
