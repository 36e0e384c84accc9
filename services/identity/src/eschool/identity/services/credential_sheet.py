"""The sheet of issued credentials the class teacher (or the school's administrator) prints and hands out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from eschool.common.auth import ROLE_TITLES
from eschool.identity.services.credentials import Issued

HEADERS = ("№", "ФИО", "Класс", "Роль", "Логин", "Временный пароль")
WIDTHS = (5, 40, 8, 34, 24, 20)
NOTE = "Временный пароль действует до первого входа: система попросит сразу заменить его своим."


def credential_sheet(issued: Sequence[Issued], *, issued_at: datetime) -> bytes:
    """The workbook as bytes: one row per person, the note about the one-time password on top."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Доступ"
    sheet.append([f"Логины и временные пароли, выданы {issued_at:%d.%m.%Y %H:%M} (UTC)"])
    sheet.append([NOTE])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for number, item in enumerate(issued, start=1):
        person = item.person
        sheet.append(
            [
                number,
                person.full_name,
                person.class_label or "",
                ROLE_TITLES[person.role],
                item.login,
                item.password,
            ]
        )
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
