from datetime import datetime

from odoo.tests import tagged

from .common_sales_material import SalesMaterialCommon


@tagged("post_install", "-at_install")
class TestSalesMaterialUsageReport(SalesMaterialCommon):
    """The "Sales Materials" analysis under CRM > Reporting and the activity views."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deck = cls._create_material("Report Deck (test)", material_type="presentation")
        cls.prices = cls._create_material("Report Prices (test)", material_type="price_list")
        lead_sam_won = cls._create_opportunity("Sam won deal (test)", stage_id=cls.stage_won.id)
        lead_sam_open = cls._create_opportunity("Sam open deal (test)")
        lead_sue = cls._create_opportunity("Sue deal (test)", user=cls.user_salesman_2)
        sam, sue = cls.user_salesman, cls.user_salesman_2
        rows = [
            (cls.deck, lead_sam_won, sam, datetime(2026, 3, 5, 10, 0)),
            (cls.prices, lead_sam_won, sam, datetime(2026, 3, 6, 10, 0)),
            (cls.deck, lead_sam_open, sam, datetime(2026, 4, 1, 10, 0)),
            (cls.deck, lead_sue, sue, datetime(2026, 4, 2, 10, 0)),
            (cls.prices, lead_sue, sue, datetime(2026, 4, 3, 10, 0)),
        ]
        cls.env["crm.sales.material.usage"].create(
            [
                {"material_id": material.id, "lead_id": lead.id, "user_id": user.id, "date": date}
                for material, lead, user, date in rows
            ]
        )
        cls.domain = [("material_id", "in", (cls.deck | cls.prices).ids)]

    def _pivot(self, user, groupby):
        """What the pivot shows: one count per group, as the web client asks for it."""
        groups = (
            self.env["crm.sales.material.usage"]
            .with_user(user)
            .with_context(tz="UTC")
            .read_group(self.domain, ["__count"], groupby, lazy=False)
        )
        return {
            tuple(g[f][1] if isinstance(g[f], (tuple, list)) else g[f] for f in groupby): g["__count"] for g in groups
        }

    def test_salesman_counts_only_his_rows(self):
        self.assertEqual(
            self._pivot(self.user_salesman, ["material_id", "lead_state"]),
            {("Report Deck (test)", "won"): 1, ("Report Deck (test)", "open"): 1, ("Report Prices (test)", "won"): 1},
        )
        self.assertEqual(self._pivot(self.user_salesman, ["user_id"]), {("Sam Salesman",): 3})
        self.assertEqual(
            self._pivot(self.user_salesman_2, ["material_type"]), {("presentation",): 1, ("price_list",): 1}
        )

    def test_manager_counts_all_rows(self):
        self.assertEqual(
            self._pivot(self.user_manager, ["material_id", "lead_state"]),
            {
                ("Report Deck (test)", "won"): 1,
                ("Report Deck (test)", "open"): 2,
                ("Report Prices (test)", "won"): 1,
                ("Report Prices (test)", "open"): 1,
            },
        )
        self.assertEqual(self._pivot(self.user_manager, ["date:month"]), {("March 2026",): 2, ("April 2026",): 3})
        self.assertEqual(self._pivot(self.user_all_docs, ["user_id"]), {("Sam Salesman",): 3, ("Sue Salesman",): 2})
        self.assertEqual(self._pivot(self.user_manager, ["material_type"]), {("presentation",): 3, ("price_list",): 2})

    def test_report_action_views_and_menu(self):
        action = (
            self.env["ir.actions.act_window"]
            .with_user(self.user_salesman)
            ._for_xml_id("crm_extended.crm_sales_material_usage_action_report")
        )
        self.assertEqual(action["res_model"], "crm.sales.material.usage")
        self.assertEqual([mode for __, mode in action["views"]], ["graph", "pivot", "list"])
        views = (
            self.env["crm.sales.material.usage"]
            .with_user(self.user_salesman)
            .get_views(action["views"], {"load_filters": False, "toolbar": False})
        )
        self.assertIn('<field name="lead_state"', views["views"]["graph"]["arch"])
        self.assertIn('<field name="material_id" type="row"', views["views"]["pivot"]["arch"])
        search = self.env["crm.sales.material.usage"].with_user(self.user_salesman).get_views([(False, "search")])
        self.assertIn("groupby_material_type", search["views"]["search"]["arch"])
        fields = views["models"]["crm.sales.material.usage"]["fields"]
        self.assertTrue(fields["material_type"]["groupable"])

        menu = self.env.ref("crm_extended.crm_sales_material_usage_menu_report")
        self.assertEqual(menu.parent_id, self.env.ref("crm.crm_menu_report"))
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.user_salesman)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.user_internal)._visible_menu_ids())

    def test_activity_views(self):
        for model, xmlid in (
            ("crm.sales.material", "crm_extended.crm_sales_material_view_activity"),
            ("crm.contract", "crm_extended.crm_contract_view_activity"),
        ):
            with self.subTest(model=model):
                views = self.env[model].with_user(self.user_salesman).get_views([(False, "activity")])
                activity = views["views"]["activity"]
                self.assertEqual(activity["id"], self.env.ref(xmlid).id)
                self.assertIn('t-name="activity-box"', activity["arch"])
                self.assertIn('<field name="name"', activity["arch"])
        for xmlid in ("crm_extended.crm_sales_material_action", "crm_extended.crm_contract_action"):
            self.assertTrue(self.env.ref(xmlid).view_mode.endswith(",activity"), xmlid)
