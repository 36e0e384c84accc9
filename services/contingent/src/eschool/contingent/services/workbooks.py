"""What the imports and exports of workbooks share: reading and writing off the event loop, the refusal of
a file with errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from anyio import to_thread

from eschool.common.errors import FieldError, Problem, unprocessable
from eschool.contingent.domain.xlsx import ImportReport, UnreadableFile

T = TypeVar("T")


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in a worker thread: openpyxl parses and writes on the CPU, and the event loop keeps
    answering other requests meanwhile."""
    return await to_thread.run_sync(work, *args)


async def read_upload(read: Callable[[bytes], T], content: bytes) -> T:
    """The upload read by ``read`` off the event loop; a file it cannot read is 422 with the reason."""
    try:
        return await off_loop(read, content)
    except UnreadableFile as error:
        raise unprocessable("import_file_unreadable", str(error)) from None


def refused_import(report: ImportReport, detail: str, *, whole: str = "file") -> Problem:
    """The 422 of a file with errors: the report, and each error as a field ``file.<row>.<field>``
    (``whole`` stands for the row of an error about the file as a whole)."""
    problem = unprocessable("import_file_invalid", detail)
    problem.extra["report"] = report.as_dict()
    problem.errors.extend(
        FieldError(f"file.{whole if e.row is None else e.row}.{e.field}", e.code, e.message)
        for e in report.errors
    )
    return problem
