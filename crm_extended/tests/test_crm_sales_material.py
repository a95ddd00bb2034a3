import ast
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import Form, tagged

from .common_sales_material import SalesMaterialCommon


@tagged("post_install", "-at_install")
class TestCrmSalesMaterialValidity(SalesMaterialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mat_no_date = cls._create_material("No date")
        cls.mat_31 = cls._create_material("In 31 days", expiration_date=date(2026, 4, 1))
        cls.mat_30 = cls._create_material("In 30 days", expiration_date=date(2026, 3, 31))
        cls.mat_today = cls._create_material("Today", expiration_date=date(2026, 3, 1))
        cls.mat_yesterday = cls._create_material("Yesterday", expiration_date=date(2026, 2, 28))
        cls.materials = cls.mat_no_date | cls.mat_31 | cls.mat_30 | cls.mat_today | cls.mat_yesterday

    def _search_filter(self, filter_name):
        """Search with the domain of a filter of the search view, as a user would."""
        arch = self.Material.get_view(view_type="search")["arch"]
        node = etree.fromstring(arch).xpath(f"//filter[@name='{filter_name}']")[0]
        domain = ast.literal_eval(node.get("domain"))
        return self.Material.search([("id", "in", self.materials.ids), *domain])

    def test_validity_computed(self):
        with freeze_time("2026-03-01 10:00:00"):
            self.materials.invalidate_recordset(["validity"])
            self.assertEqual(
                self.materials.mapped("validity"),
                ["valid", "valid", "expiring", "expiring", "expired"],
            )

    def test_validity_filters(self):
        with freeze_time("2026-03-01 10:00:00"):
            self.assertEqual(self._search_filter("filter_valid"), self.mat_no_date | self.mat_31)
            self.assertEqual(self._search_filter("filter_expiring"), self.mat_30 | self.mat_today)
            self.assertEqual(self._search_filter("filter_expired"), self.mat_yesterday)
            not_expired = self.Material.search([("id", "in", self.materials.ids), ("validity", "!=", "expired")])
            self.assertEqual(not_expired, self.materials - self.mat_yesterday, "materials without a date are kept")
            in_search = self.Material.search(
                [("id", "in", self.materials.ids), ("validity", "in", ["expired", "expiring"])]
            )
            self.assertEqual(in_search, self.mat_30 | self.mat_today | self.mat_yesterday)

    def test_validity_follows_time_without_write(self):
        """Nothing stored goes stale: the same record changes validity when the days pass."""
        with freeze_time("2026-02-01"):
            self.mat_31.invalidate_recordset(["validity"])
            self.assertEqual(self.mat_31.validity, "valid")
            self.assertEqual(self._search_filter("filter_valid") & self.mat_31, self.mat_31)
        with freeze_time("2026-03-10"):
            self.mat_31.invalidate_recordset(["validity"])
            self.assertEqual(self.mat_31.validity, "expiring")
            self.assertEqual(self._search_filter("filter_expiring") & self.mat_31, self.mat_31)
        with freeze_time("2026-04-02"):
            self.mat_31.invalidate_recordset(["validity"])
            self.assertEqual(self.mat_31.validity, "expired")
            self.assertEqual(self._search_filter("filter_expired") & self.mat_31, self.mat_31)

    def test_filter_mine_and_shareable(self):
        self.mat_31.customer_viewable = False
        self.mat_30.user_id = self.user_salesman_2
        mine = self.Material.with_user(self.user_salesman_2).search(
            [("id", "in", self.materials.ids), ("user_id", "=", self.user_salesman_2.id)]
        )
        self.assertEqual(mine, self.mat_30)
        self.assertNotIn(self.mat_31, self._search_filter("filter_shareable"))
        self.assertIn(self.mat_30, self._search_filter("filter_shareable"))

    def test_form_defaults(self):
        form = Form(self.Material.with_user(self.user_salesman))
        form.name = "Datasheet X"
        form.material_type = "datasheet"
        material = form.save()
        self.assertEqual(material.user_id, self.user_salesman, "the creator owns the material")
        self.assertEqual(material.company_id, self.company_a)
        self.assertEqual(material.validity, "valid")
        self.assertTrue(material.customer_viewable)
        installed = dict(self.env["res.lang"].get_installed())
        self.assertIn(material.lang, installed)


@tagged("post_install", "-at_install")
class TestCrmSalesMaterialCron(SalesMaterialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review_type = cls.env.ref("crm_extended.mail_activity_type_material_review")

    def _review_activities(self, material):
        return material.activity_ids.filtered(lambda act: act.activity_type_id == self.review_type)

    def test_cron_one_activity_however_often(self):
        expiring = self._create_material("Expiring", expiration_date=date(2026, 3, 20))
        later = self._create_material("Later", expiration_date=date(2026, 6, 1))
        expired = self._create_material("Expired", expiration_date=date(2026, 2, 1))
        no_date = self._create_material("No date")
        with freeze_time("2026-03-01"):
            self.Material._cron_request_review()
            self.Material._cron_request_review()
        activity = self._review_activities(expiring)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_salesman, "the owner is asked to review")
        self.assertEqual(activity.date_deadline, date(2026, 3, 20))
        for material in later | expired | no_date:
            self.assertFalse(self._review_activities(material), material.name)

        # the owner reviews it: the next days' runs do not ask again for the same date
        activity.with_user(self.user_salesman).action_feedback(feedback="Still accurate")
        with freeze_time("2026-03-02"):
            self.Material._cron_request_review()
        with freeze_time("2026-03-15"):
            self.Material._cron_request_review()
        self.assertFalse(self._review_activities(expiring))
        self.assertFalse(expiring.activity_ids)

        # a new expiration date gets a new reminder when it comes near
        expiring.with_user(self.user_salesman).expiration_date = date(2026, 9, 30)
        with freeze_time("2026-03-16"):
            self.Material._cron_request_review()
        self.assertFalse(self._review_activities(expiring))
        with freeze_time("2026-09-10"):
            self.Material._cron_request_review()
            self.Material._cron_request_review()
        self.assertEqual(len(self._review_activities(expiring)), 1)
        self.assertEqual(self._review_activities(expiring).date_deadline, date(2026, 9, 30))

        # the later material is reminded once its window opens
        with freeze_time("2026-05-05"):
            self.Material._cron_request_review()
        self.assertEqual(len(self._review_activities(later)), 1)

    def test_cron_expired_material_stays(self):
        expired = self._create_material("Old brochure", expiration_date=date(2026, 1, 1))
        with freeze_time("2026-03-01"):
            self.Material._cron_request_review()
            self.assertTrue(expired.exists())
            self.assertTrue(expired.active, "expired materials stay in the library as history")
            expired.invalidate_recordset(["validity"])
            self.assertEqual(expired.validity, "expired")

    def test_cron_job_registered(self):
        cron = self.env.ref("crm_extended.ir_cron_crm_sales_material_review")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.model_id.model, "crm.sales.material")


@tagged("post_install", "-at_install")
class TestCrmSalesMaterialFigures(SalesMaterialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mat_1 = cls._create_material("Deck")
        cls.mat_2 = cls._create_material("Price list", material_type="price_list")
        cls.mat_3 = cls._create_material("Never sent", material_type="report")
        cls.lead_won = cls._create_opportunity("Won deal")
        cls.lead_lost = cls._create_opportunity("Lost deal")
        cls.lead_open = cls._create_opportunity("Open deal")
        cls.lead_other = cls._create_opportunity("Sue's deal", user=cls.user_salesman_2)
        Usage = cls.env["crm.sales.material.usage"]
        now = fields.Datetime.now()
        cls.usages = Usage.create(
            [
                {"material_id": material.id, "lead_id": lead.id, "user_id": cls.user_salesman.id, "date": now}
                for material, lead in [
                    (cls.mat_1, cls.lead_won),
                    (cls.mat_1, cls.lead_won),
                    (cls.mat_1, cls.lead_lost),
                    (cls.mat_1, cls.lead_open),
                    (cls.mat_1, cls.lead_other),
                    (cls.mat_2, cls.lead_won),
                ]
            ]
        )
        cls.lead_won.action_set_won()
        cls.lead_lost.action_set_lost()
        cls.lead_other.action_set_lost()

    def test_figures(self):
        materials = (self.mat_1 | self.mat_2 | self.mat_3).with_user(self.user_manager)
        self.assertEqual(materials.mapped("sent_count"), [5, 1, 0])
        self.assertEqual(materials.mapped("won_count"), [1, 1, 0], "a deal counts once however often it was sent")
        self.assertEqual(materials.mapped("lost_count"), [2, 0, 0])
        self.assertAlmostEqual(materials[0].win_rate, 100.0 / 3, places=1)
        self.assertEqual(materials[1].win_rate, 100.0)
        self.assertEqual(materials[2].win_rate, 0.0)

    def test_figures_follow_the_deal(self):
        self.assertEqual(self.mat_1.won_count, 1)
        self.lead_open.action_set_won()
        self.mat_1.invalidate_recordset(["won_count", "win_rate"])
        self.assertEqual(self.mat_1.won_count, 2)
        self.assertEqual(self.mat_1.win_rate, 50.0)
        self.lead_lost.toggle_active()  # restored: back in progress
        self.mat_1.invalidate_recordset(["lost_count", "win_rate"])
        self.assertEqual(self.mat_1.lost_count, 1)

    def test_figures_count_only_visible_deals(self):
        """A salesman does not see usage on another salesman's opportunity, nor counts it."""
        material = self.mat_1.with_user(self.user_salesman)
        self.assertEqual(material.sent_count, 4)
        self.assertEqual(material.lost_count, 1)
        self.assertEqual(material.win_rate, 50.0)
        self.assertNotIn(self.lead_other, material.usage_ids.lead_id)

    def test_figures_query_count(self):
        """One grouped query for the figures, whatever the number of materials."""
        few = (self.mat_1 | self.mat_2).with_user(self.user_salesman)
        many = (few | self.mat_3 | self.Material.create([{"name": f"M{i}"} for i in range(10)])).with_user(
            self.user_salesman
        )
        # warm up caches not related to the figures (access rights, rules)
        few.mapped("win_rate")
        for materials in (few, many):
            materials.invalidate_model()
            with self.assertQueryCount(1):
                materials.mapped("win_rate")
                materials.mapped("sent_count")
                materials.mapped("lost_count")
