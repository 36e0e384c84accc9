"""Homework files judged by their bytes: the allowed types recognised whatever they are called, anything
else refused, zip bombs refused unopened, and names cleaned for display."""

from __future__ import annotations

import io
import zipfile

import pytest

from eschool.journal.domain import file_types
from eschool.journal.domain.file_types import (
    DOC,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLS,
    XLSX,
    RefusedFile,
    detect,
    display_name,
)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zipped(entries: dict[str, bytes]) -> bytes:
    """A ZIP archive of the entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


DOCX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT_BYTES = zipped({"mimetype": ODT.media_type.encode(), "content.xml": b"<office:document-content/>"})


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a.pdf", PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.png", PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.jpeg", JPEG),
        (OLE2, "Задание.doc", DOC),
        (OLE2, "Таблица.XLS", XLS),
        (DOCX_BYTES, "a.docx", DOCX),
        (XLSX_BYTES, "a.xlsx", XLSX),
        (ODT_BYTES, "a.odt", ODT),
        # The bytes decide, whatever the name says.
        (b"%PDF-1.7", "scan.png", PDF),
        (DOCX_BYTES, "no extension", DOCX),
    ],
)
def test_the_allowed_types_are_recognised_by_their_bytes(content: bytes, name: str, kind: object) -> None:
    assert detect(content, name) == kind


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "homework.pdf"),  # a program renamed
        (b"just some text", "notes.txt"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "page.pdf"),
        (zipped({"a.txt": b"hello"}), "archive.docx"),  # a zip that is no document
        (zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "a.odt"),
        (b"PK\x03\x04broken", "a.docx"),
        (OLE2, "a.ppt"),  # OLE2 but neither .doc nor .xls
        (b"", "empty.pdf"),
    ],
)
def test_anything_else_is_refused_with_a_russian_reason(content: bytes, name: str) -> None:
    with pytest.raises(RefusedFile) as refused:
        detect(content, name)
    assert any("а" <= ch <= "я" for ch in str(refused.value).lower())


def test_a_zip_bomb_is_refused_by_its_directory_unopened(monkeypatch: pytest.MonkeyPatch) -> None:
    # The limit lowered so the test packs kilobytes, not hundreds of megabytes, of zeros.
    monkeypatch.setattr(file_types, "MAX_UNPACKED_BYTES", 64 * 1024)
    bomb = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (65 * 1024)})
    assert len(bomb) < 1024
    with pytest.raises(RefusedFile, match="слишком большой"):
        detect(bomb, "bomb.docx")
    many = zipped({f"{i}.xml": b"" for i in range(2001)})
    with pytest.raises(RefusedFile, match="слишком большой"):
        detect(many, "many.docx")


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("Задание № 5.docx", DOCX, "Задание № 5.docx"),
        ("C:\\Users\\teacher\\Desktop\\Задание.PDF", PDF, "Задание.pdf"),
        ("../../etc/passwd", PDF, "passwd.pdf"),
        ("photo.jpeg", JPEG, "photo.jpeg"),
        ("report.pdf", PNG, "report.pdf.png"),  # the name's extension follows the bytes
        ("evil\u202egpj.exe", PDF, "evilgpj.exe.pdf"),  # a right-to-left override is dropped
        ("line\nbreak\x00.doc", DOC, "linebreak.doc"),
        ("   ", PDF, "файл.pdf"),
        (".docx", DOCX, "docx.docx"),
    ],
)
def test_names_are_cleaned_for_display(name: str, kind: object, shown: str) -> None:
    assert display_name(name, kind) == shown  # type: ignore[arg-type]


def test_a_long_name_is_cut_keeping_its_extension() -> None:
    shown = display_name("а" * 1000 + ".xlsx", XLSX)
    assert len(shown) == 255
    assert shown.endswith("а.xlsx")
