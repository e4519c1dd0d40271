"""The PDF of an invoice, drawn from its frozen snapshot alone, byte for byte the same each time.

Text is set in Roboto (the `font-roboto` package: Latin with Polish letters, and Cyrillic),
embedded as a subset. Money goes through `kit.money.format_money` in the snapshot's language,
times are shown in the shop's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import font_roboto
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout

from shopkeeper.invoices.labels import labels
from shopkeeper.invoices.schemas import InvoiceKind, InvoiceSnapshot, Party
from shopkeeper.kit.money import format_money

FONT = "Roboto"
_LINE_WIDTHS = (60, 12, 24, 20, 20, 18, 26)
_TAX_WIDTHS = (30, 35, 35, 35)


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, Path]:
    """Regular and bold TTF files shipped by the font-roboto package (a hard dependency)."""
    directory = Path(font_roboto.font_directory)
    return directory / "Roboto-Regular.ttf", directory / "Roboto-Bold.ttf"


def render_pdf(snapshot: InvoiceSnapshot, *, compress: bool = True) -> bytes:
    """The invoice as PDF bytes; `compress=False` leaves the text streams readable."""
    pdf = _document(snapshot, compress=compress)
    words = labels(snapshot.language)
    _header(pdf, snapshot, words)
    _parties(pdf, snapshot, words)
    _lines(pdf, snapshot, words)
    _tax_summary(pdf, snapshot, words)
    _totals(pdf, snapshot, words)
    if snapshot.footer:
        pdf.ln(6)
        pdf.set_font(FONT, size=8)
        pdf.multi_cell(0, 4, snapshot.footer)
    return bytes(pdf.output())


def _document(snapshot: InvoiceSnapshot, *, compress: bool) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    regular, bold = font_files()
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_compression(compress)
    pdf.set_creation_date(snapshot.issued_at)
    pdf.set_title(snapshot.number)
    pdf.set_author(snapshot.seller.name)
    pdf.set_lang(snapshot.language)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _header(pdf: FPDF, snapshot: InvoiceSnapshot, words: dict[str, str]) -> None:
    title = words["invoice"] if snapshot.kind is InvoiceKind.INVOICE else words["receipt"]
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, f"{title} {words['number']} {snapshot.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    zone = ZoneInfo(snapshot.timezone)
    facts = (
        (words["order"], snapshot.order_number),
        (words["issued"], _datetime(snapshot.issued_at, zone, snapshot.language)),
        (words["sold"], _date(snapshot.sold_at, zone, snapshot.language)),
    )
    for label, value in facts:
        pdf.cell(0, 5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _parties(pdf: FPDF, snapshot: InvoiceSnapshot, words: dict[str, str]) -> None:
    top = pdf.get_y()
    _party(pdf, words["seller"], snapshot.seller, words, x=15, top=top)
    seller_bottom = pdf.get_y()
    if snapshot.buyer is not None:
        _party(pdf, words["buyer"], snapshot.buyer, words, x=110, top=top)
    pdf.set_xy(15, max(seller_bottom, pdf.get_y()) + 4)


def _party(
    pdf: FPDF, title: str, party: Party, words: dict[str, str], *, x: float, top: float
) -> None:
    pdf.set_xy(x, top)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(85, 5, title, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    rows = [party.name, *party.address_lines]
    if party.tax_id:
        rows.append(f"{words['tax_id']}: {party.tax_id}")
    for row in rows:
        pdf.multi_cell(85, 4.5, row, new_x="LEFT", new_y="NEXT")


def _lines(pdf: FPDF, snapshot: InvoiceSnapshot, words: dict[str, str]) -> None:
    heading = ("item", "qty", "unit", "discount", "rate", "tax", "total")
    rows = [
        (
            line.name, str(line.quantity), _money(line.unit_amount, snapshot),
            _money(line.discount, snapshot), _rate(line.tax_rate_bp, snapshot.language),
            _money(line.tax, snapshot), _money(line.total, snapshot),
        )
        for line in snapshot.lines
    ]  # fmt: skip
    _table(pdf, [words[k] for k in heading], rows, _LINE_WIDTHS)


def _tax_summary(pdf: FPDF, snapshot: InvoiceSnapshot, words: dict[str, str]) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, words["taxes"], new_x="LMARGIN", new_y="NEXT")
    rows = [
        (_rate(row.rate_bp, snapshot.language), _money(row.net, snapshot),
         _money(row.tax, snapshot), _money(row.gross, snapshot))
        for row in snapshot.taxes
    ]  # fmt: skip
    heading = [words["rate"], words["net"], words["tax"], words["gross"]]
    _table(pdf, heading, rows, _TAX_WIDTHS)


def _totals(pdf: FPDF, snapshot: InvoiceSnapshot, words: dict[str, str]) -> None:
    totals = snapshot.totals
    rows: list[tuple[str, int]] = [(words["subtotal"], totals.subtotal)]
    if totals.discount:
        rows.append((words["discount"], -totals.discount))
    if totals.shipping:
        rows.append((words["shipping"], totals.shipping))
    rows.append((words["tax"], totals.tax))
    pdf.ln(4)
    pdf.set_font(FONT, size=9)
    for label, amount in rows:
        pdf.cell(150, 5, label, align=Align.R)
        pdf.cell(30, 5, _money(amount, snapshot), align=Align.R, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(150, 7, words["to_pay"], align=Align.R)
    pdf.cell(30, 7, _money(totals.total, snapshot), align=Align.R, new_x="LMARGIN", new_y="NEXT")


def _table(
    pdf: FPDF, heading: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> None:
    """A ruled table: the first column left-aligned (a name), the others right (figures)."""
    pdf.set_font(FONT, size=8)
    align = ("LEFT", *("RIGHT" for _ in widths[1:]))
    with pdf.table(
        col_widths=tuple(widths), width=sum(widths), align="LEFT", text_align=align,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES, line_height=5,
        headings_style=FontFace(family=FONT, emphasis="BOLD"), first_row_as_headings=True,
    ) as table:  # fmt: skip
        for values in (heading, *rows):
            row = table.row()
            for value in values:
                row.cell(value)


def _money(amount: int, snapshot: InvoiceSnapshot) -> str:
    return format_money(amount, snapshot.currency, snapshot.language)


def _rate(rate_bp: int, language: str) -> str:
    return f"{format_decimal(rate_bp / 100, locale=language)} %"


def _datetime(moment: datetime, zone: ZoneInfo, language: str) -> str:
    return str(format_datetime(moment, "medium", tzinfo=zone, locale=language))


def _date(moment: datetime, zone: ZoneInfo, language: str) -> str:
    return str(format_date(moment.astimezone(zone).date(), "medium", locale=language))
