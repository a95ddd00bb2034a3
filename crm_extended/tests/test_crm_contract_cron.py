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

    def test_renewal_chatter_as_posted(self):
        """The cron's notes read as the ORM would post them: escaped text, internal notes, status tracking."""
        self.contract_auto.name = 'Odd <b>"name"</b> & co'
        self.user_salesman.tz = "Europe/Brussels"
        with freeze_time("2025-07-01"):
            self._run_cron()
        successor = self.contract_auto.next_contract_id
        note = self.env.ref("mail.mt_note")
        created = successor.message_ids.filtered(lambda m: m.subtype_id == note)
        self.assertEqual(len(created), 1)
        self.assertEqual(
            created.body,
            f'<p>Created by the automatic renewal of [{self.contract_auto.code}] Odd &lt;b&gt;"name"&lt;/b&gt; &amp; co</p>',
        )
        self.assertEqual((created.message_type, created.is_internal), ("notification", True))
        self.assertEqual(created.author_id, self.env.user.partner_id)
        renewed = self.contract_auto.message_ids.filtered(lambda m: m.tracking_value_ids)
        self.assertEqual(len(renewed), 1)
        self.assertEqual(renewed.body, f'<p>Renewed by [{successor.code}] Odd &lt;b&gt;"name"&lt;/b&gt; &amp; co</p>')
        self.assertEqual(renewed.subtype_id, note)
        self.assertEqual(
            [(v.field_id.name, v.old_value_char, v.new_value_char) for v in renewed.tracking_value_ids],
            [("state", "Active", "Renewed")],
        )
        expired = self.contract.message_ids.filtered(lambda m: m.tracking_value_ids)
        self.assertEqual(len(expired), 1)
        self.assertFalse(expired.body)
        self.assertEqual(expired.tracking_value_ids.new_value_char, "Expired")
        self.assertIn(self.user_salesman.partner_id, successor.message_partner_ids)
        # a notice: the activity has the assignee's time zone, and he follows the contract
        with freeze_time("2026-06-01"):
            self._run_cron()
        activity = self._renewal_activities(successor)
        self.assertEqual(activity.user_tz, "Europe/Brussels")
        self.assertEqual(activity.res_name, successor.display_name)
        self.assertEqual(
            activity.summary, f"Renewal due: {successor.display_name} ends on {successor.date_end.isoformat()}"
        )

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

    def test_unchanged_customer_since_not_written(self):
        """Ending contracts (the cron does it for many customers at once) leaves their customer's first
        start as it was: it is not written again. A first start that changes still is."""
        self.assertEqual(self.partner_a.customer_since, fields.Date.to_date("2024-07-01"))
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertLogs("odoo.sql_db", level="DEBUG") as logs:
            (self.contract | self.contract_auto).with_context(tracking_disable=True).write({"state": "expired"})
            self.env.flush_all()
        written = [line for line in logs.output if "UPDATE" in line and "customer_since" in line]
        self.assertEqual(written, [])
        self.env.invalidate_all()
        self.assertEqual(self.partner_a.customer_since, fields.Date.to_date("2024-07-01"))
        (self.contract | self.contract_auto).write({"state": "cancelled"})
        self.env.invalidate_all()
        self.assertEqual(self.partner_a.customer_since, fields.Date.to_date("2025-01-01"))


@tagged("post_install", "-at_install")
class TestCrmContractCronQueries(CrmContractCommon):
    """The contract cron handles a batch in a number of queries that does not depend on its size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("crm_extended.mail_activity_type_crm_contract_renewal")
        cls.batch = 0

    def _due_contracts(self, count):
        """``count`` contracts ending on 2025-06-30, as many renewed automatically, and ``count`` whose
        notice period started on 2025-06-20; the two salesmen take turns as responsible."""
        self.batch += 1
        users = self.user_salesman, self.user_salesman_2
        groups = {"ended": ("2024-07-01", "2025-06-30", False), "auto": ("2024-07-01", "2025-06-30", True)}
        groups["notice"] = ("2024-07-21", "2025-07-20", False)
        contracts = {}
        for key, (start, end, auto_renew) in groups.items():
            contracts[key] = self.Contract.browse()
            for index in range(count):
                contracts[key] |= self._create_contract(
                    user=users[index % 2],
                    name=f"Batch {self.batch} {key} {index}",
                    date_start=start,
                    date_end=end,
                    auto_renew=auto_renew,
                    notice_period_days=30,
                )
        for group in contracts.values():
            group.action_activate()
        return contracts

    def _cron_queries(self):
        return self.count_cron_queries(self.Contract._cron_process_contracts, "2025-07-01")

    def _state_notes(self, contract):
        """The (old, new) status labels of the status notes in the chatter of ``contract``."""
        values = contract.message_ids.tracking_value_ids.filtered(lambda v: v.field_id.name == "state")
        return [(value.old_value_char, value.new_value_char) for value in values]

    def test_query_count_does_not_grow(self):
        self._due_contracts(1)
        self._cron_queries()  # warm-up: caches, sequence
        self._due_contracts(2)
        small = self._cron_queries()
        contracts = self._due_contracts(10)
        large = self._cron_queries()
        self.assertEqual(large, small, "10 contracts of each kind cost the queries of 2")

        # what the users see on the larger batch
        ended, auto, notice = contracts["ended"], contracts["auto"], contracts["notice"]
        self.assertEqual(set(ended.mapped("state")), {"expired"})
        for contract in ended:
            self.assertIn(("Active", "Expired"), self._state_notes(contract))
        self.assertEqual(set(auto.mapped("state")), {"renewed"})
        successors = auto.next_contract_id
        self.assertEqual(len(successors), 10)
        self.assertEqual(len(set(successors.mapped("code")) | set(auto.mapped("code"))), 20, "new references")
        for contract in auto:
            successor = contract.next_contract_id
            self.assertEqual(successor.previous_contract_id, contract)
            self.assertEqual(successor.state, "active")
            self.assertEqual(successor.name, contract.name)
            self.assertEqual(successor.user_id, contract.user_id)
            self.assertEqual(successor.date_start, fields.Date.to_date("2025-07-01"))
            self.assertEqual(successor.date_end, fields.Date.to_date("2026-06-30"))
            self.assertEqual(len(successor.line_ids), 2)
            self.assertAlmostEqual(successor.amount_yearly, contract.amount_yearly)
            self.assertIn(("Active", "Renewed"), self._state_notes(contract))
            self.assertIn(successor.code, contract.message_ids[:1].body)
            self.assertIn(contract.code, successor.message_ids[:1].body, "the successor says where it comes from")
            self.assertIn(contract.user_id.partner_id, successor.message_partner_ids, "the responsible follows it")
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crm.contract"), ("res_id", "in", notice.ids)]
        )
        self.assertEqual(len(activities), 10)
        for contract in notice:
            activity = activities.filtered(lambda a, c=contract: a.res_id == c.id)
            self.assertEqual(activity.activity_type_id, self.activity_type)
            self.assertEqual(activity.user_id, contract.user_id)
            self.assertEqual(activity.res_name, contract.display_name)
            self.assertIn(contract.code, activity.summary)
            self.assertEqual(activity.date_deadline, fields.Date.to_date("2025-07-20"))
            self.assertTrue(contract.renewal_notified)
            self.assertIn(contract.user_id.partner_id, contract.message_partner_ids)
            self.assertIn(activity, self.env["mail.activity"].with_user(contract.user_id).search([]))
