"""Cells of the CSV and Excel files FloodPost writes: never a formula, never cut short.

A feature named ``=cmd|' /C calc'!A0`` must reach a spreadsheet as text. A
spreadsheet program treats a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula (OWASP "CSV injection"), so every
tabular output goes through this module:

- CSV: such text gets a leading apostrophe, as OWASP recommends; FloodPost's
  own CSV import takes it off again (:func:`unguard`), so a round trip gives
  back the text as it was.
- XLSX: such text is written as a string cell with Excel's "quote prefix"
  style (what Excel itself stores when a user types ``'=...``): the cell shows
  the text exactly, and stays text when edited.

Numbers stay numbers (−5 is a number, the text ``-5+3`` is neutralised), and
GIS formats are not touched: they have no formulas. Excel holds at most
32,767 characters in a cell; a longer value stops the export with the row
and column rather than being cut. Pure Python, no Qt.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from floodpost.data.atomic import OutputError, write_failure

#: Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Longest text Excel keeps in one cell.
XLSX_CELL_LIMIT = 32767


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A value fit for a CSV cell: formula-like text gets a leading apostrophe.

    Examples
    --------
    >>> csv_cell("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> csv_cell(-5), csv_cell("-5+3"), csv_cell("东山滑坡")
    (-5, "'-5+3", '东山滑坡')
    """
    # text already starting with apostrophes before a formula sign gets one more, so that
    # unguard() gives every text back exactly
    return "'" + value if is_formula_like(value.lstrip("'") if isinstance(value, str) else value) else value


def unguard(value: Any) -> Any:
    """Undo :func:`csv_cell` for FloodPost's own CSV read back in: ``unguard(csv_cell(t)) == t``."""
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value.lstrip("'")):
        return value[1:]
    return value


def column_letter(index: int) -> str:
    """Excel's name of the zero-based column ``index`` (0 → A, 27 → AB)."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _plain(value: Any) -> Any:
    """Python scalars for openpyxl and csv: no numpy types, NaN/NA as empty."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with suppress(ValueError, TypeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def write_csv(
    path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[Any]],
    *, encoding: str = "utf-8-sig",
) -> None:
    """Write a CSV with every text cell passed through :func:`csv_cell`.

    ``encoding`` ``utf-8-sig`` puts a BOM in front, so that Excel on a
    Chinese Windows opens UTF-8 as UTF-8.
    """
    with open(path, "w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow([csv_cell(h) for h in header])
        for row in rows:
            out.writerow([_csv_text(v) for v in row])


def _csv_text(value: Any) -> Any:
    value = _plain(value)
    return "" if value is None else csv_cell(value)


def write_xlsx(
    path: str | os.PathLike[str] | BinaryIO,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    shown: str | os.PathLike[str],  # the file the user asked for, named in errors
    widths: Sequence[float] | None = None,
    wrap_columns: Iterable[int] = (),
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write one sheet: bold header, frozen first row, no formula cells.

    Text that looks like a formula is a string cell with the quote-prefix
    style; text Excel cannot hold (control characters) is left out of the
    cell; text longer than :data:`XLSX_CELL_LIMIT` raises
    :class:`~floodpost.data.atomic.OutputError` naming ``shown`` (the file
    the user asked for), the sheet row and the column. ``progress(i)`` is
    called before each row, so a caller can cancel by raising.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_sheet_title(sheet_title))
    if widths:
        for i, width in enumerate(widths):
            sheet.column_dimensions[column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = set(wrap_columns)

    def cell(value: Any, row: int, col: int) -> Any:
        value = _plain(value)
        if isinstance(value, (datetime, date)) or not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > XLSX_CELL_LIMIT:
            raise OutputError(
                shown,
                f"row {row}, column {column_letter(col)} ({header[col]}) holds {len(value):,} characters; "
                f"an Excel cell holds at most {XLSX_CELL_LIMIT:,} (export as CSV or GeoPackage instead)",
            )
        formula = value.startswith(FORMULA_STARTS)
        multiline = col in wrapped and "\n" in value
        if not formula and not multiline:
            return value
        c = WriteOnlyCell(sheet, value=value)
        c.data_type = "s"  # text, never a formula
        if formula:
            c.quotePrefix = True
        if multiline:
            c.alignment = wrap
        return c

    try:
        head = []
        for title in header:
            c = WriteOnlyCell(sheet, value=title)
            c.font = Font(bold=True)
            head.append(c)
        sheet.append(head)
        for i, row in enumerate(rows):
            if progress is not None:
                progress(i)
            sheet.append([cell(v, i + 2, j) for j, v in enumerate(row)])
        # Saved to memory first: openpyxl leaves its ZipFile open when the disk fills, and
        # its destructor would print a second, ignored error after ours.
        buf = io.BytesIO()
        wb.save(buf)
    except (OutputError, InterruptedError):
        raise
    except Exception as exc:
        # the sheet streams through a temporary file: lxml says "IO_ENOSPC" when that disk fills
        if isinstance(exc, OSError) or type(exc).__name__ == "SerialisationError":
            raise write_failure(shown, exc) from exc
        raise
    finally:
        # a write-only sheet streams through a temporary file; close it even on failure
        for ws in wb.worksheets:
            with suppress(Exception):
                ws.close()
    if isinstance(path, (str, os.PathLike)):
        with open(path, "wb") as fh:
            fh.write(buf.getbuffer())
    else:
        path.write(buf.getbuffer())


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, "_")
    return (title or "Sheet1")[:31]


def verify_xlsx(path: Path) -> None:
    """Raise if ``path`` is not a complete workbook (a zip whose members read back)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError) as exc:
        raise OSError(f"the workbook written does not read back ({exc})") from exc
    if bad is not None:
        raise OSError(f"the workbook written is damaged ({bad})")
