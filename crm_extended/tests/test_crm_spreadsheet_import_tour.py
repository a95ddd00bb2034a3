from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportTour(HttpCase):
    def setUp(self):
        super().setUp()
        # no onboarding tour running beside ours (enabled for admin on a database without demo data)
        self.env.ref("base.user_admin").tour_enabled = False

    def test_crm_spreadsheet_import_tour(self):
        """Upload a CSV with Polish headers, check the mapping and the dry run, import: one account."""
        self.start_tour("/odoo", "crm_spreadsheet_import_tour", login="admin")
        partner = self.env["res.partner"].search([("name", "=", "Tour Import Sp. z o.o.")])
        self.assertEqual(len(partner), 1)
        self.assertEqual((partner.vat, partner.city), ("PL999888", "Gdańsk"))
        self.assertEqual(partner.child_ids.name, "Tola Tour")
        self.assertEqual(partner.company_id, self.env.ref("base.main_company"))
