"""The region bench/journal.py measures on, loaded straight into the journal's migrated database.

What contingent's and scheduling's events would have put in the journal's projections (org units with
their time zone, subjects, a term per school, classes, class teachers, rosters, staff, names, guardians'
links, lessons) and what teachers would have written over the term (lesson records, marks, absences),
by ``COPY`` (asyncpg ``copy_records_to_table``) in the models' column layout: ordinary schools of
``classes`` classes, and ``big_schools`` of ``big_classes`` (a whole school's term marks). Grades 2-11
(the first grade takes no marks), 12 subjects, a five-day week of six lessons, a term of ``weeks``
weeks ending before today and open. Marks take the region's work types and weights from the
``work_type`` table. History has no audit or outbox rows (the outbox is pruned after a week anyway).
The secondary indexes of the big tables are dropped for the load and built again after it.

The shapes are in bench/journal_data.py, the projections' rows in bench/journal_projections.py, the
term's lessons, records, marks and absences in bench/journal_rows.py.
"""

from __future__ import annotations

import random
import time
from datetime import date

import asyncpg
from journal_data import Dataset, Ids, Size, WorkType, term_start
from journal_projections import SUBJECTS, load_projections
from journal_rows import COLUMNS, TermHistory

BULK_TABLES = tuple(COLUMNS)
DROPPED = """SELECT c.relname AS index_name, t.relname AS table_name, pg_get_indexdef(c.oid) AS indexdef,
                  con.conname, pg_get_constraintdef(con.oid) AS condef
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
           LEFT JOIN pg_constraint con ON con.conindid = c.oid
           WHERE t.relname = ANY($1::text[])"""


async def load(conn: asyncpg.Connection, size: Size, *, seed: int = 20261201, keep: int = 40_000) -> Dataset:
    """Generate and COPY the region; ``keep`` past lessons are kept (at random) for the write lanes."""
    started = time.perf_counter()
    await conn.execute("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'")
    rng = random.Random(seed)
    ids = Ids(rng)
    work_types = {
        r["code"]: WorkType(r["work_type_id"], r["code"], r["weight"], r["multiple"])
        for r in await conn.fetch("SELECT * FROM work_type WHERE school_id IS NULL AND NOT retired")
    }
    data = Dataset(size, term_start(size.weeks, date.today()), [ids() for _ in SUBJECTS], work_types)
    await load_projections(conn, data, ids)
    indexes = await _drop_indexes(conn)
    data.seconds["projections"] = time.perf_counter() - started
    lessons_total = _lessons_total(size)
    history = TermHistory(data, ids, rng, keep / lessons_total, size.marks / lessons_total)
    for school in data.schools:
        await history.copy(conn, school)
    data.seconds["copy"] = time.perf_counter() - started - data.seconds["projections"]
    started_indexes = time.perf_counter()
    for statement in indexes:
        await conn.execute(statement)
    await conn.execute("ANALYZE")
    data.seconds["indexes_and_analyze"] = time.perf_counter() - started_indexes
    data.seconds["total"] = time.perf_counter() - started
    return data


def _lessons_total(size: Size) -> int:
    classes = size.big_schools * size.big_classes + (size.schools - size.big_schools) * size.classes
    return classes * size.weeks * size.days * size.slots


async def _drop_indexes(conn: asyncpg.Connection) -> list[str]:
    """Drop the big tables' indexes and primary keys; the statements that make them again."""
    again = []
    for row in await conn.fetch(DROPPED, list(BULK_TABLES)):
        if row["conname"] is not None:
            await conn.execute(f'ALTER TABLE {row["table_name"]} DROP CONSTRAINT "{row["conname"]}"')
            again.append(f'ALTER TABLE {row["table_name"]} ADD CONSTRAINT "{row["conname"]}" {row["condef"]}')
        else:
            await conn.execute(f'DROP INDEX "{row["index_name"]}"')
            again.append(row["indexdef"])
    return again
