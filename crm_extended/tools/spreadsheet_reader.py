"""One small interface to read the rows of an uploaded spreadsheet.

``open_spreadsheet`` checks the file (kind, size, zip integrity) and returns a
reader with ``sheet_names`` and ``iter_rows(sheet_name)``. Rows are streamed as
lists of plain Python values (``None`` for an empty cell); formulas come out as
the values Excel saved with them, never as formula text.

Engines for .xlsx: ``openpyxl`` (read-only, constant memory, pure Python) and
``calamine`` (python-calamine, Rust; see ``bench/import_reader.py`` for the
figures that chose the default). .csv files are read with the csv module.
Every problem with the file is raised as a :class:`SpreadsheetError` carrying
a user-facing message, so callers never see a library traceback.
"""

import csv
import io
import zipfile

OPENPYXL = "openpyxl"
CALAMINE = "calamine"
ENGINES = (OPENPYXL, CALAMINE)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
# an .xlsx compresses about 10:1; anything far beyond is a zip bomb
_MAX_INFLATE_RATIO = 100


class SpreadsheetError(Exception):
    """A problem with the uploaded file; ``code`` says which, ``params`` give details."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def calamine_available():
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def open_spreadsheet(data, filename=None, engine=OPENPYXL, max_bytes=None):
    """Check ``data`` (the file's bytes) and return a reader for it.

    :raise SpreadsheetError: codes ``too_large``, ``empty_file``, ``old_xls``,
        ``not_spreadsheet``, ``corrupt``, ``encoding``
    """
    if max_bytes and len(data) > max_bytes:
        raise SpreadsheetError("too_large", size=len(data), limit=max_bytes)
    if not data:
        raise SpreadsheetError("empty_file")
    name = (filename or "").lower()
    if data.startswith(_ZIP_MAGIC):
        _check_xlsx_zip(data, max_bytes)
        if engine == CALAMINE and calamine_available():
            return _CalamineReader(data)
        return _OpenpyxlReader(data)
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetError("old_xls")
    if name.endswith(_TEXT_EXTENSIONS):
        return _CsvReader(data)
    raise SpreadsheetError("not_spreadsheet")


def _check_xlsx_zip(data, max_bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            inflated = sum(info.file_size for info in infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise SpreadsheetError("corrupt") from exc
    if "xl/workbook.xml" not in names:
        # a .docx, an .ods or any other zip archive
        raise SpreadsheetError("not_spreadsheet")
    if max_bytes and inflated > max_bytes * _MAX_INFLATE_RATIO:
        raise SpreadsheetError("too_large", size=inflated, limit=max_bytes * _MAX_INFLATE_RATIO)


class _Reader:
    sheet_names = ()

    def iter_rows(self, sheet_name=None):
        """Yield the rows of ``sheet_name`` (the first sheet when empty) as lists."""
        raise NotImplementedError

    def close(self):
        return None

    def _resolve_sheet(self, sheet_name):
        if not self.sheet_names:
            raise SpreadsheetError("empty_workbook")
        if not sheet_name:
            return self.sheet_names[0]
        if sheet_name in self.sheet_names:
            return sheet_name
        # tolerate case and surrounding spaces typed by hand
        wanted = sheet_name.strip().casefold()
        for candidate in self.sheet_names:
            if candidate.strip().casefold() == wanted:
                return candidate
        raise SpreadsheetError("unknown_sheet", sheet=sheet_name, sheets=", ".join(self.sheet_names))


class _OpenpyxlReader(_Reader):
    def __init__(self, data):
        from openpyxl import load_workbook

        try:
            # data_only: the cached value of a formula, never its text
            self._workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises anything from KeyError to lxml errors
            raise SpreadsheetError("corrupt") from exc
        self.sheet_names = list(self._workbook.sheetnames)

    def iter_rows(self, sheet_name=None):
        sheet = self._workbook[self._resolve_sheet(sheet_name)]
        try:
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise SpreadsheetError("corrupt") from exc

    def close(self):
        self._workbook.close()


class _CalamineReader(_Reader):
    def __init__(self, data):
        import python_calamine

        try:
            self._workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:
            raise SpreadsheetError("corrupt") from exc
        self.sheet_names = list(self._workbook.sheet_names)

    def iter_rows(self, sheet_name=None):
        name = self._resolve_sheet(sheet_name)
        try:
            sheet = self._workbook.get_sheet_by_name(name)
            for row in sheet.iter_rows():
                # calamine gives "" for an empty cell and floats for every number
                yield [
                    None
                    if value == ""
                    else int(value)
                    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53
                    else value
                    for value in row
                ]
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise SpreadsheetError("corrupt") from exc

    def close(self):
        close = getattr(self._workbook, "close", None)
        if close:
            close()


class _CsvReader(_Reader):
    sheet_names = ("CSV",)

    def __init__(self, data):
        if b"\x00" in data[:8192]:
            raise SpreadsheetError("not_spreadsheet")
        try:
            self._text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError("encoding") from exc
        sample = self._text[:16384]
        try:
            self._dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            self._dialect = csv.excel

    def _resolve_sheet(self, sheet_name):
        # a CSV file has one sheet: the name typed by the user does not matter
        return self.sheet_names[0]

    def iter_rows(self, sheet_name=None):
        try:
            for row in csv.reader(io.StringIO(self._text, newline=""), self._dialect):
                yield [value if value != "" else None for value in row]
        except csv.Error as exc:
            raise SpreadsheetError("corrupt") from exc
