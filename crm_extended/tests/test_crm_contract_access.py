from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_extended.tests.contract_common import CrmContractCommon


@tagged("post_install", "-at_install")
class TestCrmContractAccess(CrmContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_own = cls._create_contract(name="Own")
        cls.contract_other = cls._create_contract(user=cls.user_salesman_2, name="Other")
        cls.contract_unassigned = cls._create_contract(user=False, name="Unassigned")
        cls.contract_b = cls.env["crm.contract"].create(
            {
                "name": "Company B",
                "partner_id": cls.partner_b.id,
                "company_id": cls.company_b.id,
                "user_id": cls.user_salesman_b.id,
                "line_ids": [Command.create({"product_id": cls.product_b.id})],
            }
        )

    def test_salesman_own_and_unassigned(self):
        Contract = self.env["crm.contract"].with_user(self.user_salesman)
        visible = Contract.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(visible, self.contract_own | self.contract_unassigned)
        for contract in (self.contract_own, self.contract_unassigned):
            contract = contract.with_user(self.user_salesman)
            contract.write({"notice_period_days": 60})
            self.assertEqual(contract.notice_period_days, 60)
            contract.line_ids[0].write({"quantity": 5})
            self.assertEqual(contract.line_ids[0].quantity, 5)
        created = Contract.create({"name": "Mine", "partner_id": self.partner_a.id})
        self.assertEqual(created.user_id, self.user_salesman)
        with self.assertRaises(AccessError):
            self.contract_own.with_user(self.user_salesman).unlink()

    def test_salesman_refused_on_others(self):
        other = self.contract_other.with_user(self.user_salesman)
        with self.assertRaises(AccessError):
            other.read(["name"])
        with self.assertRaises(AccessError):
            other.write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            self.contract_other.line_ids.with_user(self.user_salesman).read(["price_unit"])
        with self.assertRaises(AccessError):
            self.env["crm.contract"].with_user(self.user_salesman).create(
                {"name": "For Sue", "partner_id": self.partner_a.id, "user_id": self.user_salesman_2.id}
            )
        self.assertEqual(self.contract_other.name, "Other")

    def test_actions_refused_on_others(self):
        other = self.contract_other.with_user(self.user_salesman)
        for method in ("action_activate", "action_cancel", "action_hold", "action_renew", "action_set_draft"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(other, method)()
        self.assertEqual(self.contract_other.state, "draft")

    def test_all_documents_user(self):
        Contract = self.env["crm.contract"].with_user(self.user_all_docs)
        visible = Contract.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(visible, self.contract_own | self.contract_other | self.contract_unassigned)
        self.contract_other.with_user(self.user_all_docs).write({"notice_period_days": 10})
        self.contract_other.with_user(self.user_all_docs).action_activate()
        self.assertEqual(self.contract_other.state, "active")
        with self.assertRaises(AccessError):
            self.contract_own.with_user(self.user_all_docs).unlink()

    def test_manager_deletes(self):
        self.contract_other.with_user(self.user_manager).unlink()
        self.assertFalse(self.contract_other.exists())

    def test_internal_user_refused(self):
        for record in (self.contract_unassigned, self.contract_unassigned.line_ids[0]):
            model = record._name
            records = self.env[model].with_user(self.user_internal)
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    records.search([])
                with self.assertRaises(AccessError):
                    records.browse(record.id).read(["id"])
        with self.assertRaises(AccessError):
            self.env["crm.contract"].with_user(self.user_internal).create(
                {"name": "Nope", "partner_id": self.partner_a.id}
            )
        # the partner form stays readable: contract figures are simply empty
        partner = self.partner_a.with_user(self.user_internal)
        self.assertEqual(partner.contract_count, 0)

    def test_multi_company(self):
        salesman_b = self.env["crm.contract"].with_user(self.user_salesman_b)
        self.assertEqual(salesman_b.search([]), self.contract_b)
        self.assertEqual(
            self.env["crm.contract.line"].with_user(self.user_salesman_b).search([]), self.contract_b.line_ids
        )
        with self.assertRaises(AccessError):
            self.contract_unassigned.with_user(self.user_salesman_b).read(["name"])
        with self.assertRaises(AccessError):
            self.contract_unassigned.line_ids.with_user(self.user_salesman_b).read(["name"])
        # company A users do not see company B's contract either
        self.assertNotIn(self.contract_b, self.env["crm.contract"].with_user(self.user_manager).search([]))

    def test_renewal_setting_refused_to_salesman(self):
        with self.assertRaises(AccessError):
            self.company_a.with_user(self.user_salesman).write({"crm_contract_renewal_lead": True})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.user_salesman).create({"crm_contract_renewal_lead": True})
        self.assertFalse(self.company_a.crm_contract_renewal_lead)
        settings = self.env["res.config.settings"].create({"crm_contract_renewal_lead": True})
        settings.execute()
        self.assertTrue(self.company_a.crm_contract_renewal_lead, "an administrator switches it on in the settings")

    def test_grouped_figures_for_salesman(self):
        self.env["crm.contract.line"].create(
            {"contract_id": self.contract_other.id, "name": "Big", "price_unit": 1000, "recurring_interval": "yearly"}
        )
        groups = (
            self.env["crm.contract"]
            .with_user(self.user_salesman)
            ._read_group([("company_id", "=", self.company_a.id)], [], ["__count", "amount_yearly:sum"])
        )
        expected = self.contract_own.amount_yearly + self.contract_unassigned.amount_yearly
        self.assertEqual(groups[0][0], 2)
        self.assertAlmostEqual(groups[0][1], expected)
        self.assertEqual(self.partner_a.with_user(self.user_salesman).contract_count, 2, "only what he may see")


@tagged("post_install", "-at_install")
class TestCrmContractReport(CrmContractCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract(
            name="Support <b>bold</b> & co",
            terms="<p>Payment within <strong>30 days</strong></p>",
            lines=[
                {"product_id": cls.product_support.id, "quantity": 3, "name": "Hotline <script>alert(1)</script>"},
                {"name": "Onboarding workshop", "price_unit": 750, "recurring_interval": "one_off"},
            ],
        )
        cls.report = cls.env.ref("crm_extended.crm_contract_report_action")

    def test_report_html(self):
        html = self.env["ir.actions.report"]._render_qweb_html(self.report.report_name, self.contract.ids)[0]
        html = html.decode()
        self.assertIn(self.contract.code, html)
        self.assertIn("Onboarding workshop", html)
        self.assertIn("Hotline &lt;script&gt;alert(1)&lt;/script&gt;", html, "user text is escaped")
        self.assertNotIn("<script>alert(1)", html)
        self.assertIn("Support &lt;b&gt;bold&lt;/b&gt; &amp; co", html)
        self.assertIn("<strong>30 days</strong>", html, "terms keep their (sanitized) formatting")
        self.assertIn("Azure Interior (test)", html)
        self.assertIn("Monthly", html)

    def test_report_pdf(self):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.user_salesman)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(self.report.report_name, self.contract.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), "wkhtmltopdf produced a PDF")
        self.assertGreater(len(pdf), 1000)

    def test_report_refused_without_read_access(self):
        for user in (self.user_salesman_2, self.user_internal, self.user_salesman_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                    self.report.report_name, self.contract.ids
                )

    def test_print_button_on_form(self):
        view = self.env.ref("crm_extended.crm_contract_view_form")
        arch = self.env["crm.contract"].get_views([(view.id, "form")])["views"]["form"]["arch"]
        self.assertIn(f'name="{self.report.id}"', arch, "the form has a Print button")
        self.assertEqual(self.report.binding_model_id.model, "crm.contract", "and the Print menu lists the report")
