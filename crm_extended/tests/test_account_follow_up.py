from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon


@tagged("post_install", "-at_install")
class TestAccountFollowUp(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.follow_up_type = cls.env.ref("crm_extended.mail_activity_type_crm_follow_up")
        cls.account = cls.Partner.create(
            {
                "name": "Cadence Account",
                "is_company": True,
                "user_id": cls.user_salesman.id,
                "company_id": cls.company_a.id,
                "last_contact_date": date(2026, 1, 1),
            }
        )
        cls.contact = cls.Partner.create({"name": "Cadence Contact", "parent_id": cls.account.id})
        cls.account_b = cls.Partner.create(
            {
                "name": "Cadence Account B",
                "is_company": True,
                "user_id": cls.user_salesman_b.id,
                "company_id": cls.company_b.id,
                "last_contact_date": date(2026, 1, 1),
            }
        )

    def _follow_ups(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", self.follow_up_type.id),
            ]
        )

    def test_next_contact_date_from_cadence(self):
        self.assertEqual(self.account.contact_cadence_days, 90, "no tier: the C cadence of the company")
        self.assertEqual(self.account.next_contact_date, date(2026, 4, 1))
        self.account.contact_cadence_days = 30
        self.assertEqual(self.account.next_contact_date, date(2026, 1, 31))
        self.assertFalse(self.contact.next_contact_date, "contacts are followed through their account")
        self.account.contact_cadence_days = 0
        self.assertFalse(self.account.next_contact_date, "a cadence of 0 disables reminders")

    def test_reminder_once_when_due(self):
        with freeze_time("2026-03-31 08:00:00"):
            self.Partner._cron_crm_follow_up_reminders()
            self.assertFalse(self._follow_ups(self.account), "not due yet")
            self.assertFalse(self.account.contact_overdue)
        with freeze_time("2026-04-01 08:00:00"):
            self.account.invalidate_recordset(["contact_overdue"])
            self.assertTrue(self.account.contact_overdue)
            self.Partner._cron_crm_follow_up_reminders()
            activity = self._follow_ups(self.account)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.user_salesman)
            self.assertEqual(activity.date_deadline, date(2026, 4, 1))
            self.assertIn("Cadence Account", activity.summary)
            # the salesman sees it in his activities
            self.assertIn(activity, self.env["mail.activity"].with_user(self.user_salesman).search([]))
            # safe to run twice
            self.Partner._cron_crm_follow_up_reminders()
            self.assertEqual(len(self._follow_ups(self.account)), 1)
        with freeze_time("2026-04-15 08:00:00"):
            self.Partner._cron_crm_follow_up_reminders()
            self.assertEqual(self._follow_ups(self.account), activity, "never a second while one is open")
            activity.with_user(self.user_salesman).action_feedback(feedback="Called, all fine")
            self.assertFalse(self._follow_ups(self.account))
            self.Partner._cron_crm_follow_up_reminders()
            self.assertEqual(self.account.last_contact_date, date(2026, 4, 15), "the done activity is a contact")
            self.assertEqual(self.account.next_contact_date, date(2026, 7, 14))
            self.assertFalse(self._follow_ups(self.account), "contacted: no new reminder")
        with freeze_time("2026-07-14 08:00:00"):
            self.Partner._cron_crm_follow_up_reminders()
            self.assertEqual(len(self._follow_ups(self.account)), 1, "due again")

    def test_contacts_and_opportunities_count(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Cadence deal",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "user_id": self.user_salesman.id,
            }
        )
        with freeze_time("2026-02-10 10:00:00"):
            lead.message_post(body="Internal note only", subtype_xmlid="mail.mt_note", message_type="comment")
            self.Partner._crm_update_last_contact_dates()
            self.assertEqual(self.account.last_contact_date, date(2026, 1, 1), "a note is no contact")
            lead.message_post(body="Here is our offer", subtype_xmlid="mail.mt_comment", message_type="comment")
        with freeze_time("2026-02-20 10:00:00"):
            self.contact.message_post(body="Re: offer", subtype_xmlid="mail.mt_comment", message_type="email")
            self.env["calendar.event"].create(
                {
                    "name": "Future meeting",
                    "start": datetime(2026, 3, 5, 9),
                    "stop": datetime(2026, 3, 5, 10),
                    "partner_ids": [self.contact.id],
                }
            )
            self.assertEqual(self.Partner._crm_update_last_contact_dates(), 1)
            self.assertEqual(
                self.account.last_contact_date, date(2026, 2, 20), "e-mail of a contact, future meeting ignored"
            )
            self.assertEqual(self.Partner._crm_update_last_contact_dates(), 0, "idempotent")
        with freeze_time("2026-03-06 10:00:00"):
            self.Partner._crm_update_last_contact_dates()
            self.assertEqual(self.account.last_contact_date, date(2026, 3, 5), "the meeting took place")

    def test_overdue_list_by_role_and_company(self):
        action = self.env.ref("crm_extended.res_partner_action_crm_follow_up_due")
        self.assertEqual(action.view_id.type, "list")
        domain = [("parent_id", "=", False), ("contact_overdue", "=", True)]
        with freeze_time("2026-05-01 08:00:00"):
            as_manager = self.Partner.with_user(self.user_manager).search(domain)
            self.assertIn(self.account, as_manager)
            self.assertNotIn(self.account_b, as_manager, "company B is not one of the manager's companies")
            as_b = self.Partner.with_user(self.user_salesman_b).search(domain)
            self.assertIn(self.account_b, as_b)
            self.assertNotIn(self.account, as_b)
            groups = self.Partner.with_user(self.user_salesman_b)._read_group(domain, ["user_id"], ["__count"])
            self.assertEqual(sum(count for __, count in groups), len(as_b), "grouped figures count what he sees")
            # the company B salesman is reminded of his company's account only
            activities = self.Partner._crm_create_follow_up_activities()
            self.assertEqual(self._follow_ups(self.account_b).user_id, self.user_salesman_b)
            self.assertIn(self._follow_ups(self.account), activities)

    def test_no_reminder_without_salesperson_or_outside_his_companies(self):
        orphan = self.Partner.create({"name": "Nobody's", "is_company": True, "last_contact_date": date(2026, 1, 1)})
        foreign = self.Partner.create(
            {
                "name": "Foreign",
                "is_company": True,
                "company_id": self.company_b.id,
                "user_id": self.user_salesman.id,
                "last_contact_date": date(2026, 1, 1),
            }
        )
        with freeze_time("2026-06-01 08:00:00"):
            self.Partner._crm_create_follow_up_activities()
        self.assertFalse(self._follow_ups(orphan))
        self.assertFalse(self._follow_ups(foreign), "the salesperson could not open the account")


@tagged("post_install", "-at_install")
class TestAccountFollowUpQueries(CrmSuiteCommon):
    """The reminders cron creates its activities in a number of queries that does not depend on their count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.follow_up_type = cls.env.ref("crm_extended.mail_activity_type_crm_follow_up")
        cls.batch = 0

    def _due_accounts(self, count):
        """``count`` accounts last contacted on 2026-01-01 (due on 2026-04-01), the two salesmen taking turns.

        The first is a person whose display name is not his bare name ("Company, Person")."""
        self.batch += 1
        users = self.user_salesman, self.user_salesman_2
        return self.env["res.partner"].create(
            [
                {
                    "name": f"Due Account {self.batch}-{index}",
                    "is_company": index > 0,
                    "company_name": "Workshop Ltd" if index == 0 else False,
                    "user_id": users[index % 2].id,
                    "company_id": self.company_a.id,
                    "last_contact_date": date(2026, 1, 1),
                }
                for index in range(count)
            ]
        )

    def _cron_queries(self):
        return self.count_cron_queries(self.env["res.partner"]._cron_crm_follow_up_reminders, "2026-04-01 08:00:00")

    def test_query_count_does_not_grow(self):
        self._due_accounts(1)
        self._cron_queries()  # warm-up
        self._due_accounts(2)
        small = self._cron_queries()
        accounts = self._due_accounts(20)
        large = self._cron_queries()
        self.assertEqual(large, small, "20 reminders cost the queries of 2")

        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", accounts.ids)]
        )
        self.assertEqual(len(activities), 20)
        self.assertEqual(accounts[0].display_name, f"Workshop Ltd, {accounts[0].name}")
        for account in accounts:
            activity = activities.filtered(lambda a, p=account: a.res_id == p.id)
            self.assertEqual(activity.activity_type_id, self.follow_up_type)
            self.assertEqual(activity.user_id, account.user_id)
            self.assertEqual(activity.summary, f"Follow up with {account.name}")
            self.assertEqual(activity.res_name, account.display_name)
            self.assertEqual(activity.date_deadline, date(2026, 4, 1))
            self.assertIn(account.user_id.partner_id, account.message_partner_ids, "the salesperson follows it")
            self.assertIn(activity, self.env["mail.activity"].with_user(account.user_id).search([]))
