"""The suite's one XLSX writer: streamed, constant memory, text stays text.

Every export of the suite (competitive analysis, list members, import error
reports) goes through :func:`write_xlsx`. Strings are always written as text
cells, so a value such as ``=HYPERLINK(...)``, ``+1``, ``-2`` or ``@SUM`` can
never turn into a formula when the file is opened.
"""

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_MAX = 31
_BOLD = Font(bold=True)


def _cell(sheet, value, bold=False):
    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would store a string starting with "=" as a formula.
        cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    return cell


def write_xlsx(sheets):
    """Return the bytes of a workbook built from ``sheets``.

    ``sheets`` is an iterable of ``(title, header, rows)`` where ``header`` is a
    list of column titles and ``rows`` any iterable (a generator is fine) of
    sequences of values: str, int, float, bool, date, datetime or None.
    Rows are written as they come, so memory does not grow with their number.
    """
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:_SHEET_TITLE_MAX])
        sheet.append([_cell(sheet, name, bold=True) for name in header])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
