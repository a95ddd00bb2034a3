from unittest import skipUnless

from odoo.tests import HttpCase, tagged

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon

try:
    import phonenumbers
except ImportError:
    phonenumbers = None


@tagged("post_install", "-at_install")
class TestAccountDuplicates(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.belgium = cls.env.ref("base.be")

    def _company(self, name, **vals):
        return self.Partner.create({"name": name, "is_company": True, "company_id": self.company_a.id, **vals})

    def test_same_email(self):
        first = self._company("Mail One", email="sales@dupli.example")
        second = self._company("Mail Two", email="  SALES@Dupli.example ")
        other = self._company("Mail Three", email="info@dupli.example")
        self.assertEqual(first.duplicate_partner_ids, second)
        self.assertEqual(second.duplicate_partner_ids, first)
        self.assertEqual(first.duplicate_partner_count, 1)
        self.assertFalse(other.duplicate_partner_ids)

    @skipUnless(phonenumbers, "the phonenumbers library is needed by Odoo's phone_validation")
    def test_same_international_phone(self):
        first = self._company("Phone One", country_id=self.belgium.id, phone="0470 12 34 56")
        second = self._company("Phone Two", phone="+32470123456")
        third = self._company("Phone Three", country_id=self.belgium.id, mobile="0470/12.34.56")
        self._company("Phone Four", country_id=self.belgium.id, phone="0470 12 34 57")
        self.assertEqual(first.duplicate_partner_ids, second | third)
        self.assertEqual(third.duplicate_partner_ids, first | second, "phone and mobile are compared crosswise")

    def test_same_vat_even_if_written_differently(self):
        self.company_a.crm_standardise_vat = False
        first = self._company("VAT One", vat="BE0477472701")
        second = self._company("VAT Two", vat="be 0477.472.701")
        third = self._company("VAT Three", vat="/")
        fourth = self._company("VAT Four", vat="/")
        self.assertEqual(first.duplicate_partner_ids, second)
        self.assertFalse(third.duplicate_partner_ids, "'/' (not subject to tax) is no Tax ID")
        self.assertFalse(fourth.duplicate_partner_ids)

    def test_same_company_name_in_same_city(self):
        first = self._company("Dupont & Fils S.A.", city="Liège")
        second = self._company("  DUPONT  &  fils  sa", city="liège ")
        elsewhere = self._company("Dupont & Fils S.A.", city="Namur")
        person = self.Partner.create({"name": "Dupont & Fils S.A.", "city": "Liège"})
        self.assertEqual(first.duplicate_partner_ids, second)
        self.assertFalse(elsewhere.duplicate_partner_ids)
        self.assertFalse(person.duplicate_partner_ids, "only company names are compared")

    def test_own_contacts_and_archived_are_no_duplicates(self):
        account = self._company("Family Co", email="family@example.com", vat="BE0999999999")
        contact = self.Partner.create({"name": "Family member", "parent_id": account.id, "email": "family@example.com"})
        self.assertFalse(account.duplicate_partner_ids, "a contact of the account shares its Tax ID and e-mail")
        self.assertFalse(contact.duplicate_partner_ids)
        archived = self._company("Old Family Co", email="family@example.com")
        archived.action_archive()
        self.assertFalse(account.duplicate_partner_ids)

    def test_possible_duplicates_filter(self):
        first = self._company("Filter One", email="filter@example.com")
        second = self._company("Filter Two", email="filter@example.com")
        single = self._company("Filter Single", email="single@example.com")
        found = self.Partner.search(
            [("duplicate_partner_ids", "!=", False), ("id", "in", (first | second | single).ids)]
        )
        self.assertEqual(found, first | second)
        not_found = self.Partner.search([("duplicate_partner_ids", "=", False), ("id", "in", (first | single).ids)])
        self.assertEqual(not_found, single)
        self.assertEqual(self.Partner.search([("duplicate_partner_ids", "in", first.ids)]), second)
        # the filter of the list view
        search_arch = self.Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="possible_duplicates"', search_arch)

    def test_duplicates_limited_to_visible_companies(self):
        shared = self.Partner.create({"name": "Shared dup", "email": "cross@example.com", "company_id": False})
        in_a = self._company("A dup", email="cross@example.com")
        in_b = self.Partner.create({"name": "B dup", "email": "cross@example.com", "company_id": self.company_b.id})
        # salesman of company B: sees the shared partner and his own company's, never company A's
        shared_as_b = shared.with_user(self.user_salesman_b)
        self.assertEqual(shared_as_b.duplicate_partner_ids.ids, in_b.ids)
        self.assertNotIn(in_a.id, shared_as_b.duplicate_partner_ids.ids)
        found = self.Partner.with_user(self.user_salesman_b).search([("duplicate_partner_ids", "in", shared.ids)])
        self.assertEqual(found, in_b)
        # salesman of company A sees the company A duplicate only
        self.assertEqual(shared.with_user(self.user_salesman).duplicate_partner_ids, in_a)

    def test_one_query_per_batch(self):
        def make(count, tag):
            partners = self.Partner
            for index in range(count):
                partners |= self._company(f"Batch {tag} {index}", email=f"batch-{tag}-{index}@example.com")
                partners |= self._company(f"Batch {tag} {index} copy", email=f"batch-{tag}-{index}@example.com")
            return partners

        warm_up, small, large = make(1, "w"), make(2, "s"), make(20, "l")
        self.env.flush_all()
        # load the salesman's groups and record rules once
        warm_up.with_user(self.user_salesman).mapped("duplicate_partner_count")
        for batch in (small, large):
            # one query finds the duplicates of the whole batch, whatever its size
            with self.assertQueryCount(1):
                counts = batch.with_user(self.user_salesman).mapped("duplicate_partner_count")
            self.assertEqual(counts, [1] * len(batch))

    def test_batch_matches_each_partner_on_its_own_keys(self):
        """In a batch, a partner matches only on its own keys: never on a name of one partner in the
        city of another, nor on another partner's phone."""
        liege = self._company("Batch Name SA", city="Liège", phone="+3240000001")
        namur = self._company("Other Name SA", city="Namur", mobile="+3281000001")
        crossed = self._company("Batch Name SA", city="Namur")
        same_phone = self._company("Phone Twin", mobile="+3240000001")
        same_mobile = self._company("Mobile Twin", phone="+3281000001")
        self.env.invalidate_all()
        batch = liege | namur
        self.assertEqual(batch.mapped("duplicate_partner_count"), [1, 1])
        self.assertEqual(
            liege.duplicate_partner_ids, same_phone, "phone against mobile, not the name of Liège in Namur"
        )
        self.assertEqual(namur.duplicate_partner_ids, same_mobile)
        self.assertFalse(crossed.duplicate_partner_ids)

    def test_form_read_query_count(self):
        """The form reads an account's keys with its other fields and its duplicates with one query;
        when there are some, their names (the banner's tags) come with one more query."""
        account = self._company("Form Dup SA", email="form@dupli.example", city="Gent", phone="+3290000001")
        spec = {
            "name": {},
            "email": {},
            "duplicate_partner_count": {},
            "duplicate_partner_ids": {"fields": {"display_name": {}}},
        }
        as_salesman = account.with_user(self.user_salesman)
        as_salesman.web_read(spec)  # the salesman's groups and record rules, loaded once
        self.Partner.invalidate_model()
        with self.assertQueryCount(2):  # the account (keys included), its duplicates
            values = as_salesman.web_read(spec)
        self.assertEqual(values[0]["duplicate_partner_count"], 0)
        twin = self._company("Form Dup Twin", mobile="+3290000001")
        self.env.flush_all()
        self.Partner.invalidate_model()
        with self.assertQueryCount(3):  # the account, its duplicates, the duplicates' names and access
            values = as_salesman.web_read(spec)
        self.assertEqual(values[0]["duplicate_partner_ids"], [{"id": twin.id, "display_name": "Form Dup Twin"}])

    def test_merge_opens_odoo_wizard_prefilled(self):
        first = self._company("Merge One", email="merge@example.com")
        second = self._company("Merge Two", email="merge@example.com")
        action = first.action_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertEqual(wizard.partner_ids, first | second)
        self.assertEqual(wizard.state, "selection")
        wizard.action_merge()
        survivor = (first | second).exists()
        self.assertEqual(len(survivor), 1)
        self.assertFalse(survivor.duplicate_partner_ids)

    def test_form_banner(self):
        arch = self.Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="crm_duplicates_warning"', arch)
        self.assertIn('name="action_merge_duplicates"', arch)

    def test_lead_matching_accounts(self):
        account = self._company("Lead Match SA", email="buyer@leadmatch.example", city="Gent")
        contact = self.Partner.create({"name": "Buyer", "parent_id": account.id, "email": "direct@leadmatch.example"})
        Lead = self.env["crm.lead"]
        by_email = Lead.create({"name": "By e-mail", "email_from": "Buyer@LeadMatch.example"})
        by_name = Lead.create({"name": "By name", "partner_name": "lead match s.a.", "city": "Gent"})
        elsewhere = Lead.create({"name": "Elsewhere", "partner_name": "Lead Match SA", "city": "Brugge"})
        own = Lead.create({"name": "Own", "partner_id": contact.id, "partner_name": "Lead Match SA", "city": "Gent"})
        self.assertEqual(by_email.duplicate_partner_ids, account)
        self.assertEqual(by_name.duplicate_partner_ids, account)
        self.assertFalse(elsewhere.duplicate_partner_ids)
        self.assertFalse(own.duplicate_partner_ids, "the lead's own customer is no duplicate")
        leads = by_email | by_name | elsewhere | own
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.assertEqual(leads.mapped("duplicate_partner_count"), [1, 1, 0, 0])
        arch = Lead.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="crm_matching_accounts_warning"', arch)


@tagged("post_install", "-at_install")
class TestAccountDuplicatesTour(HttpCase):
    def test_crm_account_duplicates_tour(self):
        self.env.ref("base.user_admin").tour_enabled = False
        Partner = self.env["res.partner"]
        one = Partner.create({"name": "Tour Dup One", "is_company": True})
        Partner.create({"name": "Tour Dup Two", "is_company": True, "email": "tour@dup.example.com"})
        self.start_tour(f"/odoo/action-base.action_partner_form/{one.id}", "crm_account_duplicates_tour", login="admin")
        self.assertEqual(one.email, "tour@dup.example.com")
