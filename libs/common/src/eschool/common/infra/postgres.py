"""A private PostgreSQL server in a directory: initdb once, start on a free port, stop fast."""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import asyncpg

from eschool.common.infra.ports import (
    InfraError,
    free_port,
    install_package,
    log,
    read_state,
    tail,
    write_state,
)

# A unix socket path longer than this does not fit in sockaddr_un; TCP is enough for us then.
_MAX_SOCKET_DIR = 90


@dataclass
class LocalPostgres:
    """A PostgreSQL server owned by this process tree, its data in base_dir/data, trust auth."""

    base_dir: Path
    bindir: Path
    port: int
    host: str = "127.0.0.1"
    user: str = "postgres"

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        """The server's log."""
        return self.base_dir / "postgres.log"

    def url(self, database: str = "postgres", driver: str | None = "asyncpg") -> str:
        """A SQLAlchemy URL (plain libpq/asyncpg DSN when driver is None)."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{database}"

    def is_running(self) -> bool:
        """Whether the postmaster of this data directory is alive."""
        return self.data_dir.is_dir() and _pg_ctl(self, "status").returncode == 0

    def stop(self, *, immediate: bool = False) -> None:
        """Stops the server: fast shutdown, or immediate (crash-like) for throwaway data."""
        if not self.is_running():
            return
        result = _pg_ctl(self, "stop", "-w", "-t", "60", "-m", "immediate" if immediate else "fast")
        if result.returncode != 0:
            raise InfraError(f"pg_ctl stop failed: {result.stderr or result.stdout}")

    async def create_database(self, name: str) -> bool:
        """Creates a database unless it exists; True when it was created."""
        return await create_database(self.url(driver=None), name)

    async def drop_database(self, name: str) -> None:
        """Drops a database, closing its connections."""
        await drop_database(self.url(driver=None), name)

    @classmethod
    def from_dir(cls, base_dir: Path) -> LocalPostgres:
        """The server recorded in base_dir by an earlier start_postgres."""
        base_dir = base_dir.resolve()
        state = read_state(base_dir)
        if "port" not in state:
            raise InfraError(f"no PostgreSQL was started in {base_dir}")
        return cls(base_dir, find_bindir(install=False), int(state["port"]))

    def __enter__(self) -> LocalPostgres:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_postgres(
    base_dir: Path, *, port: int | None = None, fsync: bool = True, timeout: int = 60
) -> LocalPostgres:
    """Starts (initialising once) a server in base_dir; reuses its remembered port and a running server."""
    base_dir = base_dir.resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    server = LocalPostgres(base_dir, find_bindir(), port or read_state(base_dir).get("port") or free_port())
    _give_to_postgres(base_dir)
    if not (server.data_dir / "PG_VERSION").exists():
        _initdb(server, fsync=fsync)
    if server.is_running():
        server.port = _running_port(server) or server.port
        log.info("PostgreSQL already running in %s on port %s", base_dir, server.port)
        return server
    write_state(base_dir, {"port": server.port})
    log_file, options = str(server.log_file), _options(server, fsync)
    result = _pg_ctl(server, "start", "-w", "-t", str(timeout), "-l", log_file, "-o", options)
    if result.returncode != 0:
        output = result.stdout + result.stderr
        raise InfraError(f"PostgreSQL did not start in {base_dir}:\n{output}\n{tail(server.log_file)}")
    log.info("PostgreSQL started in %s on port %s", base_dir, server.port)
    return server


def find_bindir(*, install: bool = True) -> Path:
    """The directory of initdb/pg_ctl: pg_config's, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    for candidate in _bindir_candidates():
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    if not install:
        raise InfraError("PostgreSQL server (initdb, pg_ctl) not found: `sudo apt-get install postgresql`")
    install_package("postgresql")
    return find_bindir(install=False)


def _bindir_candidates() -> list[Path]:
    candidates = []
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(result.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name))
    candidates.extend(reversed(versions))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    return candidates


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def _initdb(server: LocalPostgres, *, fsync: bool) -> None:
    command = [str(server.bindir / "initdb"), "-D", str(server.data_dir), "-U", server.user, "-A", "trust"]
    command += ["-E", "UTF8", *_locale_args(), "--no-instructions"] + ([] if fsync else ["--no-sync"])
    result = _run(command, server.base_dir)
    if result.returncode != 0:
        hint = " (as root the postgres user must be able to reach this path)" if os.geteuid() == 0 else ""
        raise InfraError(f"initdb failed in {server.base_dir}{hint}:\n{result.stderr}")


def _locale_args() -> list[str]:
    # C.UTF-8 keeps upper()/lower() right for Cyrillic names and sorts independently of the host's locale.
    result = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
    available = {name.lower().replace("-", "") for name in result.stdout.split()}
    return ["--locale=C.UTF-8"] if "c.utf8" in available else ["--no-locale"]


def _options(server: LocalPostgres, fsync: bool) -> str:
    socket_dir = str(server.base_dir) if len(str(server.base_dir)) <= _MAX_SOCKET_DIR else ""
    options = ["-p", str(server.port), "-h", server.host, "-k", socket_dir, "-c", "max_connections=200"]
    if not fsync:
        options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    return shlex.join(options)


def _pg_ctl(server: LocalPostgres, *args: str) -> subprocess.CompletedProcess[str]:
    return _run([str(server.bindir / "pg_ctl"), "-D", str(server.data_dir), *args], server.base_dir)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, **_as_postgres())


def _as_postgres() -> dict[str, Any]:
    """Run-as arguments for subprocess: PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise InfraError("running as root needs a `postgres` user: `apt-get install postgresql`") from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _give_to_postgres(base_dir: Path) -> None:
    if os.geteuid() != 0:
        return
    user = _as_postgres()
    if base_dir.stat().st_uid == user["user"]:
        return
    for path in [base_dir, *base_dir.rglob("*")]:
        os.chown(path, user["user"], user["group"], follow_symlinks=False)


def _running_port(server: LocalPostgres) -> int | None:
    lines = (server.data_dir / "postmaster.pid").read_text().splitlines()
    return int(lines[3]) if len(lines) > 3 and lines[3].isdigit() else None


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def create_database(admin_dsn: str, name: str) -> bool:
    """Creates a database unless it exists; True when it was created."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await conn.execute(f"CREATE DATABASE {_quote_ident(name)}")
        return True
    finally:
        await conn.close()


async def drop_database(admin_dsn: str, name: str) -> None:
    """Drops a database if it exists, terminating its connections (PostgreSQL 13+)."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")
    finally:
        await conn.close()
