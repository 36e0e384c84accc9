"""A private RabbitMQ node in a directory: its own name, ports, cookie and data; restartable in place."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

import httpx

from eschool.common.infra.ports import (
    InfraError,
    free_port,
    install_package,
    log,
    port_is_free,
    process_alive,
    read_state,
    tail,
    wait_until,
    write_state,
)

GUEST = ("guest", "guest")
# Debian's /usr/sbin scripts switch to the rabbitmq user and drop our environment: prefer the real ones.
_SCRIPT_CANDIDATES = (
    "/usr/lib/rabbitmq/bin/rabbitmq-server",
    "/usr/sbin/rabbitmq-server",
    "/usr/local/sbin/rabbitmq-server",
    "/opt/homebrew/sbin/rabbitmq-server",
)
_AMQP_HEADER = b"AMQP\x00\x00\x09\x01"


@dataclass
class LocalRabbit:
    """A RabbitMQ node owned by this process tree; guest/guest on 127.0.0.1; data in base_dir/mnesia."""

    base_dir: Path
    script: Path
    node: str
    amqp_port: int
    dist_port: int
    management_port: int | None
    host: str = "127.0.0.1"
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def amqp_url(self, vhost: str = "/") -> str:
        """The AMQP URL of a vhost, with guest credentials."""
        return f"amqp://guest:guest@{self.host}:{self.amqp_port}/{quote(vhost, safe='')}"

    @property
    def management_url(self) -> str | None:
        """The management HTTP API's base URL (None when the plugin is off)."""
        return f"http://{self.host}:{self.management_port}" if self.management_port else None

    def create_vhost(self, name: str) -> None:
        """Creates a vhost and gives guest full rights on it."""
        create_vhost(self._require_management(), name)

    def delete_vhost(self, name: str) -> None:
        """Deletes a vhost and everything in it (no error if it is gone)."""
        delete_vhost(self._require_management(), name)

    def start(self, *, timeout: float = 60.0) -> None:
        """Starts the node on its ports and data and waits until it accepts AMQP."""
        # Another broker on our port would answer the readiness checks in our node's place.
        busy = [port for port in self._ports() if not port_is_free(port, self.host)]
        if busy:
            raise InfraError(
                f"cannot start RabbitMQ node {self.node}: port(s) {busy} on {self.host} are in use"
            )
        self._write_config()
        with (self.base_dir / "rabbitmq-server.out").open("ab") as out:
            # A new session: Ctrl-C in the terminal must not stop a broker the tests (or `make stack`) own.
            self._proc = subprocess.Popen(
                [str(self.script)], cwd=self.base_dir, env=self._env(), stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._wait_ready(timeout)

    def stop(self, *, graceful: bool = True, timeout: float = 60.0) -> None:
        """Stops the node: SIGTERM is RabbitMQ's graceful shutdown (as `rabbitmqctl stop`); SIGKILL if not."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGTERM if graceful else signal.SIGKILL)
            if not wait_until(lambda: not process_alive(pid), timeout=timeout):
                os.kill(pid, signal.SIGKILL)
                wait_until(lambda: not process_alive(pid), timeout=10)
        if self._proc is not None:
            self._reap_wrapper(kill=pid is None)

    def _reap_wrapper(self, *, kill: bool) -> None:
        """Waits for the rabbitmq-server shell that started the VM; it exits (and reaps the VM) by itself."""
        assert self._proc is not None
        if kill:  # a node that never wrote its pid file: end the wrapper and the VM together
            os.killpg(self._proc.pid, signal.SIGKILL)
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(timeout=10)
        self._proc = None

    def restart(self, *, timeout: float = 60.0) -> None:
        """Stops gracefully and starts again on the same ports and data (durable state survives)."""
        self.stop()
        self.start(timeout=timeout)

    def pid(self) -> int | None:
        """The node's Erlang VM process id, if it runs."""
        try:
            pid = int((self.base_dir / "rabbitmq.pid").read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if process_alive(pid) and _runs_in(pid, self.base_dir) else None

    def ctl(self, *args: str) -> str:
        """Runs rabbitmqctl against this node (about a second per call: prefer the HTTP API)."""
        command = [str(self.script.parent / "rabbitmqctl"), "-n", self.node, *args]
        result = subprocess.run(command, env=self._env(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"rabbitmqctl {' '.join(args)} failed: {result.stderr or result.stdout}")
        return result.stdout

    @classmethod
    def from_dir(cls, base_dir: Path) -> LocalRabbit:
        """The node recorded in base_dir by an earlier start_rabbitmq."""
        base_dir = base_dir.resolve()
        state = read_state(base_dir)
        if "node" not in state:
            raise InfraError(f"no RabbitMQ node was started in {base_dir}")
        return cls(base_dir, find_rabbitmq_server(install=False), **state)

    def __enter__(self) -> LocalRabbit:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _ports(self) -> list[int]:
        return [self.amqp_port, self.dist_port, *([self.management_port] if self.management_port else [])]

    def _require_management(self) -> str:
        if self.management_url is None:
            raise InfraError(f"node {self.node} runs without the management plugin")
        return self.management_url

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("RABBITMQ_")}
        home = self.base_dir
        env.update(
            HOME=str(home),  # the Erlang cookie lives in $HOME: ours is private, rabbitmqctl reads the same
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS=self.host,
            RABBITMQ_NODE_PORT=str(self.amqp_port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(home / "mnesia"),
            RABBITMQ_LOG_BASE=str(home / "log"),
            RABBITMQ_PID_FILE=str(home / "rabbitmq.pid"),
            RABBITMQ_CONFIG_FILE=str(home / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(home / "enabled_plugins"),
            # Keep the host's /etc/rabbitmq (node name, advanced config) out of our node.
            RABBITMQ_CONF_ENV_FILE=str(home / "rabbitmq-env.conf"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(home / "advanced.config"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
            ERL_EPMD_ADDRESS="127.0.0.1",
        )
        return env

    def _write_config(self) -> None:
        lines = [f"listeners.tcp.default = {self.host}:{self.amqp_port}"]
        if self.management_port:
            lines += [f"management.tcp.ip = {self.host}", f"management.tcp.port = {self.management_port}"]
            lines += ["management.rates_mode = none"]
        plugins = "[rabbitmq_management]." if self.management_port else "[]."
        (self.base_dir / "rabbitmq.conf").write_text("\n".join(lines) + "\n")
        (self.base_dir / "enabled_plugins").write_text(plugins + "\n")
        state = {"node": self.node, "amqp_port": self.amqp_port, "dist_port": self.dist_port}
        write_state(self.base_dir, {**state, "management_port": self.management_port})

    def _ready(self) -> bool:
        if self.pid() is None or not amqp_answers(self.host, self.amqp_port):
            return False
        return self.management_url is None or management_answers(self.management_url)

    def _wait_ready(self, timeout: float) -> None:
        def ready_or_dead() -> bool:
            return self._ready() or (self._proc is not None and self._proc.poll() is not None)

        if wait_until(ready_or_dead, timeout=timeout) and self._ready():
            return
        exited = self._proc is not None and self._proc.poll() is not None
        reason = "exited" if exited else f"timed out after {timeout:.0f}s"
        self.stop(graceful=False)
        node_log, console = self.base_dir / "log" / f"{self.node}.log", self.base_dir / "rabbitmq-server.out"
        raise InfraError(
            f"RabbitMQ node {self.node} {reason} before accepting AMQP on {self.host}:{self.amqp_port}."
            f"\nNode log:\n{tail(node_log)}\nConsole:\n{tail(console, 20)}"
        )


def start_rabbitmq(
    base_dir: Path, *, port: int | None = None, management: bool = True, timeout: float = 60.0
) -> LocalRabbit:
    """Starts a node with its data in base_dir; reuses the node name, ports and data recorded there."""
    base_dir = base_dir.resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    state = read_state(base_dir)
    if state and (running := LocalRabbit.from_dir(base_dir)).pid() is not None:
        running._wait_ready(timeout)
        log.info("RabbitMQ node %s already running on port %s", running.node, running.amqp_port)
        return running
    amqp = port or state.get("amqp_port") or free_port()
    dist = state.get("dist_port") or free_port(exclude={amqp})
    web = (state.get("management_port") or free_port(exclude={amqp, dist})) if management else None
    node = state.get("node") or f"eschool-{secrets.token_hex(4)}@localhost"
    rabbit = LocalRabbit(base_dir, find_rabbitmq_server(), node, amqp, dist, web)
    rabbit.start(timeout=timeout)
    log.info("RabbitMQ node %s started on port %s", node, amqp)
    return rabbit


def find_rabbitmq_server(*, install: bool = True) -> Path:
    """The real rabbitmq-server script (not Debian's su wrapper); installs the package as root if absent."""
    for candidate in (shutil.which("rabbitmq-server"), *_SCRIPT_CANDIDATES):
        if candidate and Path(candidate).exists():
            script = Path(candidate).resolve()
            if script.name == "rabbitmq-script-wrapper":
                script = script.parent / "rabbitmq-server"
            return script
    if not install:
        raise InfraError("rabbitmq-server not found: `sudo apt-get install rabbitmq-server`")
    install_package("rabbitmq-server")
    return find_rabbitmq_server(install=False)


def amqp_answers(host: str, port: int) -> bool:
    """Whether an AMQP 0-9-1 broker answers the protocol header on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(_AMQP_HEADER)
            return sock.recv(1) == b"\x01"  # the first frame (connection.start) is a method frame
    except OSError:
        return False


def management_answers(management_url: str, auth: tuple[str, str] = GUEST) -> bool:
    """Whether the management HTTP API answers with these credentials."""
    try:
        response = httpx.get(f"{management_url.rstrip('/')}/api/overview", auth=auth, timeout=2)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def create_vhost(management_url: str, name: str, *, auth: tuple[str, str] = GUEST) -> None:
    """Creates a vhost through the management API and gives the user full rights on it."""
    vhost, user = quote(name, safe=""), quote(auth[0], safe="")
    with httpx.Client(base_url=management_url, auth=auth, timeout=30) as client:
        client.put(f"/api/vhosts/{vhost}").raise_for_status()
        rights = {"configure": ".*", "write": ".*", "read": ".*"}
        client.put(f"/api/permissions/{vhost}/{user}", json=rights).raise_for_status()


def delete_vhost(management_url: str, name: str, *, auth: tuple[str, str] = GUEST) -> None:
    """Deletes a vhost through the management API; a missing vhost is not an error."""
    url = f"{management_url.rstrip('/')}/api/vhosts/{quote(name, safe='')}"
    response = httpx.delete(url, auth=auth, timeout=30)
    if response.status_code != 404:
        response.raise_for_status()


def _runs_in(pid: int, base_dir: Path) -> bool:
    """Whether pid is the VM whose HOME is base_dir (a stale pid file may name a reused pid)."""
    try:
        return f"\0{base_dir}\0" in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return not Path("/proc/self").exists()  # no procfs (macOS): trust the pid file
