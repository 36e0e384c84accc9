"""What a homework file is, judged by its bytes (magic numbers) and never by its name or the client's
content type: pdf, doc, docx, xls, xlsx, odt, jpg, png; anything else is refused. And the name a file
keeps for display, cleaned of paths and control characters.

Word and Excel files of the old format are both OLE2 compound files: the name's extension (.doc or .xls)
decides which. A ZIP is a docx, an xlsx or an odt only by the entries it has; its directory is read,
never its contents (but an odt's ``mimetype`` entry of a few bytes), after a guard against zip bombs.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class FileType:
    """A file's canonical media type and extension (without the dot)."""

    media_type: str
    extension: str


class RefusedFile(Exception):  # noqa: N818 - a refused upload, reported to people
    """The file is none of the allowed types; the Russian reason."""


PDF = FileType("application/pdf", "pdf")
PNG = FileType("image/png", "png")
JPEG = FileType("image/jpeg", "jpg")
DOC = FileType("application/msword", "doc")
XLS = FileType("application/vnd.ms-excel", "xls")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt")
ALLOWED = "pdf, doc, docx, xls, xlsx, odt, jpg, png"
ODT_MIMETYPE = ODT.media_type.encode()
# The extensions a name may keep for its type (a JPEG may be .jpeg too).
_EXTENSIONS = {kind: {kind.extension} for kind in (PDF, PNG, DOC, XLS, DOCX, XLSX, ODT)} | {
    JPEG: {"jpg", "jpeg"}
}

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_OOXML = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
# A homework file of at most tens of megabytes unpacks to a few hundred at the most; more is a zip bomb.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_NAME = 255
_NO_NAME = "файл"


def detect(content: bytes, file_name: str) -> FileType:
    """The file's type by its bytes (``file_name`` only tells .doc from .xls), else ``RefusedFile``."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content.startswith(_OLE2):
        return _ole2(file_name)
    if content.startswith(_ZIP):
        return _zipped(content)
    raise RefusedFile(f"Файл этого типа прикрепить нельзя: допустимы {ALLOWED}")


def _ole2(file_name: str) -> FileType:
    kind = {"doc": DOC, "xls": XLS}.get(extension_of(file_name))
    if kind is None:
        raise RefusedFile("Файл Word или Excel старого формата должен называться *.doc или *.xls")
    return kind


def _zipped(content: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise RefusedFile("Архив в файле распаковывается в слишком большой объём")
            names = {entry.filename: entry for entry in entries}
            for part, kind in _OOXML:
                if part in names and "[Content_Types].xml" in names:
                    return kind
            mimetype = names.get("mimetype")
            if mimetype is not None and mimetype.file_size < 100 and archive.read(mimetype) == ODT_MIMETYPE:
                return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise RefusedFile("Файл повреждён: его не удалось прочитать") from None
    raise RefusedFile(f"Архив не является документом docx, xlsx или odt: допустимы {ALLOWED}")


def extension_of(file_name: str) -> str:
    """The name's extension in lower case, without the dot ('' without one)."""
    return PurePosixPath(file_name.replace("\\", "/")).suffix.lstrip(".").lower()


def display_name(file_name: str, kind: FileType) -> str:
    """The name kept for display: no folders, no control or invisible format characters (a right-to-left
    override would disguise the extension), at most 255 characters, ending in the type's extension."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    base = base.strip().strip(".").strip() or _NO_NAME
    stem, dot, ext = base.rpartition(".")
    if dot and stem and ext.lower() in _EXTENSIONS[kind]:
        suffix = f".{ext.lower()}"
    else:
        stem, suffix = base, f".{kind.extension}"
    return (stem[: MAX_NAME - len(suffix)].rstrip() or _NO_NAME) + suffix
