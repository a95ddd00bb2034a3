from unittest import skipUnless

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.crm_extended.tests.common import CrmSuiteCommon

try:
    import phonenumbers
except ImportError:
    phonenumbers = None


@tagged("post_install", "-at_install")
class TestAccountStandardise(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.belgium = cls.env.ref("base.be")
        cls.france = cls.env.ref("base.fr")
        cls.Partner = cls.env["res.partner"]
        cls.Lead = cls.env["crm.lead"]

    def _switch(self, rule, value, company=None):
        (company or self.company_a).write({f"crm_standardise_{rule}": value})

    # ---- names and addresses ----
    def test_names_and_address_lines(self):
        partner = self.Partner.create(
            {
                "name": "  Acme \t  Trading   SA ",
                "street": " Rue   de la Loi  16 ",
                "street2": "  Bte 3",
                "city": " Bruxelles  ",
                "zip": " 1000 ",
            }
        )
        self.assertEqual(partner.name, "Acme Trading SA")
        self.assertEqual(partner.street, "Rue de la Loi 16")
        self.assertEqual(partner.street2, "Bte 3")
        self.assertEqual(partner.city, "Bruxelles")
        self.assertEqual(partner.zip, "1000")
        partner.write({"name": " Acme   Trading  NV "})
        self.assertEqual(partner.name, "Acme Trading NV")

    def test_names_switch_off(self):
        self._switch("names", False)
        partner = self.Partner.create({"name": "  Acme   Raw ", "city": " Gent  "})
        self.assertEqual(partner.name, "  Acme   Raw ")
        self.assertEqual(partner.city, " Gent  ")

    # ---- e-mail ----
    def test_email_stripped_lowered(self):
        partner = self.Partner.create({"name": "Mail", "email": "  John.Doe@Example.COM "})
        self.assertEqual(partner.email, "john.doe@example.com")
        partner.write({"email": '"Jane   Doe" <Jane@Example.com>'})
        self.assertEqual(partner.email, '"Jane Doe" <jane@example.com>')

    def test_email_invalid_refused(self):
        for bad in ("john.example.com", "john@example", "jo hn@example.com", "john@@example.com", "a@b.com, nope"):
            with self.subTest(email=bad), self.assertRaises(ValidationError) as error:
                self.Partner.create({"name": "Bad mail", "email": bad})
            self.assertIn("Email", str(error.exception))
            self.assertIn(bad, str(error.exception))
        partner = self.Partner.create({"name": "Good mail", "email": "good@example.com"})
        with self.assertRaises(ValidationError):
            partner.write({"email": "not an address"})
        self.assertEqual(partner.email, "good@example.com")

    def test_email_switch_off(self):
        self._switch("email", False)
        partner = self.Partner.create({"name": "Raw mail", "email": " Not@Checked "})
        self.assertEqual(partner.email, " Not@Checked ")

    # ---- phones ----
    @skipUnless(phonenumbers, "the phonenumbers library is needed by Odoo's phone_validation")
    def test_phone_international_from_country(self):
        partner = self.Partner.create(
            {"name": "Phone BE", "country_id": self.belgium.id, "phone": "0470 12.34.56", "mobile": "02/555 12 34"}
        )
        self.assertEqual(partner.phone, "+32 470 12 34 56")
        self.assertEqual(partner.mobile, "+32 2 555 12 34")
        # the record's country is used on write
        partner.write({"phone": "0470123457"})
        self.assertEqual(partner.phone, "+32 470 12 34 57")
        # a contact without country uses its parent's
        contact = self.Partner.create({"name": "Child", "parent_id": partner.id, "phone": "0470 11 22 33"})
        self.assertEqual(contact.phone, "+32 470 11 22 33")
        # numbers with a prefix keep theirs; unparseable numbers are only trimmed
        french = self.Partner.create({"name": "Phone FR", "phone": "+33612345678", "mobile": "  ext. 12  "})
        self.assertEqual(french.phone, "+33 6 12 34 56 78")
        self.assertEqual(french.mobile, "ext. 12")

    @skipUnless(phonenumbers, "the phonenumbers library is needed by Odoo's phone_validation")
    def test_phone_batch_write_per_country(self):
        be_partner = self.Partner.create({"name": "BE", "country_id": self.belgium.id})
        fr_partner = self.Partner.create({"name": "FR", "country_id": self.france.id})
        (be_partner | fr_partner).write({"phone": "0470123456"})
        self.assertEqual(be_partner.phone, "+32 470 12 34 56")
        self.assertEqual(fr_partner.phone, "+33 4 70 12 34 56")

    def test_phone_switch_off(self):
        self._switch("phone", False)
        partner = self.Partner.create({"name": "Raw phone", "country_id": self.belgium.id, "phone": "0470 12.34.56"})
        self.assertEqual(partner.phone, "0470 12.34.56")

    # ---- website and VAT ----
    def test_website_scheme(self):
        partner = self.Partner.create({"name": "Web", "website": " www.example.com "})
        self.assertEqual(partner.website, "https://www.example.com")
        partner.write({"website": "http://legacy.example.com"})
        self.assertEqual(partner.website, "http://legacy.example.com")

    def test_website_switch_off(self):
        self._switch("website", False)
        partner = self.Partner.create({"name": "Web raw", "website": "www.example.com"})
        # Odoo's own cleaning still adds http://, ours (https://) is off
        self.assertEqual(partner.website, "http://www.example.com")

    def test_vat(self):
        partner = self.Partner.create({"name": "VAT", "vat": " be 0477 472 701 "})
        self.assertEqual(partner.vat, "BE0477472701")
        self._switch("vat", False)
        partner.write({"vat": "be 0477 472 701"})
        self.assertEqual(partner.vat, "be 0477 472 701")

    def test_switch_of_the_record_company(self):
        """The rules of the record's company apply, not the ones of the current company."""
        self._switch("names", False, company=self.company_b)
        partner_b = self.Partner.create({"name": "  Company   B  account ", "company_id": self.company_b.id})
        self.assertEqual(partner_b.name, "  Company   B  account ")
        partner_a = self.Partner.create({"name": "  Company   A  account ", "company_id": self.company_a.id})
        self.assertEqual(partner_a.name, "Company A account")

    # ---- the helper used by the import ----
    def test_helper_is_pure(self):
        vals = {"name": "  Pure   Co ", "email": " Pure@Example.com", "website": "pure.example.com", "vat": "fr 123"}
        snapshot = dict(vals)
        result = self.partner_a._crm_standardise_values(vals, company=self.company_a)
        self.assertEqual(vals, snapshot, "the given dict is left untouched")
        self.assertIsNot(result, vals)
        self.assertEqual(
            result,
            {"name": "Pure Co", "email": "pure@example.com", "website": "https://pure.example.com", "vat": "FR123"},
        )
        self.assertEqual(self.partner_a.name, "Azure Interior (test)", "nothing is written")
        self._switch("email", False, company=self.company_b)
        result_b = self.Partner._crm_standardise_values({"email": " X@Y.com "}, company=self.company_b)
        self.assertEqual(result_b["email"], " X@Y.com ")

    # ---- leads ----
    def test_lead_contact_fields(self):
        lead = self.Lead.create(
            {
                "name": "  Big   deal ",
                "contact_name": "  John   Doe ",
                "partner_name": " Doe   Industries ",
                "email_from": " John@Doe.COM ",
                "website": "doe.example.com",
                "street": " Main  Street 1 ",
            }
        )
        self.assertEqual(lead.contact_name, "John Doe")
        self.assertEqual(lead.partner_name, "Doe Industries")
        self.assertEqual(lead.email_from, "john@doe.com")
        self.assertEqual(lead.website, "https://doe.example.com")
        self.assertEqual(lead.street, "Main Street 1")
        with self.assertRaises(ValidationError) as error:
            lead.write({"email_from": "john at doe"})
        self.assertIn("john at doe", str(error.exception))
        self.assertEqual(lead._crm_standardise_values({"email_from": " A@B.org"}), {"email_from": "a@b.org"})

    @skipUnless(phonenumbers, "the phonenumbers library is needed by Odoo's phone_validation")
    def test_lead_phone(self):
        lead = self.Lead.create({"name": "Call me", "country_id": self.belgium.id, "phone": "0470/12.34.56"})
        self.assertEqual(lead.phone, "+32 470 12 34 56")

    # ---- form and settings ----
    def test_form_placeholders_show_the_format(self):
        arch = self.Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('placeholder="e.g. +32 470 12 34 56"', arch)
        self.assertIn('placeholder="e.g. name@example.com"', arch)
        self.assertIn('placeholder="e.g. BE0477472701"', arch)

    def test_form_saves_standardised(self):
        with Form(self.Partner) as form:
            form.name = "  Form   Partner "
            form.email = "FORM@Example.com"
        self.assertEqual(form.record.name, "Form Partner")
        self.assertEqual(form.record.email, "form@example.com")

    def test_settings_by_role(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.crm_standardise_email = False
            settings.crm_tier_a_percent = 70
            self.assertEqual(settings.crm_tier_c_percent, 15)
        settings.record.execute()
        self.assertFalse(self.company_a.crm_standardise_email)
        self.assertEqual(self.company_a.crm_tier_a_percent, 70)
        with self.assertRaises(AccessError):
            self.company_a.with_user(self.user_salesman).write({"crm_standardise_email": True})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.user_manager).create({"crm_standardise_email": True})
