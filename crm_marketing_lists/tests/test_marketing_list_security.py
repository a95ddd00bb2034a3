from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import MarketingListCommon


@tagged("post_install", "-at_install")
class TestMarketingListSecurity(MarketingListCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_marketing = new_test_user(
            cls.env,
            "suite_marketing",
            groups="base.group_user,mass_mailing.group_mass_mailing_user",
            name="Max Marketing",
        )
        cls.list_sam = cls._create_list("Sam's list (test)", cls.ghent, user_id=cls.user_salesman.id)
        cls.list_sue = cls._create_list("Sue's list (test)", cls.lyon, user_id=cls.user_salesman_2.id)
        cls.list_free = cls._create_list("Unassigned list (test)", cls.paris, user_id=False)
        cls.list_b = cls._create_list("Company B list (test)", company_id=cls.company_b.id, user_id=False)
        cls.list_shared = cls._create_list("No company list (test)", company_id=False, user_id=False)

    def _visible(self, user):
        return self.MarketingList.with_user(user).search([("name", "like", "(test)")])

    def test_salesman_own_and_unassigned(self):
        """CHECKLIST 1."""
        Lists = self.MarketingList.with_user(self.user_salesman)
        self.assertEqual(self._visible(self.user_salesman), self.list_sam | self.list_free | self.list_shared)
        with self.assertRaises(AccessError):
            self.list_sue.with_user(self.user_salesman).read(["name"])
        with self.assertRaises(AccessError):
            self.list_sue.with_user(self.user_salesman).write({"name": "Mine now"})
        self.list_sam.with_user(self.user_salesman).write({"name": "Sam's list renamed (test)"})
        self.list_free.with_user(self.user_salesman).write({"purpose": "Anyone's"})
        created = Lists.create({"name": "Created by Sam (test)"})
        self.assertEqual(created.user_id, self.user_salesman)
        created.unlink()

    def test_all_documents_user_reads_all_but_edits_his_own(self):
        """CHECKLIST 2."""
        visible = self._visible(self.user_all_docs)
        self.assertEqual(visible, self.list_sam | self.list_sue | self.list_free | self.list_shared)
        with self.assertRaises(AccessError):
            self.list_sue.with_user(self.user_all_docs).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.list_sue.with_user(self.user_all_docs).unlink()
        with self.assertRaises(AccessError):
            self.list_sue.with_user(self.user_all_docs).action_refresh()
        self.list_sue.with_user(self.user_manager).unlink()
        self.assertFalse(self.list_sue.exists())

    def test_manager_edits_all_and_locks(self):
        self.list_sam.with_user(self.user_manager).write({"name": "Managed (test)"})
        self.list_sam.with_user(self.user_manager).action_lock()
        self.assertTrue(self.list_sam.locked)
        with self.assertRaises(AccessError):
            self.list_sam.with_user(self.user_salesman).action_unlock()

    def test_marketing_user(self):
        """A marketing user without sales rights creates lists and sends them."""
        mlist = self.MarketingList.with_user(self.user_marketing).create(
            {"name": "Marketing's own (test)", "partner_ids": [Command.set((self.ghent | self.liege).ids)]}
        )
        self.assertEqual(mlist.member_count, 2)
        action = mlist.action_send_mailing()
        self.assertEqual(action["res_model"], "mailing.mailing")
        with self.assertRaises(AccessError):
            self.list_sam.with_user(self.user_marketing).read(["name"])

    def test_internal_user_is_refused(self):
        """CHECKLIST 4."""
        Lists = self.MarketingList.with_user(self.user_internal)
        with self.assertRaises(AccessError):
            Lists.search([])
        with self.assertRaises(AccessError):
            Lists.create({"name": "Nope"})
        with self.assertRaises(AccessError):
            self.list_free.with_user(self.user_internal).action_export_xlsx()
        with self.assertRaises(AccessError):
            self.env["crm.marketing.list.add.wizard"].with_user(self.user_internal).create(
                {"member_model": "res.partner"}
            )
        with self.assertRaises(AccessError):
            self.env["crm.marketing.list.tag"].with_user(self.user_internal).search([])

    def test_multi_company(self):
        """CHECKLIST 5: company B sees nothing of company A; lists without a company are shared."""
        self.assertEqual(self._visible(self.user_salesman_b), self.list_b | self.list_shared)
        self.assertNotIn(self.list_b, self._visible(self.user_salesman))
        with self.assertRaises(AccessError):
            self.list_free.with_user(self.user_salesman_b).read(["name"])

    def test_tags_are_configuration(self):
        """CHECKLIST 3."""
        tag = self.env["crm.marketing.list.tag"].create({"name": "Webinar (test)"})
        self.assertEqual(tag.with_user(self.user_salesman).name, "Webinar (test)")
        with self.assertRaises(AccessError):
            tag.with_user(self.user_salesman).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["crm.marketing.list.tag"].with_user(self.user_salesman).create({"name": "New"})
        tag.with_user(self.user_manager).write({"name": "Webinars (test)"})

    def test_actions_over_rpc_on_hidden_lists_are_refused(self):
        """CHECKLIST 8."""
        hidden = self.list_sue.with_user(self.user_salesman)
        for method in ("action_refresh", "action_send_mailing", "action_copy_to_static", "action_export_xlsx"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(hidden, method)()
        with self.assertRaises(AccessError):
            hidden._export_members_xlsx()

    def test_member_forms_show_only_readable_lists(self):
        """CHECKLIST 7: the lists shown on a contact leak nothing hidden."""
        self.list_sue.partner_ids = self.ghent
        self.assertEqual(self.ghent.with_user(self.user_salesman).marketing_list_ids, self.list_sam)
        # what the contact form shows
        partner_form = Form(self.ghent.with_user(self.user_salesman))
        self.assertEqual([record.id for record in partner_form.marketing_list_ids], self.list_sam.ids)
        lead_list = self._create_list("Lead list (test)", self.lead_sam, user_id=self.user_salesman.id)
        lead_form = Form(self.lead_sam.with_user(self.user_salesman))
        self.assertEqual([record.id for record in lead_form.marketing_list_ids], lead_list.ids)
        self.assertEqual(self.ghent.with_user(self.user_manager).marketing_list_ids, self.list_sam | self.list_sue)
        self.assertEqual(
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .search([("marketing_list_ids", "in", self.list_sue.ids)]),
            self.env["res.partner"],
        )

    def test_member_count_only_counts_visible_members(self):
        """CHECKLIST 7: an unassigned lead list refreshed by the manager counts only what a salesman sees."""
        mlist = self._create_list(
            "Leads (test)",
            member_model="crm.lead",
            list_type="dynamic",
            user_id=False,
            domain="[('name', 'like', '(test)')]",
        )
        mlist.with_user(self.user_manager).action_refresh()
        self.assertEqual(mlist.with_user(self.user_manager).member_count, 3)
        self.assertEqual(mlist.with_user(self.user_salesman).member_count, 2)
        self.assertEqual(mlist.with_user(self.user_salesman).lead_ids, self.lead_sam | self.lead_free)
