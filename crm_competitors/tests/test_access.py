from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import CompetitorsCommon


@tagged("post_install", "-at_install")
class TestCompetitorAccess(CompetitorsCommon):
    def test_salesmen_read_write_create_but_not_delete(self):
        for user in (self.user_salesman, self.user_all_docs):
            competitor = self.rival_1.with_user(user)
            self.assertEqual(competitor.name, "Rival One")
            competitor.strengths = f"Fast onboarding ({user.login})"
            created = self.env["crm.competitor"].with_user(user).create({"name": f"New rival of {user.login}"})
            self.assertEqual(created.company_id, self.company_a)
            with self.assertRaises(AccessError):
                created.unlink()
        self.assertEqual(self.rival_1.strengths, "Fast onboarding (suite_alldocs)")

    def test_manager_deletes(self):
        self.rival_3.with_user(self.user_manager).unlink()
        self.assertFalse(self.rival_3.exists())
        # a competitor met on deals keeps its history: archive or merge it instead
        self._create_deal("Lost to two", self.rival_1, 10, "lost", lost_to=self.rival_2)
        with self.assertRaisesRegex(UserError, "Rival Two took part in opportunities"):
            self.rival_2.with_user(self.user_manager).unlink()
        self.rival_2.with_user(self.user_manager).action_archive()
        self.assertFalse(self.rival_2.active)

    def test_internal_user_refused(self):
        Competitor = self.env["crm.competitor"].with_user(self.user_internal)
        with self.assertRaises(AccessError):
            Competitor.search([])
        with self.assertRaises(AccessError):
            self.rival_1.with_user(self.user_internal).read(["name"])
        with self.assertRaises(AccessError):
            Competitor.create({"name": "Sneaky"})
        with self.assertRaises(AccessError):
            self.env["crm.competitor.analysis"].with_user(self.user_internal).search([])
        # The account form of an internal user does not break on the competitors field.
        self.assertNotIn("competitor_ids", self.partner_shared.with_user(self.user_internal).fields_get())

    def test_multi_company(self):
        shared = self.env["crm.competitor"].create({"name": "Global Rival", "company_id": False})
        rival_b = self.env["crm.competitor"].create({"name": "Rival of B", "company_id": self.company_b.id})
        Competitor_b = self.env["crm.competitor"].with_user(self.user_salesman_b)
        self.assertEqual(Competitor_b.search([]), shared | rival_b)
        with self.assertRaises(AccessError):
            self.rival_1.with_user(self.user_salesman_b).read(["name"])
        self.assertNotIn(rival_b, self.env["crm.competitor"].with_user(self.user_salesman).search([]))
        self.assertIn(shared, self.env["crm.competitor"].with_user(self.user_salesman).search([]))

    def test_company_consistency(self):
        rival_b = self.env["crm.competitor"].create({"name": "Rival of B", "company_id": self.company_b.id})
        with self.assertRaises(UserError):
            rival_b.partner_ids = [Command.link(self.partner_a.id)]
        rival_b.partner_ids = [Command.link(self.partner_b.id)]
        with self.assertRaises(UserError):
            rival_b.partner_ids = [Command.link(self.partner_a.id)]
        lead = self._create_deal("Deal of A", self.rival_1, 10)
        # refused even next to a competitor of the right company
        with self.assertRaises(UserError):
            lead.competitor_ids = [Command.link(rival_b.id)]
        with self.assertRaises(UserError):
            lead.lost_competitor_id = rival_b
        # a shared partner may work with any competitor
        rival_b.partner_ids = [Command.link(self.partner_shared.id)]
        self.assertEqual(self.partner_shared.competitor_ids, rival_b)

    def test_company_consistency_through_import(self):
        """CHECKLIST 6: the import (load) refuses what the form refuses, and writes nothing."""
        self.env["ir.model.data"].create(
            {"module": "__import__", "name": "partner_of_a", "model": "res.partner", "res_id": self.partner_a.id}
        )
        Competitor = self.env["crm.competitor"].with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
        result = Competitor.load(
            ["name", "company_id", "partner_ids/id"],
            [["Imported Rival of B", "Company B (test)", "__import__.partner_of_a"]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("another company", " ".join(m["message"] for m in result["messages"] if m["type"] == "error"))
        self.assertFalse(Competitor.search([("name", "=", "Imported Rival of B")]))
        # without the partner of company A, the same row goes in
        result = Competitor.load(["name", "company_id"], [["Imported Rival of B", "Company B (test)"]])
        self.assertEqual(Competitor.browse(result["ids"]).company_id, self.company_b)

    def test_figures_leak_nothing_across_companies(self):
        self._create_known_deals()
        shared = self.env["crm.competitor"].create({"name": "Global Rival", "company_id": False})
        self._create_deal("A deal against the global rival", shared, 100, "won")
        self.assertEqual(shared.with_user(self.user_manager).won_count, 1)
        self.assertEqual(shared.with_user(self.user_salesman_b).won_count, 0)
        self.assertEqual(shared.with_user(self.user_salesman_b).lead_count, 0)

    def test_actions_refused_on_records_out_of_reach(self):
        """CHECKLIST 8: public actions called over RPC on records the user may not read are refused."""
        rival_of_a = self.rival_1.with_user(self.user_salesman_b)
        for action in ("action_open_leads", "action_open_won_leads", "action_open_lost_leads", "action_open_materials"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(rival_of_a, action)()
        with self.assertRaises(AccessError):
            rival_of_a.action_export_xlsx()
        lead_of_sue = self._create_deal("Sue's deal", self.rival_1, 10, user=self.user_salesman_2)
        with self.assertRaises(AccessError):
            lead_of_sue.with_user(self.user_salesman).action_open_battlecards()
