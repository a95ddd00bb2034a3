import base64

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCrmSalesMaterialTour(HttpCase):
    def setUp(self):
        super().setUp()
        # no onboarding tour running beside ours (enabled for admin on a database without demo data)
        self.env.ref("base.user_admin").tour_enabled = False

    def test_crm_sales_material_tour(self):
        self.start_tour("/odoo", "crm_sales_material_tour", login="admin")
        material = self.env["crm.sales.material"].search([("name", "=", "Tour Product Brochure")])
        self.assertEqual(len(material), 1)
        self.assertEqual(material.material_type, "brochure")
        self.assertEqual(material.user_id, self.env.ref("base.user_admin"))

    def test_crm_sales_material_send_tour(self):
        admin = self.env.ref("base.user_admin")
        partner = self.env["res.partner"].create({"name": "Tour Customer", "email": "tour.customer@example.com"})
        lead = self.env["crm.lead"].create(
            {"name": "Tour Deal", "type": "opportunity", "partner_id": partner.id, "user_id": admin.id}
        )
        file = self.env["ir.attachment"].create(
            {"name": "tour_deck.txt", "datas": base64.b64encode(b"Tour deck"), "mimetype": "text/plain"}
        )
        material = self.env["crm.sales.material"].create(
            {"name": "Tour Deck", "user_id": admin.id, "attachment_ids": [file.id], "lang": "en_US"}
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_sales_material_send_tour", login="admin")
        self.assertEqual(lead.material_usage_ids.material_id, material)
        message = lead.material_usage_ids.mail_message_id
        self.assertEqual(message.partner_ids, partner)
        self.assertEqual(message.attachment_ids.mapped("name"), ["tour_deck.txt"])
