import io

from openpyxl import load_workbook

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_extended.tools import XLSX_MIMETYPE


@tagged("post_install", "-at_install")
class TestMarketingListHttp(HttpCase):
    def test_crm_marketing_lists_tour(self):
        # the onboarding tour of CRM would run alongside ours
        self.env.ref("base.user_admin").tour_enabled = False
        ana, ben, _other = self.env["res.partner"].create(
            [
                {"name": "Ana Tour", "email": "ana@tour-list.example.com"},
                {"name": "Ben Tour", "email": "ben@tour-list.example.com"},
                {"name": "Someone else", "email": "someone@elsewhere.example.com"},
            ]
        )
        self.env["mail.blacklist"].create({"email": "ben@tour-list.example.com"})
        self.start_tour(
            "/odoo/action-crm_marketing_lists.crm_marketing_list_action?debug=1",
            "crm_marketing_lists_tour",
            login="admin",
        )
        menu = self.env.ref("crm_marketing_lists.crm_marketing_list_menu")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_root"))
        self.assertEqual(menu.action, self.env.ref("crm_marketing_lists.crm_marketing_list_action"))
        mlist = self.env["crm.marketing.list"].search([("name", "=", "Tour dynamic list")])
        self.assertEqual(mlist.list_type, "dynamic")
        self.assertEqual(mlist.partner_ids, ana | ben)
        mailing = self.env["mailing.mailing"].search([("crm_marketing_list_id", "=", mlist.id)])
        self.assertEqual(len(mailing), 1)
        self.assertEqual(mailing.subject, "Tour dynamic list")
        recipients = self.env["res.partner"].search(mailing._parse_mailing_domain())
        self.assertEqual(recipients, ana, "the blacklisted member is left out")

    def test_export_route(self):
        formula = '=HYPERLINK("http://evil.example.com","Click")'
        partner = self.env["res.partner"].create({"name": formula, "email": "formula@export.example.com"})
        owner = new_test_user(self.env, "export_owner", groups="base.group_user,sales_team.group_sale_salesman")
        new_test_user(self.env, "export_other", groups="base.group_user,sales_team.group_sale_salesman")
        mlist = self.env["crm.marketing.list"].create(
            {"name": "Export (test)", "user_id": owner.id, "partner_ids": [Command.set(partner.ids)]}
        )
        self.authenticate("export_owner", "export_owner")
        response = self.url_open(f"/crm_marketing_lists/export/{mlist.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], XLSX_MIMETYPE)
        self.assertIn("Export%20%28test%29.xlsx", response.headers["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows())
        self.assertEqual([cell.value for cell in rows[1]][:2], [formula, "formula@export.example.com"])
        self.assertEqual(rows[1][0].data_type, "s")
        # another salesman may not read the list, so he may not download it
        self.authenticate("export_other", "export_other")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/crm_marketing_lists/export/{mlist.id}")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"formula@export.example.com", response.content)

    def test_add_to_list_from_the_contact_list_tour(self):
        self.env.ref("base.user_admin").tour_enabled = False
        ana, ben = self.env["res.partner"].create([{"name": "Ana Add Tour"}, {"name": "Ben Add Tour"}])
        mlist = self.env["crm.marketing.list"].create({"name": "Add tour list"})
        self.start_tour(
            "/odoo/action-contacts.action_contacts?view_type=list", "crm_marketing_lists_add_tour", login="admin"
        )
        self.assertEqual(mlist.partner_ids, ana | ben)
