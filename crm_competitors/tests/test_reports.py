import io

from openpyxl import load_workbook

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CompetitorsCommon

FORMULA_NAME = "=cmd|' /C calc'!A0"


@tagged("post_install", "-at_install")
class TestCompetitorReports(CompetitorsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_known_deals()
        cls.rival_1.write(
            {
                "website": "https://rival-one.example.com",
                "strengths": "Cheap <script>alert('x')</script>",
                "weaknesses": "Slow support",
                "opportunities": "Unhappy customers in Belgium",
                "threats": "Aggressive discounts",
                "offering": "Rival CRM Cloud",
                "pricing_notes": "20 EUR per user per month",
            }
        )

    def _load(self, content):
        return load_workbook(io.BytesIO(content), read_only=False)

    def test_xlsx_summary_and_deals(self):
        formula = self.env["crm.competitor"].create({"name": FORMULA_NAME})
        self._create_deal("+1 deal", formula, 250, "won")
        competitors = (self.rival_1 | self.rival_2 | formula).with_user(self.user_all_docs)
        workbook = self._load(competitors._get_analysis_xlsx())
        self.assertEqual(workbook.sheetnames, ["Summary", "Deals"])
        summary = workbook["Summary"]
        rows = list(summary.iter_rows(values_only=True))
        self.assertEqual(
            rows[0][:9],
            (
                "Competitor",
                "Website",
                "Threat Level",
                "Countries",
                "Opportunities",
                "Open",
                "Won Against",
                "Lost To",
                "Win Rate (%)",
            ),
        )
        by_name = {row[0]: row for row in rows[1:]}
        self.assertEqual(set(by_name), {"Rival One", "Rival Two", FORMULA_NAME})
        self.assertEqual(
            by_name["Rival One"][1:11], ("https://rival-one.example.com", "High", None, 6, 1, 3, 2, 60, 8000, 800)
        )
        self.assertEqual(by_name[FORMULA_NAME][4:9], (1, 0, 1, 0, 100))
        formula_cell = next(row[0] for row in summary.iter_rows(min_row=2) if row[0].value == FORMULA_NAME)
        self.assertEqual(formula_cell.data_type, "s", "a name that looks like a formula stays text")

        deals = list(workbook["Deals"].iter_rows(values_only=True))
        self.assertEqual(deals[0][:2], ("Competitor", "Opportunity"))
        pairs = {(row[0], row[1]): row for row in deals[1:]}
        self.assertEqual(len(pairs), 6 + 4 + 1, "one row per deal and selected competitor")
        self.assertEqual(pairs[("Rival Two", "Lost to one")][6:8], ("Lost to another competitor", "Rival One"))
        self.assertEqual(pairs[("Rival One", "Lost to one")][6:9], ("Lost", "Rival One", "Too expensive (test)"))
        self.assertEqual(pairs[(FORMULA_NAME, "+1 deal")][6], "Won")
        formula_deal = next(row for row in workbook["Deals"].iter_rows(min_row=2) if row[1].value == "+1 deal")
        self.assertEqual((formula_deal[0].data_type, formula_deal[1].data_type), ("s", "s"))

    def test_xlsx_salesman_sees_only_his_deals(self):
        workbook = self._load(self.rival_1.with_user(self.user_salesman)._get_analysis_xlsx())
        deals = [row[1] for row in workbook["Deals"].iter_rows(min_row=2, values_only=True)]
        self.assertNotIn("Won by Sue", deals)
        self.assertEqual(len(deals), 5)
        self.assertEqual(next(workbook["Summary"].iter_rows(min_row=2, values_only=True))[6], 2)

    def test_export_action(self):
        action = (self.rival_1 | self.rival_2).with_user(self.user_salesman).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], f"/crm_competitors/analysis.xlsx?ids={self.rival_1.id},{self.rival_2.id}")
        with self.assertRaises(AccessError):
            self.rival_1.with_user(self.user_salesman_b).action_export_xlsx()

    def test_battlecard_html(self):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_all_docs)
            ._render_qweb_html("crm_competitors.crm_competitor_report_battlecard", self.rival_1.ids)[0]
            .decode()
        )
        for text in (
            "Battlecard",
            "Rival One",
            "Slow support",
            "Unhappy customers in Belgium",
            "Aggressive discounts",
            "Rival CRM Cloud",
            "20 EUR per user per month",
            "Won vs one",
            "Won by Sue",
            "Lost to one",
            "Lost, nobody named",
            "Too expensive (test)",
        ):
            self.assertIn(text, html)
        self.assertNotIn("Open vs one", html, "open deals are not in the recent won/lost lists")
        self.assertNotIn("Lost to two", html, "a deal lost to another competitor is not lost to this one")
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertRegex(html, r"60\.0</span>\s*%")

    def test_battlecard_refused_for_other_company(self):
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_salesman_b)._render_qweb_html(
                "crm_competitors.crm_competitor_report_battlecard", self.rival_1.ids
            )


@tagged("post_install", "-at_install")
class TestAccountDossierCompetitors(CompetitorsCommon):
    def test_dossier_competitors_seen(self):
        self._create_known_deals()
        self.rival_3.partner_ids = self.partner_a
        dossier = self.env["report.crm_extended.report_account_dossier"].with_user(self.user_salesman)
        rows = {
            row["competitor"].name: (row["works_with"], row["open"], row["won"], row["lost"])
            for row in dossier._get_dossier(self.partner_a)["competitors"]
        }
        # Sam does not see Sue's win against Rival One.
        self.assertEqual(
            rows,
            {
                "Rival One": (False, 1, 2, 2),
                "Rival Two": (False, 0, 1, 2),
                "Rival Three": (True, 0, 0, 0),
            },
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_salesman)
            ._render_qweb_html("crm_extended.action_report_account_dossier", self.partner_a.ids)[0]
            .decode()
        )
        self.assertIn("Competitors seen", html)
        for name in ("Rival One", "Rival Two", "Rival Three"):
            self.assertIn(name, html)

    def test_dossier_without_competitors(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_extended.action_report_account_dossier", self.partner_shared.ids)[0]
            .decode()
        )
        self.assertIn("No competitor seen.", html)
