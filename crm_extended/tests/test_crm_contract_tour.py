from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmContractTour(HttpCase):
    def test_crm_contract_tour(self):
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False  # no onboarding tour clicking around in the same browser
        partner = self.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        product = self.env["product.product"].create({"name": "Tour Support Plan", "list_price": 250.0})
        lead = self.env["crm.lead"].create(
            {"name": "Tour Contract Deal", "type": "opportunity", "partner_id": partner.id, "user_id": admin.id}
        )
        self.start_tour("/odoo", "crm_contract_tour", login="admin")
        self.assertTrue(lead.stage_id.is_won, "the opportunity was won in the browser")
        contract = self.env["crm.contract"].search([("opportunity_id", "=", lead.id)])
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.state, "active")
        self.assertEqual(contract.partner_id, partner)
        self.assertEqual(contract.user_id, admin)
        self.assertEqual(contract.line_ids.product_id, product)
        self.assertAlmostEqual(contract.amount_yearly, 250.0 * 12)
