from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


@tagged("post_install", "-at_install")
class TestAccountAccess(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.dup_a = cls.Partner.create(
            {"name": "Secret A", "is_company": True, "email": "same@access.example", "company_id": cls.company_a.id}
        )
        cls.dup_b = cls.Partner.create(
            {"name": "Visible B", "is_company": True, "email": "same@access.example", "company_id": cls.company_b.id}
        )

    def test_merge_refused_on_hidden_account(self):
        with self.assertRaises(AccessError):
            self.dup_a.with_user(self.user_salesman_b).action_merge_duplicates()
        with self.assertRaises(AccessError):
            # no contact manager right: the merge wizard is not for him
            self.dup_a.with_user(self.user_internal).action_merge_duplicates()

    def test_computed_duplicates_leak_nothing(self):
        """Both accounts share an e-mail; each company's user sees no duplicate in the other company."""
        self.assertFalse(self.dup_b.with_user(self.user_salesman_b).duplicate_partner_ids)
        self.assertFalse(self.dup_a.with_user(self.user_salesman).duplicate_partner_ids)
        lead_b = self.env["crm.lead"].create(
            {"name": "Lead B", "email_from": "same@access.example", "company_id": self.company_b.id}
        )
        self.assertEqual(lead_b.with_user(self.user_salesman_b).duplicate_partner_ids, self.dup_b)
        found = self.Partner.with_user(self.user_salesman_b).search([("duplicate_partner_ids", "!=", False)])
        self.assertNotIn(self.dup_a, found)
        self.assertNotIn(self.dup_b, found)

    def test_settings_and_tiers_for_managers_only(self):
        for user in (self.user_salesman, self.user_all_docs, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.company_a.with_user(user).write({"crm_tier_a_percent": 70, "crm_cadence_days_a": 10})
        self.assertEqual(self.company_a.crm_tier_a_percent, 80)
        menu = self.env.ref("crm_extended.res_partner_menu_crm_follow_up_due")
        self.assertEqual(menu.groups_id, self.env.ref("sales_team.group_sale_salesman_all_leads"))
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))

    def test_overdue_list_and_reminders_by_company(self):
        self.dup_a.write({"user_id": self.user_salesman.id, "last_contact_date": date(2026, 1, 1)})
        self.dup_b.write({"user_id": self.user_salesman_b.id, "last_contact_date": date(2026, 1, 1)})
        with freeze_time("2026-12-01 08:00:00"):
            domain = [("contact_overdue", "=", True), ("id", "in", (self.dup_a | self.dup_b).ids)]
            self.assertEqual(self.Partner.with_user(self.user_salesman).search(domain), self.dup_a)
            self.assertEqual(self.Partner.with_user(self.user_salesman_b).search(domain), self.dup_b)
            self.Partner._crm_create_follow_up_activities()
            mine = (
                self.env["mail.activity"]
                .with_user(self.user_salesman_b)
                .search([("user_id", "=", self.user_salesman_b.id)])
            )
            self.assertEqual(mine.mapped("res_id"), self.dup_b.ids)
        # a salesman can neither print the other company's dossier
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_salesman_b)._render_qweb_html(
                "crm_extended.report_account_dossier", self.dup_a.ids
            )
