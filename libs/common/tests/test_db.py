"""Database kit: explicit commits, keyset pagination (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from toy.models import Base as ToyBase
from toy.models import Thing, ThingProjection
from toy.service import MIGRATIONS

from eschool.common.db import Database, Repository, decode_cursor, encode_cursor
from eschool.common.db.migrations import schema_drift, upgrade_async
from eschool.common.db.projection import upsert_newer
from eschool.common.errors import Problem


@pytest_asyncio.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    await upgrade_async(MIGRATIONS, db_url)
    database = Database(db_url, source="toy")
    yield database
    await database.dispose()


async def count_things(db: Database) -> int:
    async with db.uow() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(Thing))).scalar_one())


async def test_unit_of_work_without_commit_writes_nothing(db: Database) -> None:
    async with db.uow() as uow:
        uow.session.add(Thing(thing_id=uuid.uuid4(), name="не сохранено"))
        await uow.session.flush()
    async with db.uow() as uow:
        uow.session.add(Thing(thing_id=uuid.uuid4(), name="сохранено"))
        await uow.commit()
    assert await count_things(db) == 1


async def test_staged_rows_are_inserted_by_the_commit_only(db: Database) -> None:
    table = Thing.__table__
    async with db.uow() as uow:
        uow.stage(table, {"thing_id": uuid.uuid4(), "name": "брошено"})
    async with db.uow() as uow:
        uow.stage(table, {"thing_id": uuid.uuid4(), "name": "откатено"})
        await uow.rollback()
        await uow.commit()
    assert await count_things(db) == 0
    async with db.uow() as uow:
        uow.stage(table, {"thing_id": uuid.uuid4(), "name": "первая"})
        uow.stage(table, {"thing_id": uuid.uuid4(), "name": "вторая"})
        await uow.commit()
    assert await count_things(db) == 2


async def test_serialized_units_of_work_take_turns_on_sqlite_only(db: Database) -> None:
    order: list[str] = []

    async def writer(name: str, entered: asyncio.Event, go: asyncio.Event) -> None:
        async with db.uow() as uow:
            await uow.serialize()
            await uow.serialize()  # a second call in the same unit of work holds nothing more
            order.append(f"{name} in")
            entered.set()
            await go.wait()
            order.append(f"{name} out")

    first_in, second_in, go = asyncio.Event(), asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(writer("a", first_in, go))
    await first_in.wait()
    second = asyncio.create_task(writer("b", second_in, go))
    await asyncio.sleep(0.05)
    go.set()
    await asyncio.gather(first, second)
    # SQLite has no row locks: b waits for a to end. PostgreSQL leaves it to the use case's row locks.
    expected = ["a in", "a out", "b in", "b out"] if db.is_sqlite else ["a in", "b in", "a out", "b out"]
    assert order == expected
    assert not db.writer_lock.locked()


async def test_units_of_work_locking_a_common_name_take_turns_and_others_do_not_wait(db: Database) -> None:
    order: list[str] = []

    async def worker(name: str, locks: tuple[str, ...], entered: asyncio.Event, go: asyncio.Event) -> None:
        async with db.uow() as uow:
            await uow.lock(*locks)
            order.append(f"{name} in")
            entered.set()
            await go.wait()
            order.append(f"{name} out")

    a_in, b_in, c_in, go = asyncio.Event(), asyncio.Event(), asyncio.Event(), asyncio.Event()
    a = asyncio.create_task(worker("a", ("person:1", "person:2"), a_in, go))
    await a_in.wait()
    b = asyncio.create_task(worker("b", ("person:2",), b_in, go))  # shares a name with a: waits
    c = asyncio.create_task(worker("c", ("person:3",), c_in, go))  # shares none: goes in at once
    if not db.is_sqlite:
        await asyncio.wait_for(c_in.wait(), 10)
    await asyncio.sleep(0.2)
    assert not b_in.is_set()
    go.set()
    await asyncio.wait_for(asyncio.gather(a, b, c), 10)
    assert order.index("a out") < order.index("b in")
    if not db.is_sqlite:  # SQLite's writer's turn is one for all: c waits too
        assert order.index("c in") < order.index("a out")


async def test_a_commit_that_did_not_take_turns_waits_for_its_turn_rather_than_for_the_file_lock(
    db: Database,
) -> None:
    order: list[str] = []
    holding, go = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with db.uow() as uow:
            await uow.serialize()
            holding.set()
            await go.wait()
            uow.session.add(Thing(thing_id=uuid.uuid4(), name="holder"))
            await uow.commit()
            order.append("holder committed")

    async def plain() -> None:
        async with db.uow() as uow:  # never asked for a turn: a login, say
            uow.session.add(Thing(thing_id=uuid.uuid4(), name="plain"))
            await uow.commit()
            order.append("plain committed")

    first = asyncio.create_task(holder())
    await holding.wait()
    second = asyncio.create_task(plain())
    await asyncio.sleep(0.2)
    go.set()
    await asyncio.gather(first, second)
    # SQLite: in the queue behind the holder (it used to poll the file lock, and lose it to the next
    # writer taking turns). PostgreSQL: nothing to wait for.
    expected = (
        ["holder committed", "plain committed"] if db.is_sqlite else ["plain committed", "holder committed"]
    )
    assert order == expected
    assert not db.writer_lock.locked()


async def test_a_commit_that_wrote_already_or_inside_its_own_turn_does_not_wait_for_a_turn(
    db: Database,
) -> None:
    holding, done = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with db.uow() as uow:
            await uow.serialize()
            holding.set()
            await done.wait()  # reads only meanwhile: the file lock is free

    task = asyncio.create_task(holder())
    await holding.wait()
    async with db.uow() as uow:
        # It holds SQLite's file lock from this statement on: waiting now for the holder's turn would
        # deadlock the moment the holder wrote.
        await uow.session.execute(insert(Thing.__table__).values(thing_id=uuid.uuid4(), name="wrote first"))
        async with asyncio.timeout(5):
            await uow.commit()
    done.set()
    await task

    async with db.uow() as outer:
        await outer.serialize()
        async with db.uow() as inner:  # the same task's turn: no waiting for itself
            inner.session.add(Thing(thing_id=uuid.uuid4(), name="inner"))
            async with asyncio.timeout(5):  # not wait_for: it would commit in a task of its own
                await inner.commit()
    async with db.uow() as uow:
        names = set((await uow.session.scalars(select(Thing.name))).all())
    assert names == {"wrote first", "inner"}


async def test_keyset_pages_cover_every_row_once_even_while_rows_are_added(db: Database) -> None:
    names = [f"thing {i:03}" for i in range(25)]
    async with db.uow() as uow:
        uow.session.add_all(Thing(thing_id=uuid.uuid4(), name=n) for n in names)
        await uow.commit()
    seen, cursor = [], None
    while True:
        async with db.uow() as uow:
            page = await Repository(uow.session).paginate(
                select(Thing), keys=(Thing.name, Thing.thing_id), cursor=cursor, limit=10
            )
            if cursor is None:
                # A row added before the first page's end must not shift later pages.
                uow.session.add(Thing(thing_id=uuid.uuid4(), name="thing 000a"))
                await uow.commit()
        seen.extend(t.name for t in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen[:10] == names[:10]
    assert seen[10:] == names[10:]
    assert len(seen) == len(set(seen)) == 25


async def test_descending_pages(db: Database) -> None:
    async with db.uow() as uow:
        uow.session.add_all(Thing(thing_id=uuid.uuid4(), name=f"n{i}") for i in range(5))
        await uow.commit()
    async with db.uow() as uow:
        repo = Repository(uow.session)
        first = await repo.paginate(select(Thing), keys=(Thing.name,), cursor=None, limit=3, descending=True)
        second = await repo.paginate(
            select(Thing), keys=(Thing.name,), cursor=first.next_cursor, limit=3, descending=True
        )
    assert [t.name for t in first.items] == ["n4", "n3", "n2"]
    assert [t.name for t in second.items] == ["n1", "n0"]
    assert second.next_cursor is None


def test_cursor_round_trips_typed_keys() -> None:
    key = uuid.uuid4()
    assert decode_cursor(encode_cursor(["5 Б", key, 3]), width=3) == ["5 Б", key, 3]


@pytest.mark.parametrize("cursor", ["not-base64!!", encode_cursor([1, 2]), "eyJ4Ijox"])
def test_forged_cursor_is_a_400_naming_the_field(cursor: str) -> None:
    with pytest.raises(Problem) as caught:
        decode_cursor(cursor, width=3)
    assert caught.value.status == 400
    assert caught.value.errors[0].field == "query.cursor"


async def test_projection_keeps_the_newest_version_whatever_the_arrival_order(db: Database) -> None:
    table = ThingProjection.__table__
    thing_id = uuid.uuid4()

    async def apply(name: str, version: int) -> bool:
        async with db.uow() as uow:
            applied = await upsert_newer(
                uow.session,
                table,
                {"thing_id": thing_id, "name": name, "source_version": version},
                key=("thing_id",),
            )
            await uow.commit()
        return applied

    assert await apply("renamed twice", 3)  # the newest fact arrives first
    assert not await apply("original", 1)  # older facts arrive late: nothing changes
    assert not await apply("renamed twice", 3)  # a redelivery of the same version: nothing changes
    assert await apply("renamed thrice", 4)
    async with db.uow() as uow:
        row = await uow.session.get(ThingProjection, thing_id)
    assert row is not None
    assert (row.name, row.source_version) == ("renamed thrice", 4)


async def test_projection_upsert_needs_key_and_version(db: Database) -> None:
    async with db.uow() as uow:
        with pytest.raises(ValueError, match="version column"):
            await upsert_newer(
                uow.session, ThingProjection.__table__, {"thing_id": uuid.uuid4()}, key=("thing_id",)
            )


async def test_schema_drift_is_empty_for_matching_models_and_names_what_differs(db_url: str) -> None:
    assert await schema_drift(MIGRATIONS, db_url, ToyBase.metadata) == []
    # A model added without its migration is caught before any deployment.
    ahead = MetaData(naming_convention=ToyBase.metadata.naming_convention)
    for table in ToyBase.metadata.tables.values():
        table.to_metadata(ahead)
    Table("forgotten", ahead, Column("forgotten_id", Integer, primary_key=True))
    drift = await schema_drift(MIGRATIONS, db_url, ahead)
    assert [(change[0], change[1].name) for change in drift] == [("add_table", "forgotten")]


async def test_connections_killed_under_the_pool_are_replaced_without_failing_a_request(pg_url: str) -> None:
    """A database restart leaves the pool's connections dead: the ping at checkout replaces them (SQLite
    has no server connections to lose)."""
    await upgrade_async(MIGRATIONS, pg_url)
    db = Database(pg_url, source="toy")
    try:
        await _survives_killed_connections(db)
    finally:
        await db.dispose()


async def _survives_killed_connections(db: Database) -> None:

    async def backend() -> int:
        async with db.uow() as uow:
            return int((await uow.session.execute(select(func.pg_backend_pid()))).scalar_one())

    pooled = {await backend() for _ in range(3)}
    other = Database(db.url, source="toy")
    try:
        async with other.engine.connect() as conn:
            # Every other backend of this database: what a restart does to the pool's connections.
            ended = await conn.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert ended.scalar_one() >= len(pooled)
    finally:
        await other.dispose()
    assert await count_things(db) == 0  # would fail on a dead connection without the ping
    assert await backend() not in pooled
    async with db.reader() as uow:
        assert (await uow.session.execute(select(func.count()).select_from(Thing))).scalar_one() == 0


async def test_a_reader_sees_what_is_committed_without_a_transaction_and_writes_nothing(db: Database) -> None:
    async with db.uow() as uow:
        uow.session.add(Thing(thing_id=uuid.uuid4(), name="прочитано"))
        await uow.commit()
    async with db.reader() as uow:
        assert (await uow.session.execute(select(Thing.name))).scalars().all() == ["прочитано"]
        if not db.is_sqlite:
            # No transaction around the reader's statements on PostgreSQL (no BEGIN, no ROLLBACK): a
            # savepoint has nothing to mark.
            with pytest.raises(DBAPIError, match="transaction blocks"):
                await uow.session.execute(text("SAVEPOINT probe"))
        uow.stage(Thing.__table__, {"thing_id": uuid.uuid4(), "name": "не пишется"})
        with pytest.raises(RuntimeError, match="writes nothing"):
            await uow.commit()
    assert await count_things(db) == 1
