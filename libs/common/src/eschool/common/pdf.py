"""Printable PDF documents for every service's exports (timetables, journals): an A4 page set up with a
bundled Cyrillic font, no I/O but reading that font."""

from __future__ import annotations

from importlib.resources import as_file, files

from fpdf import FPDF

PDF_MEDIA_TYPE = "application/pdf"
# Bundled rather than taken from the system: the core PDF fonts have no Cyrillic, and a server or a
# newcomer's machine need not have DejaVu installed.
FONT = "DejaVu"
MARGIN_MM = 10
_FONTS = files("eschool.common") / "fonts"


def new_pdf(title: str, *, landscape: bool = True) -> FPDF:
    """An A4 document titled ``title`` (landscape by default) with its first page added, 10 mm margins,
    page breaks on, and ``FONT`` in regular and bold."""
    pdf = FPDF(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_MM)
    pdf.set_title(title)
    pdf.set_lang("ru")
    for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
        with as_file(_FONTS / file) as path:
            pdf.add_font(FONT, style, path)
    pdf.add_page()
    return pdf
