import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CompetitorsCommon


@tagged("post_install", "-at_install")
class TestCompetitorFigures(CompetitorsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_known_deals()

    def _figures(self, competitor):
        return {
            "lead_count": competitor.lead_count,
            "open_count": competitor.open_count,
            "won_count": competitor.won_count,
            "lost_count": competitor.lost_count,
            "win_rate": round(competitor.win_rate, 1),
            "revenue_won": competitor.revenue_won,
            "revenue_lost": competitor.revenue_lost,
        }

    def test_figures_all_documents(self):
        """Won, lost (named or nobody named), open; other competitors' wins do not count as losses."""
        rival_1 = self.rival_1.with_user(self.user_all_docs)
        self.assertEqual(
            self._figures(rival_1),
            {
                "lead_count": 6,
                "open_count": 1,
                "won_count": 3,
                "lost_count": 2,
                "win_rate": 60.0,
                "revenue_won": 8000.0,
                "revenue_lost": 800.0,
            },
        )
        # Rival Two: the deal lost to Rival One is neither won nor lost against it.
        self.assertEqual(
            self._figures(self.rival_2.with_user(self.user_all_docs)),
            {
                "lead_count": 4,
                "open_count": 0,
                "won_count": 1,
                "lost_count": 2,
                "win_rate": 33.3,
                "revenue_won": 1000.0,
                "revenue_lost": 700.0,
            },
        )
        self.assertEqual(
            self._figures(self.rival_3.with_user(self.user_all_docs)),
            dict.fromkeys(("lead_count", "open_count", "won_count", "lost_count", "win_rate"), 0)
            | {"revenue_won": 0.0, "revenue_lost": 0.0},
        )

    def test_figures_salesman_counts_only_visible_deals(self):
        """CHECKLIST 7: Sue's big win is not visible to Sam, so it is not in his figures."""
        self.assertEqual(
            self._figures(self.rival_1.with_user(self.user_salesman)),
            {
                "lead_count": 5,
                "open_count": 1,
                "won_count": 2,
                "lost_count": 2,
                "win_rate": 50.0,
                "revenue_won": 3000.0,
                "revenue_lost": 800.0,
            },
        )
        rival_sue = self.rival_1.with_user(self.user_salesman_2)
        self.assertEqual((rival_sue.lead_count, rival_sue.won_count, rival_sue.lost_count), (1, 1, 0))
        self.assertEqual(rival_sue.win_rate, 100.0)

    def test_figures_follow_the_deals(self):
        """Winning the open deal and reopening a lost one update the figures."""
        self.deal_open_r1.write({"stage_id": self.stage_won.id})
        self.deal_lost_to_r1.action_unarchive()
        self.assertFalse(self.deal_lost_to_r1.lost_competitor_id, "a reopened deal is no longer lost to anybody")
        rival_1 = self.rival_1.with_user(self.user_all_docs)
        self.assertEqual((rival_1.won_count, rival_1.lost_count, rival_1.open_count), (4, 1, 1))
        self.assertEqual(rival_1.win_rate, 80.0)

    def test_query_count_does_not_grow_with_competitors(self):
        Competitor = self.env["crm.competitor"].with_user(self.user_salesman)
        many = self.rival_1 | self.rival_2 | self.rival_3
        many |= self.env["crm.competitor"].create([{"name": f"Extra rival {i}"} for i in range(20)])
        # warm the caches (access rules, registry) once
        Competitor.browse(many.ids).mapped("win_rate")
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(Competitor.browse(self.rival_1.ids).win_rate, 50.0)
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            rates = Competitor.browse(many.ids).mapped("win_rate")
        self.assertEqual([round(rate, 1) for rate in rates[:3]], [50.0, 33.3, 0.0])
        self.assertEqual(len(rates), 23)

    def test_figures_of_all_competitors_in_one_grouped_query(self):
        """The list of every competitor with its figures: the figures are one grouped query over
        the opportunities the user may read, whatever the number of competitors."""
        fnames = ["lead_count", "won_count", "lost_count", "win_rate", "revenue_won", "revenue_lost"]
        Competitor = self.env["crm.competitor"].with_user(self.user_salesman)
        Competitor.search([]).read(fnames)  # warm the caches (access rules, registry)
        for extra in (0, 20):
            self.env["crm.competitor"].create(
                [{"name": f"Extra rival {i}", "company_id": self.company_a.id} for i in range(extra)]
            )
            self.env.invalidate_all()
            # search, access check of the competitors, figures
            with self.assertQueryCount(3):
                figures = {row["id"]: row for row in Competitor.search([]).read(fnames)}
            self.assertEqual(len(figures), 3 + extra)
            competitors = Competitor.search([])
            with self.assertQueryCount(1):
                self.assertEqual(competitors.read(fnames), list(figures.values()))
        # the salesman's record rules on opportunities are in that query: Sue's won deal is not his
        self.assertEqual(
            [figures[self.rival_1.id][fname] for fname in ("lead_count", "won_count", "lost_count", "win_rate")],
            [5, 2, 2, 50.0],
        )
        rival_sue = self.rival_1.with_user(self.user_salesman_2)
        self.assertEqual((rival_sue.lead_count, rival_sue.won_count), (1, 1))

    def test_analysis_report(self):
        """Win/loss pivot: counts by competitor and outcome, per salesperson visibility."""
        self.env.flush_all()
        Analysis = self.env["crm.competitor.analysis"]
        groups = Analysis.with_user(self.user_all_docs)._read_group(
            [("competitor_id", "=", self.rival_1.id)],
            ["outcome"],
            ["lead_count:sum", "revenue_won:sum", "revenue_lost:sum"],
        )
        self.assertEqual(
            {outcome: rest for outcome, *rest in groups},
            {"won": [3, 8000.0, 0.0], "lost": [2, 0.0, 800.0], "open": [1, 0.0, 0.0]},
        )
        groups = Analysis.with_user(self.user_salesman)._read_group(
            [("competitor_id", "=", self.rival_1.id)], ["user_id"], ["won_count:sum", "lost_count:sum"]
        )
        self.assertEqual([(user, won, lost) for user, won, lost in groups], [(self.user_salesman, 2, 2)])
        # Rival Two: the deal lost to Rival One shows as "lost to another competitor".
        other = Analysis.search([("competitor_id", "=", self.rival_2.id), ("outcome", "=", "other")])
        self.assertEqual(other.lead_id, self.deal_lost_to_r1)

    def test_analysis_by_product_and_quarter(self):
        product = self.env["product.product"].create({"name": "Our CRM (test)"})
        self.rival_2.product_ids = product
        self.env.flush_all()
        groups = self.env["crm.competitor.analysis"]._read_group(
            [("product_ids", "=", product.id)], ["product_ids", "date_closed:quarter"], ["lead_count:sum"]
        )
        self.assertEqual(sum(count for _product, _quarter, count in groups), 4)
        self.assertEqual({p for p, _q, _c in groups}, {product})


@tagged("post_install", "-at_install")
class TestCompetitorUniqueness(CompetitorsCommon):
    def test_name_unique_per_company_ignoring_case(self):
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self.env["crm.competitor"].create({"name": "RIVAL one", "company_id": self.company_a.id})
        other_company = self.env["crm.competitor"].create({"name": "rival ONE", "company_id": self.company_b.id})
        self.assertEqual(other_company.company_id, self.company_b)
        # A shared competitor (no company) has its own namespace, unique too.
        self.env["crm.competitor"].create({"name": "Rival One", "company_id": False})
        with self.assertRaises(ValidationError):
            self.env["crm.competitor"].create({"name": "rival one", "company_id": False})

    def test_archived_duplicate_and_rename(self):
        self.rival_3.action_archive()
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.env["crm.competitor"].create({"name": "Rival three", "company_id": self.company_a.id})
        with self.assertRaises(ValidationError):
            self.rival_2.name = "rival one"
        # wildcards are not patterns: "Rival_One" is another name
        self.env["crm.competitor"].create({"name": "Rival_One", "company_id": self.company_a.id})

    def test_reported_revenue_not_negative(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.rival_1.reported_revenue = -5
        self.rival_1.reported_revenue = 1_000_000
        self.assertEqual(self.rival_1.reported_revenue, 1_000_000)

    @mute_logger("odoo.sql_db")
    def test_unique_index_in_database(self):
        with self.assertRaises(psycopg2.errors.UniqueViolation):
            self.env.cr.execute(
                "INSERT INTO crm_competitor (name, company_id, threat_level, active) VALUES (%s, %s, 'low', true)",
                ("RIVAL ONE", self.company_a.id),
            )


@tagged("post_install", "-at_install")
class TestLostWizard(CompetitorsCommon):
    def test_lost_to_competitor(self):
        lead = self._create_deal("Big deal", self.rival_1, 1200)
        wizard_form = Form(
            self.env["crm.lead.lost"]
            .with_user(self.user_salesman)
            .with_context(active_ids=lead.ids, default_lead_ids=lead.ids)
        )
        wizard_form.lost_reason_id = self.lost_reason
        wizard_form.lost_competitor_id = self.rival_2
        wizard_form.save().action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertEqual(lead.probability, 0)
        self.assertEqual(lead.lost_reason_id, self.lost_reason)
        self.assertEqual(lead.lost_competitor_id, self.rival_2)
        self.assertEqual(lead.competitor_ids, self.rival_1 | self.rival_2, "the winner joins the competitors")
        self.assertEqual((self.rival_2.lost_count, self.rival_2.revenue_lost), (1, 1200.0))
        self.assertEqual(self.rival_1.lost_count, 0, "lost to Rival Two, not to Rival One")

    def test_lost_without_competitor(self):
        lead = self._create_deal("Small deal", self.rival_1, 100)
        wizard = self.env["crm.lead.lost"].create({"lead_ids": lead.ids, "lost_reason_id": self.lost_reason.id})
        wizard.action_lost_reason_apply()
        self.assertFalse(lead.active)
        self.assertFalse(lead.lost_competitor_id)
        self.assertEqual(self.rival_1.lost_count, 1, "nobody named: lost to every competitor of the deal")


@tagged("post_install", "-at_install")
class TestOpportunityMerge(CompetitorsCommon):
    def test_merged_opportunity_keeps_every_competitor(self):
        lead_1 = self._create_deal("Merge me 1", self.rival_1, 100)
        lead_2 = self._create_deal("Merge me 2", self.rival_2 | self.rival_3, 200)
        merged = (lead_1 | lead_2).merge_opportunity(auto_unlink=True)
        self.assertEqual(merged.competitor_ids, self.rival_1 | self.rival_2 | self.rival_3)
        self.assertFalse(merged.lost_competitor_id)
        self.assertEqual(self.rival_3.lead_count, 1)


@tagged("post_install", "-at_install")
class TestCompetitorMerge(CompetitorsCommon):
    def test_merge_moves_everything(self):
        self._create_known_deals()
        self.rival_2.partner_ids = self.partner_a
        self.rival_2.country_ids = self.env.ref("base.be")
        wizard = (
            self.env["crm.competitor.merge"]
            .with_user(self.user_manager)
            .with_context(active_model="crm.competitor", active_ids=(self.rival_1 | self.rival_2).ids)
            .create({})
        )
        self.assertEqual(wizard.dst_competitor_id, self.rival_1, "the one with most deals is kept by default")
        wizard.action_merge()
        self.assertFalse(self.rival_2.active)
        self.assertEqual(self.deal_lost_to_r2.lost_competitor_id, self.rival_1)
        self.assertEqual(self.deal_lost_to_r2.competitor_ids, self.rival_1)
        self.assertEqual(self.deal_won_both.competitor_ids, self.rival_1)
        self.assertEqual(self.rival_1.partner_ids, self.partner_a)
        self.assertEqual(self.rival_1.country_ids, self.env.ref("base.be"))
        self.assertFalse(self.rival_2.lead_ids)
        self.assertEqual(self.rival_1.with_user(self.user_manager).lead_count, 7)

    def test_merge_refused_to_salesman(self):
        with self.assertRaises(AccessError):
            self.env["crm.competitor.merge"].with_user(self.user_salesman).create(
                {"competitor_ids": (self.rival_1 | self.rival_2).ids, "dst_competitor_id": self.rival_1.id}
            )
        wizard = self.env["crm.competitor.merge"].create(
            {"competitor_ids": (self.rival_1 | self.rival_2).ids, "dst_competitor_id": self.rival_1.id}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_all_docs).action_merge()
