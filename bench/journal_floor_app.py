"""The floor under the journal's HTTP figures: the bare layer's transactions and SELECT behind the least an
HTTP service on our stack can be. FastAPI on uvicorn (uvloop, httptools, ``gc.freeze``: as
``eschool.common.serve`` runs every service), one asyncpg pool, no authentication, no validation, no ORM,
no relay: the request's body carries the very rows the bare layer writes, the answer is a few bytes (the
diary's rows as JSON). Whatever the journal does, through the same HTTP stack it cannot be cheaper than this.

``python bench/journal_floor_app.py --port P --dsn postgresql://...`` (started by bench/journal_floor.py).
"""

from __future__ import annotations

import argparse
import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI, Request, Response
from journal_params import RAW_POOL
from journal_raw import (
    DIARY_SQL,
    INSERT_AUDIT,
    INSERT_MARK,
    INSERT_OUTBOX,
    UPSERT_ATTENDANCE,
    UPSERT_RECORD,
)

# The positions of the dates and moments in each row (JSON carries them as ISO text; asyncpg takes UUIDs as
# text as they are).
TEMPORAL: dict[str, dict[int, Any]] = {
    "mark": {7: date.fromisoformat, 13: datetime.fromisoformat},
    "audit": {10: datetime.fromisoformat},
    "outbox": {5: datetime.fromisoformat},
    "record": {2: date.fromisoformat, 6: datetime.fromisoformat},
    "attendance": {6: date.fromisoformat, 9: datetime.fromisoformat},
}


def rows(kind: str, found: list[list[Any]]) -> list[tuple[Any, ...]]:
    """The rows of one statement, their dates and moments parsed back."""
    parse = TEMPORAL[kind]
    return [tuple(parse[i](v) if i in parse else v for i, v in enumerate(row)) for row in found]


def create_app(dsn: str) -> FastAPI:
    pools: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pools["db"] = await asyncpg.create_pool(dsn, min_size=RAW_POOL, max_size=RAW_POOL)
        try:
            yield
        finally:
            await pools["db"].close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @app.post("/v1/floor/mark")
    async def mark(request: Request) -> Response:
        body = json.loads(await request.body())
        async with pools["db"].acquire() as conn, conn.transaction():
            await conn.execute(INSERT_MARK, *rows("mark", [body["mark"]])[0])
            await conn.execute(INSERT_AUDIT, *rows("audit", [body["audit"]])[0])
            await conn.execute(INSERT_OUTBOX, *rows("outbox", [body["outbox"]])[0])
        return Response(json.dumps({"mark_id": body["mark"][0]}), 201, media_type="application/json")

    @app.put("/v1/floor/lesson")
    async def lesson(request: Request) -> Response:
        body = json.loads(await request.body())
        async with pools["db"].acquire() as conn, conn.transaction():
            await conn.execute(UPSERT_RECORD, *rows("record", [body["record"]])[0])
            await conn.executemany(UPSERT_ATTENDANCE, rows("attendance", body["attendance"]))
            await conn.executemany(INSERT_MARK, rows("mark", body["marks"]))
            await conn.executemany(INSERT_AUDIT, rows("audit", body["audits"]))
            await conn.executemany(INSERT_OUTBOX, rows("outbox", body["outbox"]))
        return Response(b'{"saved":true}', media_type="application/json")

    @app.get("/v1/floor/diary")
    async def diary(request: Request) -> Response:
        first = date.fromisoformat(request.query_params["start"])
        last = date.fromordinal(first.toordinal() + 6)
        async with pools["db"].acquire() as conn:
            found = await conn.fetch(DIARY_SQL, request.query_params["pupil"], first, last)
        body = json.dumps([dict(r) for r in found], default=str, ensure_ascii=False)
        return Response(body, media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True)
    args = parser.parse_args()
    app = create_app(args.dsn)
    gc.freeze()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
