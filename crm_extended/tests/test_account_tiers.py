from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


@tagged("post_install", "-at_install")
class TestAccountTiers(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1) or cls.env["crm.stage"].create(
            {"name": "Won (test)", "is_won": True}
        )
        # a known distribution: 1000 in total
        cls.values = [500, 300, 100, 50, 30, 10, 5, 3, 2]
        cls.accounts = cls.Partner.create(
            [
                {"name": f"Tier account {value}", "is_company": True, "company_id": cls.company_a.id}
                for value in cls.values
            ]
        )
        for account, value in zip(cls.accounts, cls.values, strict=True):
            cls._won(account, value)
        cls.no_value = cls.Partner.create({"name": "No value", "is_company": True, "company_id": cls.company_a.id})

    @classmethod
    def _won(cls, partner, revenue, closed=None):
        lead = cls.env["crm.lead"].create(
            {
                "name": f"Deal {partner.name}",
                "type": "opportunity",
                "partner_id": partner.id,
                "expected_revenue": revenue,
                "company_id": cls.company_a.id,
            }
        )
        lead.action_set_won()
        if closed:
            lead.date_closed = closed
        return lead

    def _tiers(self, partners=None):
        return (partners or self.accounts).mapped("customer_tier")

    def test_pareto_on_known_distribution(self):
        changed = self.Partner._crm_compute_customer_tiers()
        # before 500: 0 -> A; before 300: 500 -> A; before 100: 800 -> B; before 50: 900 -> B; then C
        self.assertEqual(self._tiers(), ["A", "A", "B", "B", "C", "C", "C", "C", "C"])
        self.assertFalse(self.no_value.customer_tier, "an account without value has no tier")
        self.assertGreaterEqual(changed, 9)
        # idempotent: a second run changes nothing
        self.assertEqual(self.Partner._crm_compute_customer_tiers(), 0)
        self.assertEqual(self._tiers(), ["A", "A", "B", "B", "C", "C", "C", "C", "C"])

    def test_thresholds_per_company(self):
        self.company_a.write({"crm_tier_a_percent": 50, "crm_tier_b_percent": 40})
        self.assertEqual(self.company_a.crm_tier_c_percent, 10)
        self.Partner._crm_compute_customer_tiers()
        # before: 0 A | 500 B | 800 B | 900 C ...
        self.assertEqual(self._tiers(), ["A", "B", "B", "C", "C", "C", "C", "C", "C"])
        with self.assertRaises(ValidationError):
            self.company_a.write({"crm_tier_a_percent": 90, "crm_tier_b_percent": 20})

    def test_value_sources(self):
        """Active contracts count, on the commercial entity; old won deals, lost deals and drafts do not."""
        small = self.accounts[-1]  # 2
        contact = self.Partner.create({"name": "Buyer", "parent_id": small.id})
        contract = self.env["crm.contract"].create(
            {
                "name": "Support",
                "partner_id": contact.id,
                "company_id": self.company_a.id,
                "date_start": fields.Date.today() - timedelta(days=30),
                "line_ids": [Command.create({"name": "Support", "price_unit": 1000, "recurring_interval": "yearly"})],
            }
        )
        self.env["crm.contract"].create(
            {
                "name": "Draft",
                "partner_id": self.accounts[-2].id,
                "company_id": self.company_a.id,
                "date_start": fields.Date.today(),
                "line_ids": [Command.create({"name": "Draft", "price_unit": 5000, "recurring_interval": "yearly"})],
            }
        )
        self._won(self.accounts[-3], 10000, closed=fields.Datetime.now() - timedelta(days=400))
        lost = self.env["crm.lead"].create(
            {"name": "Lost", "type": "opportunity", "partner_id": self.accounts[-4].id, "expected_revenue": 9000}
        )
        lost.action_set_lost()
        self.Partner._crm_compute_customer_tiers()
        self.assertEqual(small.customer_tier, "C", "the draft contract does not count yet")
        contract.action_activate()
        self.Partner._crm_compute_customer_tiers()
        # 1002 of 2002 in total: the biggest account now
        self.assertEqual(small.customer_tier, "A")
        self.assertFalse(contact.customer_tier, "contacts have no tier, their account has")
        self.assertEqual(self.accounts[-2:-1].customer_tier, "C")
        self.assertEqual(self.accounts[-3:-2].customer_tier, "C")
        self.assertEqual(self.accounts[-4:-3].customer_tier, "C")

    def test_account_value_in_company_currency(self):
        """A contract in another currency counts at the latest rate; won deals of 12 months count."""
        company_currency = self.company_a.currency_id
        other = self.env.ref("base.EUR") if company_currency != self.env.ref("base.EUR") else self.env.ref("base.USD")
        other.active = True
        self.env["res.currency.rate"].search([("currency_id", "in", (other | company_currency).ids)]).unlink()
        self.env["res.currency.rate"].create(
            [
                {"currency_id": other.id, "rate": 4.0, "name": "2020-01-01", "company_id": self.company_a.id},
                {"currency_id": other.id, "rate": 2.0, "name": "2024-01-01", "company_id": self.company_a.id},
            ]
        )
        account = self.accounts[-1]  # 2 won
        contract = self.env["crm.contract"].create(
            {
                "name": "Foreign support",
                "partner_id": account.id,
                "company_id": self.company_a.id,
                "currency_id": other.id,
                "date_start": fields.Date.today() - timedelta(days=30),
                "line_ids": [Command.create({"name": "Support", "price_unit": 1000, "recurring_interval": "yearly"})],
            }
        )
        contract.action_activate()
        self.env.flush_all()
        values = dict(
            self.env.execute_query(
                SQL(
                    "SELECT account_id, amount FROM (%s) v",
                    self.Partner._crm_account_value_query(fields.Datetime.now()),
                )
            )
        )
        self.assertAlmostEqual(values[account.id], 2 + 1000 / 2.0, msg="1000 at 2 per unit of company currency")
        self.assertAlmostEqual(values[self.accounts[0].id], 500)
        self.assertNotIn(self.no_value.id, values)

    def test_cadence_follows_tier_unless_set_by_hand(self):
        top, second = self.accounts[0], self.accounts[1]
        self.assertEqual(top.contact_cadence_days, 90, "no tier yet: the C cadence")
        second.contact_cadence_days = 14
        self.company_a.crm_cadence_days_a = 21
        self.Partner._crm_compute_customer_tiers()
        self.assertEqual(top.contact_cadence_days, 21)
        self.assertEqual(top.next_contact_date, top.create_date.date() + timedelta(days=21))
        self.assertEqual(second.contact_cadence_days, 14, "a cadence set by hand is kept")
        self.assertEqual(self.accounts[-1].contact_cadence_days, 90)

    def test_archived_account_loses_tier(self):
        self.Partner._crm_compute_customer_tiers()
        top = self.accounts[0]
        self.assertEqual(top.customer_tier, "A")
        top.action_archive()
        self.Partner._crm_compute_customer_tiers()
        self.assertFalse(top.customer_tier)
        self.assertEqual(self.accounts[1].customer_tier, "A")

    def test_tier_filter_and_group(self):
        self.Partner._crm_compute_customer_tiers()
        self.accounts[:3].write({"relationship_type": "customer"})
        found = self.Partner.search([("customer_tier", "=", "A"), ("id", "in", self.accounts.ids)])
        self.assertEqual(found, self.accounts[:2])
        groups = self.Partner._read_group(
            [("id", "in", self.accounts.ids)], ["customer_tier", "relationship_type"], ["__count"]
        )
        self.assertIn(("A", "customer", 2), groups)
        self.assertIn(("B", "customer", 1), groups)

    def test_cron_and_rights(self):
        cron = self.env.ref("crm_extended.ir_cron_crm_customer_tiers")
        cron.method_direct_trigger()
        self.assertEqual(self.accounts[0].customer_tier, "A")
        # the tier is computed, never written by hand through the UI
        self.assertTrue(self.Partner._fields["customer_tier"].readonly)
