import io

from openpyxl import load_workbook

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CompetitorsCommon


@tagged("post_install", "-at_install")
class TestCompetitorUi(CompetitorsCommon, HttpCase):
    def test_tour_add_competitor_and_lose_to_it(self):
        rival = self.env["crm.competitor"].create({"name": "Tour Rival"})
        lead = self.env["crm.lead"].create(
            {"name": "Tour deal", "type": "opportunity", "partner_id": self.partner_a.id, "expected_revenue": 4200}
        )
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_competitors_tour",
            login="admin",
        )
        self.assertEqual(lead.competitor_ids, rival)
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_competitor_id, rival)
        self.assertEqual((rival.lost_count, rival.revenue_lost), (1, 4200.0))

    def test_tour_competitor_views(self):
        rival = self.env["crm.competitor"].create({"name": "Views Rival", "threat_level": "high"})
        self._create_deal("Views won deal", rival, 100, "won")
        self._create_deal("Views lost deal", rival, 100, "lost", lost_to=rival)
        self.start_tour(
            "/odoo/action-crm_competitors.crm_competitor_action", "crm_competitors_views_tour", login="admin"
        )
        self.assertEqual(rival.strengths, "Strong brand")

    def test_battlecard_pdf(self):
        self._create_known_deals()
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.user_salesman)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("crm_competitors.crm_competitor_report_battlecard", self.rival_1.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertGreater(len(pdf), 1000)

    def test_xlsx_download(self):
        self._create_known_deals()
        self.authenticate("suite_salesman", "suite_salesman")
        response = self.url_open(f"/crm_competitors/analysis.xlsx?ids={self.rival_1.id},{self.rival_2.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.assertIn("attachment", response.headers["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        names = [row[0] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)]
        self.assertEqual(names, ["Rival One", "Rival Two"])

    @mute_logger("odoo.http")
    def test_xlsx_download_refused_for_other_company(self):
        self.authenticate("suite_salesman_b", "suite_salesman_b")
        response = self.url_open(f"/crm_competitors/analysis.xlsx?ids={self.rival_1.id}")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"Rival One", response.content)
