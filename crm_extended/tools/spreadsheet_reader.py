"""One small interface to read the rows of an uploaded spreadsheet.

``open_spreadsheet`` checks the file (kind, size, zip integrity) and returns a
reader with ``sheet_names`` and ``iter_rows(sheet_name)``. Rows are streamed as
lists of plain Python values (``None`` for an empty cell); formulas come out as
the values Excel saved with them, never as formula text.

.xlsx files are streamed with openpyxl's read-only reader (one row at a time,
memory flat whatever the number of rows; see the comment at the top of
``wizard/crm_spreadsheet_import.py`` and ``bench/import_reader.py`` for the
figures). .csv files are read with the csv module.
Every problem with the file is raised as a :class:`SpreadsheetError` carrying
a user-facing message, so callers never see a library traceback.
"""

import csv
import io
import zipfile
from array import array

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


def open_spreadsheet(data, filename=None, max_bytes=None):
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
        try:
            # data_only: the cached value of a formula, never its text
            reader = _compact_excel_reader()(io.BytesIO(data), read_only=True, data_only=True)
            reader.read()
            self._workbook = reader.wb
        except Exception as exc:  # openpyxl raises anything from KeyError to lxml errors
            raise SpreadsheetError("corrupt") from exc
        self.sheet_names = list(self._workbook.sheetnames)

    def iter_rows(self, sheet_name=None):
        sheet = self._workbook[self._resolve_sheet(sheet_name)]
        try:
            yield from _iter_sheet_values(sheet)
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise SpreadsheetError("corrupt") from exc

    def close(self):
        self._workbook.close()


def _compact_excel_reader():
    """openpyxl's workbook reader (``load_workbook``), its shared strings kept in a :class:`_SharedStrings`.

    Excel saves each distinct text of a workbook once, in its shared-strings table, and
    openpyxl reads that table whole before the first row, as one Python string per text
    (about 50 bytes each on top of the text) plus the XML elements it parsed: 67 MB of
    memory growth for a file of 100k account rows (9.6 MB of row data), streamed rows or
    not. Kept compact, the same file is read with 10 MB.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import SHARED_STRINGS

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self):
            # not read: when a file does not state its size (openpyxl's write-only files),
            # openpyxl parses the whole sheet for it on opening (8 MB for 100k rows)
            return None

    class CompactExcelReader(ExcelReader):
        def read_strings(self):
            content_type = self.package.find(SHARED_STRINGS)
            if content_type is not None:
                with self.archive.open(content_type.PartName[1:]) as source:
                    self.shared_strings = _SharedStrings(_iter_shared_strings(source))

        def read_worksheets(self):
            # the worksheets, as the read-only branch of ExcelReader.read_worksheets (no chart sheets)
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    worksheet = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    worksheet.sheet_state = sheet.state
                    self.wb._sheets.append(worksheet)

    return CompactExcelReader


def _iter_sheet_values(sheet):
    """The values of each row of a read-only worksheet, as lists (an empty list for a missing row).

    What openpyxl's ``sheet.iter_rows(values_only=True)`` yields (each cell parsed by openpyxl's
    own ``WorkSheetParser``: types, dates, shared strings, cached formula values), except that
    each row's XML is dropped once read: openpyxl keeps every parsed row element attached to
    the sheet until the end, 10 MB for 100k rows. A row is as long as its last filled cell.
    """
    from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    workbook = sheet.parent
    source = sheet._get_source()
    try:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
        )
        rows = None
        expected = 1
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    rows = element
                continue
            if element.tag != ROW_TAG:
                continue
            index, cells = parser.parse_row(element)
            rows.clear()
            while expected < index:  # rows without any cell are not in the file
                yield []
                expected += 1
            values = [None] * max((cell["column"] for cell in cells), default=0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield values
            expected += 1
    finally:
        source.close()


def _iter_shared_strings(source):
    """The texts of a shared-strings part, in order (what openpyxl's ``read_string_table`` reads)."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}si"
    events = iterparse(source, events=("start", "end"))
    _event, root = next(events)
    for event, node in events:
        if event == "end" and node.tag == tag:
            yield Text.from_tree(node).content.replace("x005F_", "")
            # the parsed texts would stay attached to the root: drop them as the table is read
            root.clear()


class _SharedStrings:
    """A list of texts (indexable) stored as blocks of joined text and offsets: 4 bytes a text."""

    BLOCK = 4096

    def __init__(self, texts):
        self._blocks = []
        block = []
        for text in texts:
            block.append(text)
            if len(block) == self.BLOCK:
                self._add(block)
                block = []
        if block:
            self._add(block)

    def _add(self, texts):
        offsets = array("I", [0])
        for text in texts:
            offsets.append(offsets[-1] + len(text))
        self._blocks.append(("".join(texts), offsets))

    def __getitem__(self, index):
        block, position = divmod(index, self.BLOCK)
        text, offsets = self._blocks[block]
        return text[offsets[position] : offsets[position + 1]]


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
