import datetime
import io

from openpyxl import load_workbook

from odoo.tests import TransactionCase, tagged

from ..tools import write_xlsx


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
