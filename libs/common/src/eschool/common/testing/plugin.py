"""Pytest plugin: registers the eschool fixtures (PostgreSQL and RabbitMQ started only when requested, and
an identity that signs access tokens).

Every pytest run loads this plugin, so the server code and its clients are imported inside the fixtures:
unit-test-only runs do not pay for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    from eschool.common.testing.auth import TestIdentity
    from eschool.common.testing.servers import PostgresServer, RabbitServer


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server: ESCHOOL_TEST_POSTGRES_URL, else Docker, else local binaries."""
    from eschool.common.testing import servers

    with servers.provide_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A service's migrations run once per session and database kind: each test's fresh database is a
    copy of the migrated template (``eschool.common.testing.templates``)."""
    from eschool.common.db import migrations
    from eschool.common.testing.templates import MigratedTemplates

    migrations.fresh_database_shortcut = MigratedTemplates(tmp_path_factory.mktemp("templates")).materialize
    yield
    migrations.fresh_database_shortcut = None


@pytest_asyncio.fixture(loop_scope="session")
async def pg_url(pg_server: PostgresServer, migrated_templates: None) -> AsyncIterator[str]:
    """A fresh empty database for this test, as a SQLAlchemy asyncpg URL; dropped afterwards."""
    from eschool.common.testing import servers

    name = servers.random_name()
    await pg_server.create_database(name)
    yield pg_server.url(name)
    await pg_server.drop_database(name)


@pytest.fixture(scope="session")
def amqp_server() -> Iterator[RabbitServer]:
    """The session's RabbitMQ broker: ESCHOOL_TEST_AMQP_URL, else Docker, else local binaries."""
    from eschool.common.testing import servers

    with servers.provide_rabbit() as server:
        yield server


@pytest.fixture(scope="session")
def private_amqp_server() -> Iterator[RabbitServer]:
    """A restartable broker from the local binaries, for when the session's broker is not private."""
    from eschool.common.testing import servers

    with servers.local_rabbit() as server:
        yield server


@pytest.fixture
def amqp_url(amqp_server: RabbitServer) -> Iterator[str]:
    """A fresh vhost for this test (deleted afterwards); the URL's own vhost if the broker can't make one."""
    from eschool.common.testing import servers

    with servers.fresh_vhost(amqp_server) as url:
        yield url


@pytest.fixture
def restartable_amqp(request: pytest.FixtureRequest) -> Iterator[tuple[RabbitServer, str]]:
    """A broker the test may restart() and a fresh vhost's URL on it."""
    from eschool.common.testing import servers

    # Looked up by name so that a Docker or external session broker is not started just to be passed over.
    name = "amqp_server" if servers.rabbit_source() == "binaries" else "private_amqp_server"
    server: RabbitServer = request.getfixturevalue(name)
    with servers.fresh_vhost(server) as url:
        yield server, url


@pytest.fixture
def test_identity() -> TestIdentity:
    """Identity for this test: signs tokens, serves its JWKS, install()s a verifier on an app under test."""
    from eschool.common.testing.auth import TestIdentity

    return TestIdentity()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: None) -> str:
    """A fresh database of each kind a service runs on: SQLite (embedded mode) and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
    # Resolved here, in a sync fixture, so it works whether pg_url is sync or async.
    url: str = request.getfixturevalue("pg_url")
    return url
