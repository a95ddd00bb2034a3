"""The suite's one XLSX writer: streamed, constant memory, text stays text.

Every export of the suite (competitive analysis, list members, import error
reports) goes through :func:`write_xlsx`. It writes with xlsxwriter (one of
Odoo's requirements) in ``constant_memory`` mode: each row goes to a temporary
file as soon as it is complete, so memory does not grow with the number of
rows. Strings are always written with ``write_string``, as text cells, so a
value such as ``=HYPERLINK(...)``, ``+1``, ``-2`` or ``@SUM`` can never turn
into a formula when the file is opened.
"""

import datetime
import io
import re
import tempfile

import xlsxwriter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_MAX = 31
# characters Excel refuses in a sheet title
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# control characters XML 1.0 cannot hold: dropped from text cells
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ROWS_MAX = 1_048_576  # rows of an Excel sheet, the header included
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _sheet_title(title, number):
    title = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title or "")).strip("' ") or "Sheet"
    if number > 1:
        suffix = f" ({number})"
        return title[: _SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    return title[:_SHEET_TITLE_MAX]


class _SheetWriter:
    """Write typed values to a worksheet, starting a new sheet when one is full."""

    def __init__(self, workbook, title, header, formats, used_titles):
        self.workbook = workbook
        self.used_titles = used_titles
        self.title = title
        self.header = list(header)
        self.formats = formats
        self.number = 0
        self._new_sheet()

    def _new_sheet(self):
        self.number += 1
        name = _sheet_title(self.title, self.number)
        while name.lower() in self.used_titles:  # Excel refuses two sheets of the same name
            self.number += 1
            name = _sheet_title(self.title, self.number)
        self.used_titles.add(name.lower())
        self.sheet = self.workbook.add_worksheet(name)
        self.row_index = 0
        self.append(self.header, self.formats["bold"])

    def append(self, values, text_format=None):
        if self.row_index >= _ROWS_MAX:
            self._new_sheet()
        sheet, row_index, formats = self.sheet, self.row_index, self.formats
        for col_index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                if _XML_ILLEGAL.search(value):
                    value = _XML_ILLEGAL.sub("", value)
                sheet.write_string(row_index, col_index, value, text_format)
            elif isinstance(value, bool):
                sheet.write_boolean(row_index, col_index, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(row_index, col_index, value)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(row_index, col_index, value, formats["datetime"])
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_index, col_index, value, formats["date"])
            else:
                sheet.write_string(row_index, col_index, _XML_ILLEGAL.sub("", str(value)), text_format)
        self.row_index = row_index + 1


def write_xlsx(sheets):
    """Return the bytes of a workbook built from ``sheets``.

    ``sheets`` is an iterable of ``(title, header, rows)`` where ``header`` is a
    list of column titles and ``rows`` any iterable (a generator is fine) of
    sequences of values: str, int, float, bool, date, datetime or None.
    Rows are written as they come, so memory does not grow with their number;
    past the 1,048,576 rows of an Excel sheet they continue on a new sheet
    ("Title (2)") under the same header. Sheet titles lose the characters
    Excel refuses and are cut to 31 characters.
    """
    buffer = io.BytesIO()
    # every temporary file of the workbook goes to a directory removed even if a row fails
    with tempfile.TemporaryDirectory(prefix="crm_xlsx_") as tmpdir:
        workbook = xlsxwriter.Workbook(
            buffer,
            {
                "constant_memory": True,  # each row goes to a temporary file once the next one starts
                "tmpdir": tmpdir,
                "remove_timezone": True,  # Excel has no time zones: aware datetimes keep their wall time
                "nan_inf_to_errors": True,  # NaN and infinity become #NUM! rather than an exception
            },
        )
        formats = {
            "bold": workbook.add_format({"bold": True}),
            "date": workbook.add_format({"num_format": _DATE_FORMAT}),
            "datetime": workbook.add_format({"num_format": _DATETIME_FORMAT}),
        }
        used_titles = set()
        for title, header, rows in sheets:
            writer = _SheetWriter(workbook, title, header, formats, used_titles)
            for row in rows:
                writer.append(row)
        workbook.close()
    return buffer.getvalue()
