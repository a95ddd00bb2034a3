import io

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MarketingListCommon


@tagged("post_install", "-at_install")
class TestMarketingListSending(MarketingListCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # legacy data: skip crm_extended's clean-up so that an invalid address can exist
        Partner = cls.env["res.partner"].with_context(crm_skip_standardise=True)
        cls.no_email, cls.bad_email, cls.blacklisted, cls.opted_out, cls.duplicate, cls.suppressed = Partner.create(
            [
                {"name": "No E-mail (test)"},
                {"name": "Bad E-mail (test)", "email": "not-an-address"},
                {"name": "Blacklisted (test)", "email": "angry@blacklisted.example.com"},
                {"name": "Opted Out (test)", "email": "bye@opted-out.example.com"},
                {"name": "Ghent Duplicate (test)", "email": "Info@Ghent-Gardens.example.com"},
                {"name": "Suppressed (test)", "email": "competitor@suppressed.example.com"},
            ]
        )
        cls.env["mail.blacklist"].create({"email": "angry@blacklisted.example.com"})
        newsletter = cls.env["mailing.list"].create({"name": "Newsletter (test)"})
        contact = cls.env["mailing.contact"].create({"name": "Bye", "email": "bye@opted-out.example.com"})
        cls.env["mailing.subscription"].create({"contact_id": contact.id, "list_id": newsletter.id, "opt_out": True})
        cls.suppression = cls._create_list("Do not contact (test)", cls.suppressed | cls.paris)
        cls.everyone = (
            cls.ghent
            | cls.liege
            | cls.paris
            | cls.no_email
            | cls.bad_email
            | cls.blacklisted
            | cls.opted_out
            | cls.duplicate
            | cls.suppressed
        )
        cls.campaign = cls._create_list(
            "Campaign (test)", cls.everyone, suppression_list_ids=[Command.set(cls.suppression.ids)]
        )
        cls.reachable = cls.ghent | cls.liege

    def _effective(self, mlist):
        return self.env[mlist.member_model].search([("marketing_list_effective_ids", "in", [mlist.id])])

    def test_suppression_and_consent(self):
        self.assertEqual(self.campaign.member_count, 9)
        self.assertEqual(self.campaign.effective_member_count, 2)
        self.assertEqual(self._effective(self.campaign), self.reachable)
        self.assertIn(self.campaign, self.ghent.marketing_list_effective_ids)
        self.assertNotIn(self.campaign, self.blacklisted.marketing_list_effective_ids)
        self.assertIn(self.campaign, self.blacklisted.marketing_list_ids)
        # without the consent check, only the suppression lists and archived records are left out
        self.campaign.exclude_opted_out = False
        self.assertEqual(self.campaign.effective_member_count, 7)
        self.assertEqual(self._effective(self.campaign), self.everyone - self.suppressed - self.paris)
        self.campaign.suppression_list_ids = False
        self.liege.active = False
        self.assertEqual(self.campaign.effective_member_count, 8)

    def test_duplicate_addresses_keep_the_lowest_member(self):
        self.assertLess(self.ghent.id, self.duplicate.id)
        self.assertIn(self.campaign, self.ghent.marketing_list_effective_ids)
        self.assertNotIn(self.campaign, self.duplicate.marketing_list_effective_ids)
        # the lowest member archived: the duplicate is reached instead
        self.ghent.active = False
        self.assertEqual(self._effective(self.campaign), self.liege | self.duplicate)
        self.assertEqual(self.campaign.effective_member_count, 2)
        self.ghent.active = True
        # the lowest member suppressed: likewise
        self.suppression.partner_ids = [Command.link(self.ghent.id)]
        self.env.invalidate_all()
        self.assertEqual(self._effective(self.campaign), self.liege | self.duplicate)
        self.assertIn(self.campaign, self.duplicate.marketing_list_effective_ids)
        # several lists at once: each list keeps its own lowest member
        other = self._create_list("Other (test)", self.ghent | self.duplicate)
        self.assertEqual(
            self.env["res.partner"].search([("marketing_list_effective_ids", "in", (self.campaign | other).ids)]),
            self.liege | self.duplicate | self.ghent,
        )
        self.assertEqual((self.campaign | other).mapped("effective_member_count"), [2, 1])
        # "not in": everyone else
        not_in_other = self.env["res.partner"].search([("marketing_list_effective_ids", "not in", other.ids)])
        self.assertIn(self.duplicate, not_in_other)
        self.assertNotIn(self.ghent, not_in_other)

    def test_duplicate_hidden_from_the_user_does_not_hide_his_member(self):
        """Record rules: a salesman's mailing reaches his own lead even when a lead he may not read, with a
        lower id, has the same address; the manager's reaches the lowest one only."""
        sams_copy = self.env["crm.lead"].create(
            {
                "name": "Sam's copy of Sue's buyer (test)",
                "email_from": "Buyer@Sue-Client.example.com",
                "user_id": self.user_salesman.id,
            }
        )
        self.assertLess(self.lead_sue.id, sams_copy.id)
        leads = self._create_list("Buyers (test)", self.lead_sam | self.lead_sue | sams_copy, user_id=False)
        Lead = self.env["crm.lead"]
        domain = [("marketing_list_effective_ids", "in", leads.ids)]
        self.assertEqual(Lead.with_user(self.user_manager).search(domain), self.lead_sam | self.lead_sue)
        self.assertEqual(leads.with_user(self.user_manager).effective_member_count, 2)
        self.assertEqual(Lead.with_user(self.user_salesman).search(domain), self.lead_sam | sams_copy)
        self.assertEqual(leads.with_user(self.user_salesman).effective_member_count, 2)
        self.assertEqual(leads.with_user(self.user_salesman).member_count, 2)

    def test_effective_members_per_company(self):
        """A list without company: each user reaches the members of his companies only, and a duplicate
        address in another company does not hide his member."""
        self.partner_a.email = "office@shared-address.example.com"
        self.partner_b.email = "Office@Shared-Address.example.com"
        self.partner_shared.email = "hello@shared-partner.example.com"
        self.assertLess(self.partner_a.id, self.partner_b.id)
        mlist = self._create_list("Both companies (test)", company_id=False, user_id=False)
        mlist.partner_ids = self.partner_a | self.partner_b | self.partner_shared
        domain = [("marketing_list_effective_ids", "in", mlist.ids)]
        Partner = self.env["res.partner"]
        self.assertEqual(Partner.search(domain), self.partner_a | self.partner_shared)
        self.assertEqual(Partner.with_user(self.user_salesman_b).search(domain), self.partner_b | self.partner_shared)
        self.assertEqual(mlist.with_user(self.user_salesman_b).effective_member_count, 2)
        _filename, content = mlist.with_user(self.user_salesman_b)._export_members_xlsx()
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        self.assertEqual(sorted(row[0] for row in rows[1:]), ["Bravo Ltd (test)", "Shared Partner (test)"])

    def test_suppression_list_must_match(self):
        lead_list = self._create_list("Leads (test)", self.lead_sam)
        with self.assertRaisesRegex(Exception, "same kind of members"):
            self.campaign.suppression_list_ids = [Command.link(lead_list.id)]
        with self.assertRaisesRegex(Exception, "cannot suppress itself"):
            self.campaign.suppression_list_ids = [Command.link(self.campaign.id)]

    def test_send_email_recipients_are_the_effective_members(self):
        action = self.campaign.action_send_mailing()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "mailing.mailing")
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        self.assertEqual(mailing.crm_marketing_list_id, self.campaign)
        recipients = self.env["res.partner"].search(mailing._parse_mailing_domain())
        self.assertEqual(recipients, self.reachable)
        self.assertEqual(set(mailing._get_recipients()), set(self.reachable.ids))
        self.assertTrue(self.campaign.last_used_date)
        self.assertEqual(self.campaign.mailing_count, 1)
        self.assertEqual(
            self.campaign.action_view_mailings()["domain"], [("crm_marketing_list_id", "=", self.campaign.id)]
        )
        # the mailing follows the list: a member added later is a recipient too
        self.campaign.partner_ids = [Command.link(self.lyon.id)]
        self.assertEqual(self.env["res.partner"].search(mailing._parse_mailing_domain()), self.reachable | self.lyon)

    def test_send_email_recipients_in_id_order(self):
        """Sending reads a list's recipients in id order (no sort by name); an A/B test keeps Odoo's draw."""
        self.liege.name = "Antwerp Lights (test)"  # first by name, not by id
        self.campaign.partner_ids = [Command.link(self.lyon.id)]
        mailing = self.env["mailing.mailing"].browse(self.campaign.action_send_mailing()["res_id"])
        by_id = [self.ghent.id, self.liege.id, self.lyon.id]
        self.assertEqual(sorted(by_id), by_id)
        self.assertEqual(mailing._get_recipients(), by_id)
        by_name = self.env["res.partner"].search(mailing._parse_mailing_domain())
        self.assertEqual(by_name.ids, [self.liege.id, self.ghent.id, self.lyon.id], "the contacts' default order")
        mailing.write({"ab_testing_enabled": True, "ab_testing_pc": 50})
        sample = mailing._get_recipients()
        self.assertEqual(len(sample), 1)
        self.assertIn(sample[0], (self.reachable | self.lyon).ids)

    def test_archived_suppression_list_still_suppresses(self):
        self.suppression.action_archive()
        self.env.invalidate_all()
        self.assertEqual(self._effective(self.campaign), self.reachable)
        self.assertEqual(self.campaign.effective_member_count, 2)
        self.assertNotIn(self.campaign, self.suppressed.marketing_list_effective_ids)

    def test_send_email_to_a_dynamic_lead_list(self):
        mlist = self._create_list(
            "Big deals (test)",
            member_model="crm.lead",
            list_type="dynamic",
            domain="[('expected_revenue', '>=', 10000), ('name', 'like', '(test)')]",
        )
        action = mlist.action_send_mailing()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        self.assertEqual(mailing.mailing_model_real, "crm.lead")
        self.assertTrue(mlist.last_refresh_date, "a dynamic list is refreshed before sending")
        self.assertEqual(self.env["crm.lead"].search(mailing._parse_mailing_domain()), self.lead_sam | self.lead_sue)

    def test_export_xlsx(self):
        self.ghent.name = '=HYPERLINK("http://evil.example.com","Click")'
        self.liege.write({"phone": "+32 4 123 45 67", "user_id": self.user_salesman.id})
        filename, content = self.campaign._export_members_xlsx()
        self.assertEqual(filename, "Campaign (test).xlsx")
        workbook = load_workbook(io.BytesIO(content))
        sheet = workbook.active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("Name", "Email", "Phone"))
        self.assertEqual(
            sorted(row[1] for row in rows[1:]),
            ["contact@liege-lights.example.com", "info@ghent-gardens.example.com"],
        )
        cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
        formula_looking = cells['=HYPERLINK("http://evil.example.com","Click")']
        self.assertEqual(formula_looking.data_type, "s", "a name starting with = stays text")
        self.assertEqual(cells["+32 4 123 45 67"].data_type, "s")
        # many2ones by their display name (Parent, City, Country, Salesperson)
        by_email = {row[1]: row for row in rows[1:]}
        self.assertEqual(
            by_email["contact@liege-lights.example.com"][3:], (None, "Liège", "Belgium", self.user_salesman.name)
        )
        self.assertTrue(self.campaign.last_used_date)

    def test_export_through_the_controller_route(self):
        action = self.campaign.action_export_xlsx()
        self.assertEqual(action["url"], f"/crm_marketing_lists/export/{self.campaign.id}")

    def test_plan_activities_in_one_batch(self):
        self.ghent.user_id = self.user_salesman
        mlist = self._create_list("Call them (test)", self.ghent | self.liege | self.no_email, user=self.user_manager)
        Wizard = self.env["crm.marketing.list.activity.wizard"].with_user(self.user_manager)
        wizard = Wizard.create({"list_id": mlist.id, "summary": "Invite to the webinar", "date_deadline": "2026-12-01"})
        activities = wizard._schedule_activities()
        self.assertEqual(len(activities), 3, "consent does not matter for calls, one activity per member")
        by_partner = {activity.res_id: activity.user_id for activity in activities}
        self.assertEqual(by_partner[self.ghent.id], self.user_salesman)
        self.assertEqual(by_partner[self.liege.id], self.user_manager, "no salesperson: the list owner")
        self.assertEqual(set(activities.mapped("res_model")), {"res.partner"})
        with self.assertRaisesRegex(UserError, "already has this activity"):
            Wizard.create({"list_id": mlist.id, "date_deadline": "2026-12-01"})._schedule_activities()
