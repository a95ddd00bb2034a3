import datetime
import glob
import io
import os
import tempfile
from unittest.mock import patch

from openpyxl import load_workbook

from odoo.tests import TransactionCase, tagged

from ..tools import write_xlsx, xlsx


@tagged("post_install", "-at_install")
class TestXlsxWriter(TransactionCase):
    def test_text_stays_text(self):
        risky = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]
        data = write_xlsx([("Names", ["Name", "Amount", "Date"], ([v, 3.5, datetime.date(2026, 1, 2)] for v in risky))])
        sheet = load_workbook(io.BytesIO(data)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("Name", "Amount", "Date"))
        self.assertEqual([row[0] for row in rows[1:]], risky)
        for cell in sheet["A"][1:]:
            self.assertEqual(cell.data_type, "s", "text cells must never become formulas")
        self.assertEqual(rows[1][1], 3.5)
        self.assertEqual(rows[1][2], datetime.datetime(2026, 1, 2))

    def test_long_sheet_title_is_cut(self):
        data = write_xlsx([("x" * 40, ["A"], [])])
        self.assertEqual(load_workbook(io.BytesIO(data)).sheetnames, ["x" * 31])

    def test_values_excel_cannot_hold(self):
        """Control characters are dropped, aware datetimes lose their zone, sheet titles lose forbidden characters."""
        moment = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
        data = write_xlsx(
            [
                ("Q1/Q2: [leads]", ["Note", "When", "Done"], [["bell\x07 and tab\tkept", moment, True]]),
                ("q1 q2   leads ", ["Other"], [[1]]),
            ]
        )
        workbook = load_workbook(io.BytesIO(data))
        self.assertEqual(workbook.sheetnames, ["Q1 Q2   leads", "q1 q2   leads (2)"], "two titles Excel sees as one")
        sheet = workbook.worksheets[0]
        self.assertTrue(sheet["A1"].font.b, "the header is bold")
        self.assertEqual(
            list(sheet.iter_rows(min_row=2, values_only=True)),
            [("bell and tab\tkept", datetime.datetime(2026, 3, 4, 5, 6, 7), True)],
        )

    def test_rows_past_the_sheet_limit_continue_on_a_new_sheet(self):
        with patch.object(xlsx, "_ROWS_MAX", 3):
            data = write_xlsx([("Members", ["Name"], ([f"Member {i}"] for i in range(5)))])
        workbook = load_workbook(io.BytesIO(data))
        self.assertEqual(workbook.sheetnames, ["Members", "Members (2)", "Members (3)"])
        sheets = [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
        self.assertEqual(sheets[0], [("Name",), ("Member 0",), ("Member 1",)])
        self.assertEqual(sheets[1], [("Name",), ("Member 2",), ("Member 3",)], "each sheet repeats the header")
        self.assertEqual(sheets[2], [("Name",), ("Member 4",)])

    def test_a_failing_row_source_leaves_no_temporary_file(self):
        def rows():
            yield ["fine"]
            raise ValueError("the source broke")

        before = set(glob.glob(os.path.join(tempfile.gettempdir(), "crm_xlsx_*")))
        with self.assertRaisesRegex(ValueError, "the source broke"):
            write_xlsx([("Broken", ["A"], rows())])
        self.assertEqual(set(glob.glob(os.path.join(tempfile.gettempdir(), "crm_xlsx_*"))), before)
