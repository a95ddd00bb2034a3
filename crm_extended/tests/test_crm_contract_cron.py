from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.crm_extended.tests.contract_common import CrmContractCommon


@tagged("post_install", "-at_install")
class TestCrmContractCron(CrmContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("crm_extended.mail_activity_type_crm_contract_renewal")
        # ends 2025-06-30, notice 30 days before: from 2025-05-31
        cls.contract = cls._create_contract(date_start="2024-07-01", date_end="2025-06-30", notice_period_days=30)
        cls.contract_auto = cls._create_contract(
            date_start="2024-07-01", date_end="2025-06-30", notice_period_days=30, auto_renew=True
        )
        cls.contract_later = cls._create_contract(date_start="2025-01-01", date_end="2025-12-31")
        (cls.contract | cls.contract_auto | cls.contract_later).action_activate()

    def _renewal_activities(self, contracts):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.contract"),
                ("res_id", "in", contracts.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _run_cron(self):
        self.env["crm.contract"]._cron_process_contracts()
        self.env.invalidate_all()

    def test_cron_is_registered(self):
        cron = self.env.ref("crm_extended.ir_cron_crm_contract")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_notice_once(self):
        self.assertEqual(self.contract.date_notice, fields.Date.to_date("2025-05-31"))
        with freeze_time("2025-05-30"):
            self._run_cron()
        self.assertFalse(self._renewal_activities(self.contract), "no notice before the notice period")
        with freeze_time("2025-05-31"):
            self._run_cron()
            self._run_cron()
        activities = self._renewal_activities(self.contract)
        self.assertEqual(len(activities), 1, "running twice gives one activity")
        self.assertEqual(activities.user_id, self.user_salesman)
        self.assertEqual(activities.date_deadline, self.contract.date_end)
        self.assertIn(self.contract.code, activities.summary)
        self.assertTrue(self.contract.renewal_notified)
        self.assertFalse(self._renewal_activities(self.contract_later), "not yet in its notice period")
        # the salesman marks it done; the following days bring no new activity
        activities.action_done()
        with freeze_time("2025-06-10"):
            self._run_cron()
        self.assertFalse(self._renewal_activities(self.contract))
        self.assertEqual(self.contract.state, "active")

    def test_notice_not_doubled_when_flag_lost(self):
        """Even if the flag is reset (end date moved), an open notice is not given twice."""
        with freeze_time("2025-06-01"):
            self._run_cron()
            self.contract.date_end = "2025-06-20"
            self.assertTrue(self.contract.renewal_notified, "notice date still passed: stays notified")
            self.contract.date_end = "2026-06-30"
            self.assertFalse(self.contract.renewal_notified, "postponed end: a new notice will be due")
        with freeze_time("2026-06-01"):
            self._run_cron()
        self.assertEqual(len(self._renewal_activities(self.contract)), 1)
        self.assertTrue(self.contract.renewal_notified)

    def test_renewal_opportunity_once(self):
        self.company_a.crm_contract_renewal_lead = True
        with freeze_time("2025-06-01"):
            self._run_cron()
            self._run_cron()
        leads = self.env["crm.lead"].search([("name", "ilike", self.contract.code)])
        self.assertEqual(len(leads), 1)
        self.assertEqual(self.contract.renewal_lead_id, leads)
        self.assertEqual(leads.type, "opportunity")
        self.assertEqual(leads.partner_id, self.partner_a)
        self.assertEqual(leads.user_id, self.user_salesman)
        self.assertAlmostEqual(leads.expected_revenue, self.contract.amount_yearly)
        self.assertAlmostEqual(leads.expected_revenue, 2 * 100 * 12)

    def test_no_renewal_opportunity_by_default(self):
        with freeze_time("2025-06-01"):
            self._run_cron()
        self.assertFalse(self.contract.renewal_lead_id)
        self.assertEqual(len(self._renewal_activities(self.contract)), 1)

    def test_expiry_and_auto_renewal(self):
        with freeze_time("2025-06-30"):
            self._run_cron()
        self.assertEqual(self.contract.state, "active", "still running on its last day")
        with freeze_time("2025-07-01"):
            self._run_cron()
            self._run_cron()
        self.assertEqual(self.contract.state, "expired")
        self.assertFalse(self.contract.next_contract_id)
        self.assertEqual(self.contract_auto.state, "renewed")
        successors = self.env["crm.contract"].search([("previous_contract_id", "=", self.contract_auto.id)])
        self.assertEqual(len(successors), 1, "running twice renews once")
        self.assertEqual(self.contract_auto.next_contract_id, successors)
        self.assertEqual(successors.state, "active")
        self.assertEqual(successors.date_start, fields.Date.to_date("2025-07-01"))
        self.assertEqual(successors.date_end, fields.Date.to_date("2026-06-30"))
        self.assertAlmostEqual(successors.amount_yearly, self.contract_auto.amount_yearly)
        self.assertEqual(self.contract_later.state, "active")

    def test_on_hold_and_draft_untouched(self):
        self.contract.action_hold()
        draft = self._create_contract(date_start="2024-01-01", date_end="2024-12-31")
        with freeze_time("2025-07-01"):
            self._run_cron()
        self.assertEqual(self.contract.state, "on_hold")
        self.assertEqual(draft.state, "draft")
        self.assertFalse(self._renewal_activities(self.contract | draft))

    def test_lock_for_cron_selects_due_contracts(self):
        """The row-locking selection of the cron returns exactly the contracts of its domain."""
        with freeze_time("2025-07-01"):
            locked = self.env["crm.contract"]._lock_for_cron(
                [("state", "=", "active"), ("date_end", "<", fields.Date.today())], 10
            )
        self.assertEqual(locked, self.contract | self.contract_auto)
