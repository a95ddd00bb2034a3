from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon

REPORT = "crm_extended.report_account_dossier"


@tagged("post_install", "-at_install")
class TestAccountDossier(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["res.partner"].create(
            {
                "name": "Dossier <b>Bold</b> Corp",
                "is_company": True,
                "company_id": cls.company_a.id,
                "email": "dossier@example.com",
                "relationship_type": "customer",
                "potential": "high",
                "user_id": cls.user_salesman.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Dora Dossier", "parent_id": cls.account.id, "function": "Buyer"}
        )
        cls.contract = cls.env["crm.contract"].create(
            {
                "name": "Maintenance 2026",
                "partner_id": cls.account.id,
                "company_id": cls.company_a.id,
                "date_start": fields.Date.today() - timedelta(days=10),
                "line_ids": [
                    Command.create({"name": "Maintenance", "price_unit": 1200, "recurring_interval": "yearly"})
                ],
            }
        )
        cls.contract.action_activate()
        Lead = cls.env["crm.lead"]
        cls.lead_open = Lead.create(
            {
                "name": "Open extension",
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.lead_won = Lead.create(
            {
                "name": "Won renewal",
                "type": "opportunity",
                "partner_id": cls.account.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.lead_won.action_set_won()
        cls.lead_lost = Lead.create(
            {
                "name": "Lost upsell",
                "type": "opportunity",
                "partner_id": cls.account.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.lead_lost.action_set_lost()
        cls.lead_other = Lead.create(
            {
                "name": "Colleague deal",
                "type": "opportunity",
                "partner_id": cls.account.id,
                "user_id": cls.user_salesman_2.id,
            }
        )
        cls.lead_open.message_post(
            body="Sent the <i>offer</i>", subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        material = cls.env["crm.sales.material"].create({"name": "Product brochure 2026", "material_type": "brochure"})
        cls.env["crm.sales.material.usage"].create(
            {"material_id": material.id, "lead_id": cls.lead_open.id, "partner_id": cls.contact.id}
        )

    def _html(self, user=None):
        report = self.env["ir.actions.report"].with_user(user or self.env.user)
        html, __ = report._render_qweb_html(REPORT, self.account.ids)
        return html.decode()

    def test_sections(self):
        html = self._html()
        for text in (
            "Account Dossier",
            "dossier@example.com",
            "Customer",
            "High",
            "Dora Dossier",
            "Maintenance 2026",
            "Open extension",
            "Won renewal",
            "Lost upsell",
            "Sent the &lt;i&gt;offer&lt;/i&gt;",
            "Product brochure 2026",
            'name="dossier_extra_sections"',
        ):
            self.assertIn(text, html)
        self.assertIn("Dossier &lt;b&gt;Bold&lt;/b&gt; Corp", html, "user text is escaped")
        self.assertNotIn("<b>Bold</b>", html)

    def test_too_many_rows_for_a_pdf_sends_to_the_list(self):
        """Past the row limit the user is sent to the account's opportunities, whose export is an .xlsx."""
        Dossier = type(self.env["report.crm_extended.report_account_dossier"])
        self.patch(Dossier, "_dossier_row_limit", 3)
        with self.assertRaises(RedirectWarning) as caught:
            self._html()
        message, action, button, _context = caught.exception.args
        self.assertIn("too many for a PDF", message)
        self.assertIn(self.account.display_name, message)
        self.assertEqual(action["res_model"], "crm.lead")
        opportunities = self.env["crm.lead"].with_context(active_test=False).search(action["domain"])
        self.assertIn(self.lead_open, opportunities)
        self.assertTrue(button)
        self.patch(Dossier, "_dossier_row_limit", 5000)
        self.assertIn("Open extension", self._html())

    def test_access(self):
        # a salesman sees his own opportunities only
        html = self._html(self.user_salesman)
        self.assertIn("Won renewal", html)
        self.assertNotIn("Colleague deal", html)
        self.assertIn("Colleague deal", self._html(self.user_all_docs))
        # a user of another company cannot print the account
        with self.assertRaises(AccessError):
            self._html(self.user_salesman_b)
        report = self.env.ref("crm_extended.action_report_account_dossier")
        self.assertIn(self.env.ref("sales_team.group_sale_salesman"), report.groups_id)


@tagged("post_install", "-at_install")
class TestAccountDossierPdf(CrmSuiteCommon, HttpCase):
    """wkhtmltopdf fetches the report assets from the running server: an HttpCase."""

    def test_pdf(self):
        account = self.env["res.partner"].create({"name": "Dossier PDF", "is_company": True})
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, account.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # the button of the Print menu
        action = self.env.ref("crm_extended.action_report_account_dossier")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.report_name, REPORT)
