"""Where the test servers come from: env vars, else Docker (testcontainers), else private local binaries."""

from __future__ import annotations

import functools
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from eschool.common.infra import InfraError, LocalRabbit, start_postgres, start_rabbitmq
from eschool.common.infra import partners as rmq_partners
from eschool.common.infra import postgres as pg
from eschool.common.infra import rabbitmq as rmq
from eschool.common.infra.ports import wait_until

log = logging.getLogger("eschool.testing")

POSTGRES_ENV = "ESCHOOL_TEST_POSTGRES_URL"
AMQP_ENV = "ESCHOOL_TEST_AMQP_URL"
MANAGEMENT_ENV = "ESCHOOL_TEST_RABBITMQ_MANAGEMENT_URL"
POSTGRES_IMAGE = "postgres:16-alpine"
RABBITMQ_IMAGE = "rabbitmq:3.13-management-alpine"

Source = Literal["env", "docker", "binaries"]


def random_name(prefix: str = "t") -> str:
    """A random database or vhost name, safe unquoted in SQL and URLs."""
    return f"{prefix}_{secrets.token_hex(6)}"


@dataclass
class PostgresServer:
    """A PostgreSQL server where tests may create and drop databases."""

    admin_url: str
    source: Source

    @property
    def admin_database(self) -> str:
        """The database the admin URL connects to."""
        return urlsplit(self.admin_url).path.lstrip("/") or "postgres"

    def url(self, database: str, driver: str | None = "asyncpg") -> str:
        """A SQLAlchemy URL of a database on this server (a plain DSN when driver is None)."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return urlunsplit(urlsplit(self.admin_url)._replace(scheme=scheme, path="/" + quote(database)))

    async def create_database(self, name: str) -> None:
        """Creates an empty database."""
        await pg.create_database(self._admin_dsn(), name)

    async def drop_database(self, name: str) -> None:
        """Drops a database, closing whatever is still connected to it."""
        await pg.drop_database(self._admin_dsn(), name)

    def _admin_dsn(self) -> str:
        return self.url(self.admin_database, driver=None)


@dataclass
class RabbitServer:
    """A RabbitMQ broker for tests: vhosts per test if its management API answers; restartable if private."""

    base_url: str
    management_url: str | None
    source: Source
    local: LocalRabbit | None = None

    @property
    def restartable(self) -> bool:
        """Whether restart() works (only for a private node started from binaries)."""
        return self.local is not None

    @property
    def supports_vhosts(self) -> bool:
        """Whether create_vhost works (the management API answers)."""
        return self.management_url is not None

    @property
    def management_admin_url(self) -> str:
        """The management API's URL with the admin's credentials in it, as the operator's commands take it."""
        user, password = (quote(part, safe="") for part in self._auth())
        parts = urlsplit(self._require_management())
        return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.netloc}"))

    def amqp_url(self, vhost: str | None = None) -> str:
        """The AMQP URL of a vhost (None: the base URL's own vhost)."""
        if vhost is None:
            return self.base_url
        return urlunsplit(urlsplit(self.base_url)._replace(path="/" + quote(vhost, safe="")))

    def create_vhost(self, name: str) -> None:
        """Creates a vhost the URL's user may use fully."""
        rmq.create_vhost(self._require_management(), name, auth=self._auth())

    def delete_vhost(self, name: str) -> None:
        """Deletes a vhost with its queues and messages."""
        rmq.delete_vhost(self._require_management(), name, auth=self._auth())

    def create_partner_account(self, vhost: str, partner: str, password: str) -> str:
        """Creates a partner's broker user with only its rights on the vhost; returns the user's name."""
        return rmq_partners.create_partner_account(
            self._require_management(), vhost, partner, password, auth=self._auth()
        )

    def delete_partner_account(self, partner: str) -> None:
        """Deletes a partner's broker user (users outlive vhosts: a test deletes the ones it made)."""
        rmq_partners.delete_partner_account(self._require_management(), partner, auth=self._auth())

    def restart(self) -> None:
        """Stops the broker gracefully and starts it again on the same ports and data."""
        if self.local is None:
            raise InfraError(f"a {self.source} broker cannot be restarted by the tests")
        self.local.restart()

    def _auth(self) -> tuple[str, str]:
        parts = urlsplit(self.management_url or "")
        if parts.username:
            return unquote(parts.username), unquote(parts.password or "")
        amqp = urlsplit(self.base_url)
        return unquote(amqp.username or "guest"), unquote(amqp.password or "guest")

    def _require_management(self) -> str:
        if self.management_url is None:
            raise InfraError(f"no management API answers for {self.source} broker {self.base_url}")
        parts = urlsplit(self.management_url)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))  # credentials go in auth


@contextmanager
def fresh_vhost(server: RabbitServer) -> Iterator[str]:
    """A new vhost's URL, deleted afterwards; the base vhost when the broker cannot make vhosts."""
    if not server.supports_vhosts:
        yield server.amqp_url()
        return
    name = random_name()
    server.create_vhost(name)
    try:
        yield server.amqp_url(name)
    finally:
        server.delete_vhost(name)


@functools.cache
def docker_available() -> bool:
    """Whether a Docker engine answers (checked once, quickly)."""
    try:
        import docker  # slow to import: only when no env var decides

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # any failure means "no usable engine"; the binaries are the fallback
        return False


def postgres_source() -> Source:
    """Where pg_server will come from."""
    if os.environ.get(POSTGRES_ENV):
        return "env"
    return "docker" if docker_available() else "binaries"


def rabbit_source() -> Source:
    """Where amqp_server will come from."""
    if os.environ.get(AMQP_ENV):
        return "env"
    return "docker" if docker_available() else "binaries"


def provide_postgres() -> AbstractContextManager[PostgresServer]:
    """The session's PostgreSQL server, from the first source that is available."""
    source = postgres_source()
    if source == "env":
        return nullcontext(PostgresServer(os.environ[POSTGRES_ENV], "env"))
    return _postgres_container() if source == "docker" else local_postgres()


def provide_rabbit() -> AbstractContextManager[RabbitServer]:
    """The session's RabbitMQ broker, from the first source that is available."""
    source = rabbit_source()
    if source == "env":
        return nullcontext(_external_rabbit(os.environ[AMQP_ENV], os.environ.get(MANAGEMENT_ENV)))
    return _rabbit_container() if source == "docker" else local_rabbit()


@contextmanager
def local_postgres() -> Iterator[PostgresServer]:
    """A throwaway server from the installed binaries (fsync off), removed afterwards."""
    with _throwaway_dir("eschool-pg-") as base_dir:
        server = start_postgres(base_dir, fsync=False)
        try:
            yield PostgresServer(server.url("postgres", driver=None), "binaries")
        finally:
            server.stop(immediate=True)


@contextmanager
def local_rabbit() -> Iterator[RabbitServer]:
    """A throwaway restartable node from the installed binaries, removed afterwards."""
    with _throwaway_dir("eschool-rabbitmq-") as base_dir:
        node = start_rabbitmq(base_dir)
        try:
            yield RabbitServer(node.amqp_url(), node.management_url, "binaries", local=node)
        finally:
            node.stop(graceful=False)


@contextmanager
def _throwaway_dir(prefix: str) -> Iterator[Path]:
    base_dir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield base_dir
    finally:
        shutil.rmtree(base_dir, ignore_errors=True)


def _external_rabbit(amqp_url: str, management_url: str | None) -> RabbitServer:
    parts = urlsplit(amqp_url)
    management_url = management_url or f"http://{parts.hostname}:15672"
    server = RabbitServer(amqp_url, management_url, "env")
    if not rmq.management_answers(server._require_management(), server._auth()):
        log.warning("no management API at %s: tests share the vhost of %s", management_url, AMQP_ENV)
        server.management_url = None
    return server


@contextmanager
def _postgres_container() -> Iterator[PostgresServer]:
    try:  # testcontainers 4.9+ moved the module; imported here because only Docker runs need it
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:
        from testcontainers.postgres import PostgresContainer

    container = PostgresContainer(POSTGRES_IMAGE, driver=None)
    with container.with_command("postgres -c fsync=off -c max_connections=200"):
        yield PostgresServer(container.get_connection_url(), "docker")


@contextmanager
def _rabbit_container() -> Iterator[RabbitServer]:
    from testcontainers.core.container import DockerContainer

    with DockerContainer(RABBITMQ_IMAGE).with_exposed_ports(5672, 15672) as container:
        host = container.get_container_host_ip()
        amqp, web = container.get_exposed_port(5672), container.get_exposed_port(15672)
        server = RabbitServer(f"amqp://guest:guest@{host}:{amqp}/", f"http://{host}:{web}", "docker")

        def ready() -> bool:
            return rmq.amqp_answers(host, int(amqp)) and rmq.management_answers(server._require_management())

        if not wait_until(ready, timeout=120):
            raise InfraError(f"RabbitMQ container did not get ready:\n{container.get_logs()[0][-3000:]!r}")
        yield server
