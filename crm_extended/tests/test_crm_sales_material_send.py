from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common_sales_material import SalesMaterialCommon


@tagged("post_install", "-at_install")
class TestCrmSalesMaterialSend(MockEmail, SalesMaterialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.partner_a.lang = "fr_FR"
        today = fields.Date.today()
        cls.file_en = cls._create_file("deck_en.txt", b"English deck")
        cls.file_fr_1 = cls._create_file("plaquette.txt", b"Plaquette")
        cls.file_fr_2 = cls._create_file("tarifs.txt", b"Tarifs 2026")
        cls.mat_en = cls._create_material("A deck in English", attachment_ids=[cls.file_en.id])
        cls.mat_fr = cls._create_material(
            "Z brochure in French",
            lang="fr_FR",
            material_type="brochure",
            attachment_ids=[cls.file_fr_1.id, cls.file_fr_2.id],
            expiration_date=today + timedelta(days=10),
        )
        cls.mat_expired = cls._create_material("Old deck", expiration_date=today - timedelta(days=1))
        cls.mat_internal = cls._create_material("Internal research", customer_viewable=False)
        cls.mat_company_b = cls._create_material("Company B deck", company_id=cls.company_b.id)
        cls.lead = cls._create_opportunity("Office furniture")

    def _open_wizard(self, lead, user=None):
        user = user or self.user_salesman
        action = lead.with_user(user).action_open_material_send()
        return Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))

    def _select(self, form, materials):
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                line.to_send = line.material_id in materials

    def test_proposed_materials(self):
        form = self._open_wizard(self.lead)
        proposed = self.env["crm.sales.material"].browse(
            [form.line_ids.edit(i).material_id.id for i in range(len(form.line_ids))]
        )
        self.assertEqual(form.customer_lang, "fr_FR")
        self.assertEqual(proposed[0], self.mat_fr, "the customer's language comes first")
        self.assertIn(self.mat_en, proposed)
        for hidden in (self.mat_expired, self.mat_internal, self.mat_company_b):
            self.assertNotIn(hidden, proposed, hidden.name)

    def test_proposed_materials_language_order(self):
        self.partner_a.lang = "en_US"
        form = self._open_wizard(self.lead)
        self.assertEqual(form.line_ids.edit(0).material_id, self.mat_en)
        with form.line_ids.edit(0) as line:
            self.assertTrue(line.lang_match)

    def test_send_posts_mail_with_files_and_records_usage(self):
        form = self._open_wizard(self.lead)
        self._select(form, self.mat_fr | self.mat_en)
        wizard = form.save()
        with self.mock_mail_gateway():
            wizard.action_send()

        message = self.lead.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.user_salesman.partner_id)
        self.assertEqual(message.partner_ids, self.partner_a)
        self.assertIn("A deck in English", message.body)
        self.assertIn("Z brochure in French", message.body)
        self.assertEqual(sorted(message.attachment_ids.mapped("name")), ["deck_en.txt", "plaquette.txt", "tarifs.txt"])
        self.assertEqual(set(message.attachment_ids.mapped("res_model")), {"crm.lead"})
        self.assertEqual(set(message.attachment_ids.mapped("res_id")), {self.lead.id})
        self.assertFalse(message.attachment_ids & (self.file_en | self.file_fr_1 | self.file_fr_2), "files are copied")
        self.assertEqual(self.file_en.res_model, "crm.sales.material", "the library keeps its files")

        self.assertSentEmail(
            self.user_salesman.partner_id,
            [self.partner_a],
            attachments_info=[{"name": "deck_en.txt"}, {"name": "plaquette.txt"}, {"name": "tarifs.txt"}],
        )
        sent = self._find_sent_email(self.user_salesman.partner_id.email_formatted, [self.partner_a.email_formatted])
        self.assertIn(("tarifs.txt", b"Tarifs 2026", "text/plain"), sent["attachments"])

        usage = self.lead.material_usage_ids
        self.assertEqual(usage.material_id, self.mat_fr | self.mat_en)
        self.assertEqual(set(usage.mapped("user_id")), {self.user_salesman})
        self.assertEqual(set(usage.mapped("partner_id")), {self.partner_a})
        self.assertEqual(set(usage.mapped("mail_message_id")), {message})
        self.assertTrue(all(usage.mapped("date")))
        self.assertEqual(self.lead.material_usage_count, 2)
        self.assertEqual(self.mat_fr.sent_count, 1)

    def test_send_lead_without_partner_creates_contact(self):
        lead = self._create_opportunity("Web request", partner_id=False, email_from="jane@newco.example.com")
        lead.contact_name = "Jane Newco"
        form = self._open_wizard(lead)
        self._select(form, self.mat_en)
        with self.mock_mail_gateway():
            form.save().action_send()
        self.assertTrue(lead.partner_id)
        self.assertEqual(lead.partner_id.email, "jane@newco.example.com")
        self.assertSentEmail(
            self.user_salesman.partner_id, [lead.partner_id], attachments_info=[{"name": "deck_en.txt"}]
        )
        self.assertEqual(lead.material_usage_ids.material_id, self.mat_en)

    def test_send_escapes_material_names(self):
        evil = self._create_material("<img src=x onerror=alert(1)> deck")
        with self.mock_mail_gateway():
            self._wizard_with(self.lead, evil).action_send()
        message = self.lead.material_usage_ids.mail_message_id
        self.assertIn("&lt;img src=x onerror=alert(1)&gt; deck", message.body)
        self.assertNotIn("<img", message.body)
        self.assertIn("documents for Office furniture", message.subject)

    def _wizard_with(self, lead, materials, user=None):
        wizard = self.env["crm.sales.material.send"].with_user(user or self.user_salesman).create({"lead_id": lead.id})
        wizard.line_ids = [fields.Command.clear()] + [
            fields.Command.create({"material_id": material.id, "to_send": True}) for material in materials
        ]
        return wizard

    def test_send_refused_cases(self):
        with self.assertRaisesRegex(UserError, "expired"):
            self._wizard_with(self.lead, self.mat_en | self.mat_expired).action_send()
        with self.assertRaisesRegex(UserError, "internal use only"):
            self._wizard_with(self.lead, self.mat_internal).action_send()
        with self.assertRaises(AccessError):  # a company-A salesman cannot even read it
            self._wizard_with(self.lead, self.mat_company_b).action_send()
        self.user_salesman.company_ids |= self.company_b
        with self.assertRaisesRegex(UserError, "another company"):
            self._wizard_with(self.lead, self.mat_company_b).action_send()
        with self.assertRaisesRegex(UserError, "at least one material"):
            self._wizard_with(self.lead, self.env["crm.sales.material"]).action_send()
        no_email = self._create_opportunity("No e-mail", partner_id=self.partner_shared.id)
        self.assertFalse(no_email.email_from)
        with self.assertRaisesRegex(UserError, "no contact e-mail address"):
            self._wizard_with(no_email, self.mat_en).action_send()
        self.assertFalse(self.lead.material_usage_ids, "nothing recorded when refused")
        self.assertFalse(no_email.material_usage_ids)

    def test_send_refused_on_foreign_opportunity(self):
        lead = self._create_opportunity("Sue's deal", user=self.user_salesman_2)
        with self.assertRaises(AccessError):
            lead.with_user(self.user_salesman).action_open_material_send()
        with self.assertRaises(AccessError):
            self._wizard_with(lead, self.mat_en).action_send()
        self.assertFalse(lead.sudo().material_usage_ids)
