from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CompetitorsCommon


@tagged("post_install", "-at_install")
class TestBattlecards(CompetitorsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Material = cls.env["crm.sales.material"]
        cls.card_1 = Material.create({"name": "Why we beat Rival One", "material_type": "presentation"})
        cls.card_2 = Material.create({"name": "Rival pricing compared", "material_type": "price_list"})
        cls.brochure = Material.create({"name": "Generic brochure", "material_type": "brochure"})
        cls.rival_1.material_ids = cls.card_1 | cls.card_2
        cls.rival_2.material_ids = cls.card_2

    def test_inverse_on_material(self):
        self.assertEqual(self.card_2.competitor_ids, self.rival_1 | self.rival_2)
        self.assertFalse(self.brochure.competitor_ids)
        self.brochure.competitor_ids = [Command.link(self.rival_3.id)]
        self.assertEqual(self.rival_3.material_ids, self.brochure)
        self.assertEqual(self.rival_3.material_count, 1)

    def test_battlecards_one_click_from_opportunity(self):
        lead = self._create_deal("Deal with battlecards", self.rival_2, 100)
        lead_form = Form(lead.with_user(self.user_salesman))
        self.assertEqual(lead_form.battlecard_count, 1)
        lead_form.competitor_ids.add(self.rival_1)
        self.assertEqual(lead_form.battlecard_count, 2, "updated as soon as a competitor is added")
        lead = lead_form.save()
        action = lead.action_open_battlecards()
        self.assertEqual(action["res_model"], "crm.sales.material")
        materials = self.env["crm.sales.material"].with_user(self.user_salesman).search(action["domain"])
        self.assertEqual(materials, self.card_1 | self.card_2)
        action = self.rival_1.with_user(self.user_salesman).action_open_materials()
        self.assertEqual(self.env["crm.sales.material"].search(action["domain"]), self.card_1 | self.card_2)

    def test_salesman_links_any_material_to_a_competitor(self):
        """Battlecards are intelligence: a salesman links materials he does not own to a competitor."""
        self.assertNotEqual(self.brochure.user_id, self.user_salesman)
        self.rival_3.with_user(self.user_salesman).material_ids = [Command.link(self.brochure.id)]
        self.assertEqual(self.rival_3.material_ids, self.brochure)

    def test_battlecard_report_lists_materials(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_competitors.crm_competitor_report_battlecard", self.rival_1.ids)[0]
            .decode()
        )
        self.assertIn("Why we beat Rival One", html)
        self.assertIn("Rival pricing compared", html)
        self.assertNotIn("Generic brochure", html)

    def test_merge_moves_battlecards(self):
        wizard = self.env["crm.competitor.merge"].create(
            {"competitor_ids": (self.rival_2 | self.rival_3).ids, "dst_competitor_id": self.rival_3.id}
        )
        wizard.with_user(self.user_manager).action_merge()
        self.assertEqual(self.rival_3.material_ids, self.card_2)
        self.assertEqual(self.card_2.competitor_ids, self.rival_1 | self.rival_3)
