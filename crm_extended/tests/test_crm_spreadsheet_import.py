import base64
import csv
import io
import re
import zipfile
from unittest.mock import patch

from openpyxl import Workbook, load_workbook

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_extended.models.res_partner import CRM_KEY_FIELDS
from odoo.addons.crm_extended.tests.common import CrmSuiteCommon

ACCOUNT_HEADER = ["Company", "VAT", "Email", "Phone", "City", "Country", "Contact name", "Contact email"]


def make_xlsx(rows, title="Accounts", extra_sheets=()):
    """Bytes of a workbook whose first sheet holds ``rows``; extra sheets are (title, rows)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for extra_title, extra_rows in extra_sheets:
        extra = workbook.create_sheet(extra_title)
        for row in extra_rows:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_csv(rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def with_cached_formula_values(data, cached):
    """Give the formula cells written by openpyxl the value Excel would have saved with them.

    ``cached`` maps a cell reference ("A2") to its value; openpyxl itself writes
    formulas without a cached value.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    text, count = re.subn(
                        rf'<c r="{ref}"( t="\w+")?><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{ref}"{kind}><f>\2</f><v>{value}</v>',
                        text,
                    )
                    assert count == 1, f"formula cell {ref} not found"
                content = text.encode()
            target.writestr(info, content)
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportCommon(CrmSuiteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.belgium = cls.env.ref("base.be")
        cls.Partner = cls.env["res.partner"]

    def _wizard(self, data, filename="accounts.xlsx", import_type="partner", user=None, **values):
        return (
            self.env["crm.spreadsheet.import"]
            .with_user(user or self.user_salesman)
            .create(
                {
                    "file": base64.b64encode(data),
                    "filename": filename,
                    "import_type": import_type,
                    **values,
                }
            )
        )

    def _mapping(self, wizard):
        wizard.action_load_columns()
        return {mapping.header: mapping.target for mapping in wizard.mapping_ids}

    def _outcomes(self, wizard):
        return {line.row_number: line.outcome for line in wizard.line_ids}

    def _partner_count(self):
        return self.Partner.with_context(active_test=False).search_count([])


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportMapping(TestCrmSpreadsheetImportCommon):
    def test_mapping_english_and_odoo_labels(self):
        header = ["Company Name", "Tax ID", "E-Mail ", "phone", "Website Link", "Zip", "Country", "Contact person"]
        mapping = self._mapping(self._wizard(make_xlsx([header, ["Acme"] + [None] * 7])))
        self.assertEqual(
            mapping,
            {
                "Company Name": "name",
                "Tax ID": "vat",
                "E-Mail": "email",
                "phone": "phone",
                "Website Link": "website",
                "Zip": "zip",
                "Country": "country",
                "Contact person": "contact_name",
            },
        )

    def test_mapping_users_languages(self):
        expected = ["name", "vat", "email", "phone", "city", "country", "contact_name", "contact_function"]
        headers = {
            "el": ["ΕΠΩΝΥΜΙΑ", "Α.Φ.Μ.", "Ηλεκτρονικό ταχυδρομείο", "Τηλέφωνο", "Πόλη", "Χώρα", "Όνομα επαφής", "Θέση"],
            "pl": [
                "Nazwa firmy",
                "NIP",
                "Adres e-mail",
                "Telefon",
                "Miejscowość",
                "Kraj",
                "Osoba kontaktowa",
                "Stanowisko",
            ],
            "ru": [
                "Наименование",
                "ИНН",
                "Электронная почта",
                "Телефон",
                "Город",
                "Страна",
                "Контактное лицо",
                "Должность",
            ],
            "lv": [
                "Uzņēmuma nosaukums",
                "PVN numurs",
                "E-pasts",
                "Tālrunis",
                "Pilsēta",
                "Valsts",
                "Kontaktpersona",
                "Amats",
            ],
            "fil": [
                "Pangalan ng kumpanya",
                "TIN",
                "Email",
                "Telepono",
                "Lungsod",
                "Bansa",
                "Pangalan ng contact",
                "Posisyon",
            ],
        }
        for lang, header in headers.items():
            with self.subTest(lang=lang):
                mapping = self._mapping(self._wizard(make_xlsx([header, ["x"] * len(header)])))
                self.assertEqual([mapping[title] for title in header], expected)

    def test_mapping_ignores_accents_and_case(self):
        header = ["uznemuma nosaukums", "ΤΗΛΕΦΩΝΟ", "e mail"]
        mapping = self._mapping(self._wizard(make_xlsx([header, ["x", "y", "z"]])))
        self.assertEqual(list(mapping.values()), ["name", "phone", "email"])

    def test_mapping_leads_in_languages(self):
        header = ["Ευκαιρία", "Firma", "Ожидаемый доход", "E-pasts", "Tala"]
        mapping = self._mapping(self._wizard(make_xlsx([header, ["x"] * 5]), import_type="lead"))
        self.assertEqual(
            list(mapping.values()), ["lead_name", "partner_name", "expected_revenue", "email", "description"]
        )

    def test_mapping_installed_language_label(self):
        """A field label in any installed language is recognised (labels live in ir.model.fields)."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.cr.execute(
            """UPDATE ir_model_fields SET field_description = field_description || '{"fr_FR": "N° TVA intracom"}'
                WHERE model = 'res.partner' AND name = 'vat'"""
        )
        mapping = self._mapping(self._wizard(make_xlsx([["Name", "n° tva INTRACOM"], ["Acme", "BE1"]])))
        self.assertEqual(mapping["n° tva INTRACOM"], "vat")

    def test_unknown_header_remapped_by_hand(self):
        wizard = self._wizard(make_xlsx([["Name", "Numer identyfikacyjny"], ["Remap Ltd", "pl 123 456"]]))
        self.assertEqual(self._mapping(wizard)["Numer identyfikacyjny"], False)
        wizard.mapping_ids.filtered(lambda m: m.header == "Numer identyfikacyjny").target = "vat"
        wizard.action_import()
        partner = self.Partner.search([("name", "=", "Remap Ltd")])
        self.assertEqual(partner.vat, "PL123456", "remapped column imported and standardised")

    def test_wizard_form_flow(self):
        """Upload, check the columns, remap one by hand, dry run and import through the form."""
        data = make_xlsx([["Nazwa firmy", "Identyfikator", "Miasto"], ["Formowa Sp. z o.o.", "pl 555", "Kraków"]])
        wizard_form = Form(self.env["crm.spreadsheet.import"].with_user(self.user_salesman))
        wizard_form.import_type = "partner"
        wizard_form.file = base64.b64encode(data)
        wizard = wizard_form.save()
        wizard.action_load_columns()
        wizard_form = Form(wizard)
        self.assertEqual(wizard.state, "mapping")
        with wizard_form.mapping_ids.edit(1) as mapping:
            self.assertEqual(mapping.header, "Identyfikator")
            self.assertFalse(mapping.target)
            mapping.target = "vat"
        wizard = wizard_form.save()
        wizard.action_dry_run()
        self.assertEqual(wizard.count_create, 1)
        self.assertFalse(self.Partner.search([("name", "=", "Formowa Sp. z o.o.")]))
        wizard.action_import()
        partner = self.Partner.search([("name", "=", "Formowa Sp. z o.o.")])
        self.assertEqual((partner.vat, partner.city, partner.company_id), ("PL555", "Kraków", self.company_a))
        self.assertIn("Accounts: 1 created", wizard.result_message)

    def test_template_maps_completely_and_imports(self):
        """The downloadable template of each kind is recognised column by column and imports cleanly."""
        for import_type in ("partner", "lead"):
            with self.subTest(import_type=import_type):
                wizard = (
                    self.env["crm.spreadsheet.import"]
                    .with_user(self.user_salesman)
                    .create({"import_type": import_type})
                )
                wizard.action_download_template()
                template = base64.b64decode(wizard.error_report_file)
                imported = self._wizard(template, import_type=import_type)
                self.assertTrue(all(self._mapping(imported).values()), "every column of the template is mapped")
                imported.action_import()
                self.assertEqual(imported.state, "done")
        partner = self.Partner.search([("vat", "=", "BE0477472701")])
        self.assertEqual(partner.child_ids.name, "Anna Azure")
        self.assertEqual(self.env["crm.lead"].search([("name", "=", "ERP rollout")]).expected_revenue, 12000)

    def test_mapping_refuses_two_columns_on_one_field(self):
        wizard = self._wizard(make_xlsx([["Name", "Email", "Other"], ["A", "a@example.com", "b@example.com"]]))
        wizard.action_load_columns()
        wizard.mapping_ids.filtered(lambda m: m.header == "Other").target = "email"
        with self.assertRaisesRegex(UserError, "Email.*Other"):
            wizard.action_dry_run()


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportDryRun(TestCrmSpreadsheetImportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.by_vat = Partner.create({"name": "Vat Match", "vat": "BE0477472701", "is_company": True})
        cls.by_email = Partner.create({"name": "Email Match", "email": "info@beta.example", "is_company": True})
        cls.by_phone = Partner.create({"name": "Phone Match", "phone": "+32 2 555 01 01", "is_company": True})
        cls.rows = [
            ACCOUNT_HEADER,
            ["Vat Match NV", "be 0477 472 701", None, None, "Brussels", "BE", None, None],  # 2 update by VAT
            ["Email Match", None, " INFO@Beta.Example ", None, None, "Belgium", None, None],  # 3 update by e-mail
            ["Phone Match", None, None, "+32  2 555 01 01", None, None, None, None],  # 4 update by phone
            ["New Co", "NL123", "hello@new.example", None, "Utrecht", "NL", "Nina New", "nina@new.example"],  # 5
            ["New Co", "nl 123", None, None, None, None, "Nils New", None],  # 6 new contact of row 5
            ["New Co", "NL123", None, None, None, None, None, None],  # 7 duplicate of row 5
            ["Bad Mail", None, "not-an-address", None, None, "Atlantis", None, None],  # 8 error
        ]

    def test_dry_run_outcomes_and_writes_nothing(self):
        partners, leads = self._partner_count(), self.env["crm.lead"].search_count([])
        wizard = self._wizard(make_xlsx(self.rows))
        wizard.action_dry_run()
        self.assertEqual(self._partner_count(), partners, "a dry run writes no account")
        self.assertEqual(self.env["crm.lead"].search_count([]), leads)
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(
            self._outcomes(wizard),
            {2: "update", 3: "update", 4: "update", 5: "create", 6: "create", 7: "duplicate", 8: "error"},
        )
        lines = {line.row_number: line for line in wizard.line_ids}
        self.assertEqual(lines[2].partner_id, self.by_vat)
        self.assertEqual(lines[3].partner_id, self.by_email)
        self.assertEqual(lines[4].partner_id, self.by_phone)
        self.assertEqual(lines[7].duplicate_of_row, 5)
        self.assertIn("row 5", lines[6].message)
        self.assertEqual(lines[8].error_columns, "Country, Email")
        self.assertIn("not-an-address", lines[8].message)
        self.assertIn("Atlantis", lines[8].message)
        self.assertEqual(lines[2].values["account"]["vat"], "BE0477472701", "standardised before matching")
        self.assertEqual(
            (wizard.count_create, wizard.count_update, wizard.count_duplicate, wizard.count_error), (2, 3, 1, 1)
        )

    def test_matching_is_one_query_per_batch(self):
        """The dry run's queries do not grow with the number of rows."""

        def queries_for(count):
            rows = [ACCOUNT_HEADER] + [
                [f"Perf {index}", f"BE{index:010d}", f"perf{index}@perf.example", None, None, "BE", None, None]
                for index in range(count)
            ]
            wizard = self._wizard(make_xlsx(rows))
            wizard.action_load_columns()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            wizard.action_dry_run()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        queries_for(2)  # warm the caches (translations, field metadata)
        self.assertEqual(queries_for(5), queries_for(60))

    def test_streamed_rows_keep_their_sheet_row_numbers(self):
        """Rows are streamed one by one in batches: empty rows and batch ends never shift a row's number."""
        rows = [
            ACCOUNT_HEADER,
            ["Stream One", None, "one@stream.example", None, None, "BE", None, None],  # 2
            [],  # 3 and 4: empty, not even written in the file
            [],
            ["Stream Bad", None, "not-an-address", None, None, "BE", None, None],  # 5
            ["Stream Two", None, "two@stream.example", None, None, "BE", None, None],  # 6
            ["Stream One again", None, "ONE@stream.example", None, None, "BE", None, None],  # 7, next batch
        ]
        wizard = self._wizard(make_xlsx(rows))
        with patch("odoo.addons.crm_extended.wizard.crm_spreadsheet_import.BATCH_SIZE", 2):
            wizard.action_dry_run()
        self.assertEqual(self._outcomes(wizard), {2: "create", 5: "error", 6: "create", 7: "duplicate"})
        lines = {line.row_number: line for line in wizard.line_ids}
        self.assertEqual(lines[7].duplicate_of_row, 2, "a duplicate found in a later batch names the first row")
        self.assertEqual(lines[5].error_columns, "Email")
        with self.assertRaisesRegex(UserError, "Row 5, Email"):
            wizard.action_import()

    def test_all_or_nothing(self):
        partners = self._partner_count()
        wizard = self._wizard(make_xlsx(self.rows))
        with self.assertRaises(UserError) as error:
            wizard.action_import()
        message = str(error.exception)
        self.assertIn("Nothing was imported", message)
        self.assertIn("Row 8", message)
        self.assertIn("Email:", message)
        self.assertIn("Country:", message)
        self.assertEqual(self._partner_count(), partners)
        self.assertEqual(self.by_vat.name, "Vat Match", "no update either")

    def test_tracking_of_created_records_settled_batch_by_batch(self):
        """Mail keeps an entry for each record created without tracking until the commit: the import
        settles them after each batch, so what it holds does not grow with the file."""

        def pending():
            return set(self.env.cr.precommit.data.get("mail.tracking.res.partner") or ())

        bare = self.Partner.with_context(tracking_disable=True).create({"name": "Bare Create"})
        self.assertIn(bare.id, pending(), "Odoo's create keeps an entry for the record until the commit")
        rows = [ACCOUNT_HEADER] + [
            [f"Settled {index}", None, f"settled{index}@settled.example", None, None, "BE", None, None]
            for index in range(3)
        ]
        Partner = type(self.Partner)
        create = Partner.create
        pending_at_create = []

        def spy(records, vals_list):
            pending_at_create.append(len(pending()))
            return create(records, vals_list)

        with (
            patch("odoo.addons.crm_extended.wizard.crm_spreadsheet_import.BATCH_SIZE", 2),
            patch.object(Partner, "create", spy),
        ):
            self._wizard(make_xlsx(rows)).action_import()
        self.assertEqual(len(self.Partner.search([("email", "=like", "settled%@settled.example")])), 3)
        self.assertEqual(len(pending_at_create), 2, "two batches")
        self.assertEqual(pending_at_create[1], 0, "the entries of the first batch are gone when the second starts")

    def test_created_accounts_keep_the_keys_of_the_dry_run(self):
        """The dry run computes each account's duplicate keys; create keeps them, not computing them again,
        and they are the keys a partner created by hand with the same values gets."""
        values = ["Keys Co", "BE 0999.999.999", "keys@keys.example", "0470 12 34 56", "Gent", "BE", None, None]
        Partner = type(self.Partner)
        compute = Partner._compute_crm_keys
        computed = []

        def spy(records):
            computed.append(records.ids)
            return compute(records)

        with patch.object(Partner, "_compute_crm_keys", spy):
            self._wizard(make_xlsx([ACCOUNT_HEADER, values])).action_import()
        self.assertEqual(computed, [], "no key computed again at create")
        account = self.Partner.search([("email", "=", "keys@keys.example")])
        self.assertEqual(len(account), 1, "a new account")
        by_hand = self.Partner.create(
            {
                "name": "Keys Co",
                "vat": "BE 0999.999.999",
                "phone": "0470 12 34 56",
                "city": "Gent",
                "country_id": self.env.ref("base.be").id,
                "is_company": True,
            }
        )
        self.assertEqual(account.read(CRM_KEY_FIELDS)[0] | {"id": 0}, by_hand.read(CRM_KEY_FIELDS)[0] | {"id": 0})
        self.assertEqual(account.crm_phone_key, "+32470123456")

    def test_skip_rows_with_errors(self):
        partners = self._partner_count()
        wizard = self._wizard(make_xlsx(self.rows), skip_errors=True)
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        # New Co + its contacts Nina and Nils; Bad Mail left out
        self.assertEqual(self._partner_count(), partners + 3)
        self.assertFalse(self.Partner.search([("name", "=", "Bad Mail")]))
        new_co = self.Partner.search([("vat", "=", "NL123"), ("parent_id", "=", False)])
        self.assertEqual(len(new_co), 1)
        self.assertEqual(new_co.country_id, self.env.ref("base.nl"))
        self.assertEqual(new_co.email, "hello@new.example")
        self.assertEqual(sorted(new_co.child_ids.mapped("name")), ["Nils New", "Nina New"])
        self.assertEqual(self.by_vat.name, "Vat Match NV")
        self.assertEqual(self.by_vat.country_id, self.belgium)
        self.assertIn("1 rows with errors were skipped", wizard.result_message)
        self.assertIn("Accounts: 1 created, 3 updated", wizard.result_message)

    def test_contacts_get_what_odoo_copies_from_their_account(self):
        """Imported contacts hold their account's commercial fields, address and language, as Odoo's create gives."""
        self.env["res.lang"]._activate_lang("fr_FR")
        # a pricelist for Belgium and a generic one: contacts keep their account's pricelist or not
        benelux = self.env["res.country.group"].create({"name": "Benelux", "country_ids": [self.belgium.id]})
        self.env["product.pricelist"].create({"name": "Generic"})
        self.env["product.pricelist"].create({"name": "Belgium", "country_group_ids": [benelux.id]})
        self.by_vat.write(
            {
                "lang": "fr_FR",
                "street": "Rue Royale 1",
                "city": "Brussels",
                "zip": "1000",
                "country_id": self.belgium.id,
            }
        )
        rows = [
            ACCOUNT_HEADER,
            ["Vat Match NV", "BE0477472701", None, None, None, None, "Vera Vat", "vera@vat.example"],
            ["New Co", "NL123", None, None, "Utrecht", "NL", "Nina New", "nina@new.example"],
        ]
        self._wizard(make_xlsx(rows)).action_import()
        vera = self.by_vat.child_ids.filtered(lambda child: child.name == "Vera Vat")
        self.assertEqual(
            (vera.vat, vera.street, vera.zip, vera.lang), ("BE0477472701", "Rue Royale 1", "1000", "fr_FR")
        )
        self.assertEqual(vera.property_product_pricelist.name, "Belgium")
        nina = self.Partner.search([("name", "=", "Nina New")])
        self.assertEqual(nina.commercial_partner_id, nina.parent_id)
        self.assertEqual((nina.vat, nina.city, nina.country_id), ("NL123", "Utrecht", self.env.ref("base.nl")))
        # the same values as contacts created by res.partner create()
        for contact in vera | nina:
            reference = self.Partner.create({"name": "Reference", "parent_id": contact.parent_id.id, "type": "contact"})
            for fname in [
                "vat",
                "company_registry",
                "industry_id",
                "property_product_pricelist",
                "specific_property_product_pricelist",
                "street",
                "city",
                "zip",
                "country_id",
                "lang",
                "commercial_partner_id",
            ]:
                self.assertEqual(contact[fname], reference[fname], f"{contact.name}: {fname}")

    def test_reimport_updates_never_duplicates(self):
        rows = [row for row in self.rows if row[0] != "Bad Mail"]
        self._wizard(make_xlsx(rows)).action_import()
        partners = self._partner_count()
        wizard = self._wizard(make_xlsx(rows))
        wizard.action_dry_run()
        self.assertEqual(
            self._outcomes(wizard), {2: "update", 3: "update", 4: "update", 5: "update", 6: "update", 7: "duplicate"}
        )
        wizard.action_import()
        self.assertEqual(self._partner_count(), partners, "the second import creates nothing")
        self.assertIn("Contacts: 0 created, 2 updated", wizard.result_message)

    def test_reimport_writes_only_what_changed(self):
        """Like the form, an update saves only the values that differ: an unchanged row writes nothing."""
        rows = [row for row in self.rows if row[0] != "Bad Mail"]
        self._wizard(make_xlsx(rows)).action_import()
        Partner = type(self.Partner)
        original_write = Partner.write
        written = []

        def write(records, vals):
            written.append((records.mapped("name"), dict(vals)))
            return original_write(records, vals)

        with patch.object(Partner, "write", write):
            self._wizard(make_xlsx(rows)).action_import()
            self.assertEqual(written, [], "the same file again: nothing to write")
            rows[4] = [*rows[4][:4], "Amsterdam", *rows[4][5:]]  # row 5, New Co: another city
            self._wizard(make_xlsx(rows)).action_import()
        # (Odoo's own sync of the account's contacts follows, through empty writes)
        self.assertEqual([change for change in written if change[1]], [(["New Co"], {"city": "Amsterdam"})])
        new_co = self.Partner.search([("vat", "=", "NL123"), ("parent_id", "=", False)])
        self.assertEqual(new_co.child_ids.mapped("city"), ["Amsterdam", "Amsterdam"], "contacts follow the address")

    def test_import_after_dry_run_reads_file_once_and_matches_again(self):
        rows = [row for row in self.rows if row[0] != "Bad Mail"]
        wizard = self._wizard(make_xlsx(rows))
        wizard.action_dry_run()
        self.assertEqual(self._outcomes(wizard)[5], "create")
        # someone creates the account meanwhile; the file is not read a second time
        meanwhile = self.Partner.create({"name": "New Co (meanwhile)", "vat": "NL123", "is_company": True})
        wizard.file = base64.b64encode(b"not read again")
        partners = self._partner_count()
        wizard.action_import()
        self.assertEqual(meanwhile.name, "New Co", "row 5 updated the account created after the dry run")
        self.assertEqual(sorted(meanwhile.child_ids.mapped("name")), ["Nils New", "Nina New"])
        self.assertEqual(self._partner_count(), partners + 2, "only the two contacts are new")

    def test_row_without_keys_matches_by_name(self):
        self._wizard(make_xlsx([["Name", "City"], ["Nameonly Ltd", "Riga"]])).action_import()
        wizard = self._wizard(make_xlsx([["Name", "City"], ["Nameonly Ltd", "Jurmala"]]))
        wizard.action_import()
        partner = self.Partner.search([("name", "=", "Nameonly Ltd")])
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.city, "Jurmala")

    def test_created_accounts_store_the_keys_res_partner_computes(self):
        """The import stores the duplicate keys it matched with; they are those res.partner computes."""
        rows = [row for row in self.rows if row[0] != "Bad Mail"]
        self._wizard(make_xlsx(rows)).action_import()
        account = self.Partner.search([("vat", "=", "NL123"), ("parent_id", "=", False)])
        self.assertEqual(len(account), 1)
        accounts = account | account.child_ids
        key_fnames = ["crm_name_key", "crm_city_key", "crm_vat_key", "crm_phone_key", "crm_mobile_key"]
        stored = accounts.read(key_fnames)
        self.assertEqual((stored[0]["crm_name_key"], stored[0]["crm_vat_key"]), ("new co", "NL123"))
        for fname in key_fnames:
            self.env.add_to_compute(self.Partner._fields[fname], accounts)
        accounts.flush_recordset()
        self.assertEqual(accounts.read(key_fnames), stored)

    def test_international_number_with_trunk_prefix_matches(self):
        """Unformatted numbers are compared by their E.164 key: +44 020 … is the account's +44 20 …"""
        self.env.company.crm_standardise_phone = False
        existing = self.Partner.create({"name": "London Ltd", "is_company": True, "phone": "+44 20 7946 0000"})
        wizard = self._wizard(make_xlsx([["Company", "Phone"], ["London Limited", "+44 020 7946 0000"]]))
        wizard.action_dry_run()
        self.assertEqual(self._outcomes(wizard), {2: "update"})
        self.assertEqual(wizard.line_ids.partner_id, existing)

    def test_error_report_xlsx(self):
        wizard = self._wizard(make_xlsx(self.rows))
        wizard.action_dry_run()
        action = wizard.action_download_errors()
        self.assertIn("/error_report_file/", action["url"])
        workbook = load_workbook(io.BytesIO(base64.b64decode(wizard.error_report_file)), read_only=True)
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), ["Row", *ACCOUNT_HEADER, "Columns in error", "Errors"])
        self.assertEqual(len(rows), 2, "only the row in error")
        self.assertEqual(rows[1][:4], (8, "Bad Mail", None, "not-an-address"))
        self.assertEqual(rows[1][-2], "Country, Email")
        self.assertIn("Atlantis", rows[1][-1])

    def test_error_report_keeps_formula_text_as_text(self):
        data = make_csv([["Name", "Email"], ['=HYPERLINK("http://evil.example")', "broken@"]])
        wizard = self._wizard(data, filename="accounts.csv")
        wizard.action_dry_run()
        self.assertEqual(wizard.count_error, 1)
        wizard.action_download_errors()
        workbook = load_workbook(io.BytesIO(base64.b64decode(wizard.error_report_file)))
        cell = workbook.active["B2"]
        self.assertEqual(cell.value, '=HYPERLINK("http://evil.example")')
        self.assertEqual(cell.data_type, "s", "a cell starting with = stays text, never a formula")


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportFiles(TestCrmSpreadsheetImportCommon):
    def _assert_refused(self, data, pattern, filename="accounts.xlsx", **values):
        partners = self._partner_count()
        wizard = self._wizard(data, filename=filename, **values)
        with self.assertRaisesRegex(UserError, pattern):
            wizard.action_load_columns()
        with self.assertRaisesRegex(UserError, pattern):
            wizard.action_import()
        self.assertEqual(self._partner_count(), partners)
        self.assertFalse(wizard.line_ids)

    def test_not_a_spreadsheet(self):
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        self._assert_refused(png, "is not a spreadsheet", filename="logo.png")
        self._assert_refused(b"%PDF-1.4 fake", "is not a spreadsheet", filename="accounts.xlsx")
        self._assert_refused(png, "is not a spreadsheet", filename="accounts.csv")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zip_file:
            zip_file.writestr("word/document.xml", "<w/>")
        self._assert_refused(archive.getvalue(), "is not a spreadsheet", filename="letter.xlsx")

    def test_old_xls_and_encoding(self):
        self._assert_refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"\.xls", filename="old.xls")
        self._assert_refused("Name\nSociété\n".encode("latin-1"), "UTF-8", filename="accounts.csv")

    def test_corrupt_zip(self):
        data = make_xlsx([["Name"], ["Acme"]])
        # storing the upload, Odoo's attachment logs that it cannot guess the type of a broken zip
        with mute_logger("odoo.tools.mimetypes", "py.warnings"):
            self._assert_refused(data[: len(data) // 2], "is damaged")

    def test_empty_workbook(self):
        self._assert_refused(make_xlsx([]), "workbook is empty")
        self._assert_refused(make_csv([[], [], []]), "workbook is empty", filename="empty.csv")

    def test_no_header_row(self):
        self._assert_refused(make_xlsx([[None, None], ["Acme", "acme@example.com"]]), "No header row")
        self._assert_refused(make_xlsx([[1, 2], [3, 4]]), "No header row")

    def test_unknown_sheet(self):
        self._assert_refused(
            make_xlsx([["Name"], ["Acme"]]), "no sheet “Leads 2024”.*Accounts", sheet_name="Leads 2024"
        )

    def test_too_many_rows(self):
        self.env["ir.config_parameter"].set_param("crm_extended.import_max_rows", "3")
        data = make_xlsx([["Name"]] + [[f"Row {index}"] for index in range(4)])
        partners = self._partner_count()
        wizard = self._wizard(data)
        wizard.action_load_columns()
        for action in (wizard.action_dry_run, wizard.action_import):
            with self.assertRaisesRegex(UserError, "more than 3 rows"):
                action()
        self.assertEqual(self._partner_count(), partners)
        # exactly at the limit is fine
        self._wizard(make_xlsx([["Name"]] + [[f"Row {index}"] for index in range(3)])).action_import()
        self.assertEqual(self._partner_count(), partners + 3)

    def test_too_large_file(self):
        self.env["ir.config_parameter"].set_param("crm_extended.import_max_bytes", "1000")
        self._assert_refused(make_xlsx([["Name"]] + [[f"Account {index}"] for index in range(300)]), "too large")

    def test_sheet_selection(self):
        data = make_xlsx(
            [["Notes"], ["not accounts"]], title="Readme", extra_sheets=[("Accounts", [["Name"], ["Sheet Two Ltd"]])]
        )
        wizard = self._wizard(data, sheet_name="accounts")
        wizard.action_import()
        self.assertEqual(wizard.sheet_names, "Readme, Accounts")
        self.assertTrue(self.Partner.search([("name", "=", "Sheet Two Ltd")]))
        self.assertFalse(self.Partner.search([("name", "=", "not accounts")]))

    def test_csv_with_semicolons(self):
        data = make_csv([["Επωνυμία", "ΑΦΜ", "Πόλη"], ["Ελληνική ΑΕ", "el 123 456", "Αθήνα"]], delimiter=";")
        self._wizard(data, filename="πελάτες.csv").action_import()
        partner = self.Partner.search([("vat", "=", "EL123456")])
        self.assertEqual((partner.name, partner.city), ("Ελληνική ΑΕ", "Αθήνα"))

    def test_formula_cells_read_as_values(self):
        data = make_xlsx(
            [
                ["Opportunity", "Company", "Expected revenue"],
                ['="Big "&"deal"', "Formula Corp", "=2*500"],
            ]
        )
        data = with_cached_formula_values(data, {"A2": "Big deal", "C2": 1000})
        wizard = self._wizard(data, import_type="lead")
        wizard.action_dry_run()
        self.assertEqual(wizard.line_ids.name, "Big deal")
        wizard.action_import()
        lead = self.env["crm.lead"].search([("name", "=", "Big deal")])
        self.assertEqual(lead.expected_revenue, 1000)
        self.assertFalse(self.env["crm.lead"].search([("name", "like", "=")]))


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportLeads(TestCrmSpreadsheetImportCommon):
    def test_leads_create_then_update(self):
        rows = [
            ["Opportunity", "Company", "Contact name", "Email", "Expected revenue", "Notes"],
            ["ERP rollout", "Delta SA", "Dora", "DORA@delta.example", "1 234,50", "Met at the fair"],
            ["ERP rollout", "Delta SA", "Dora", "dora@delta.example", "99", None],  # same lead
            ["Training", "Delta SA", "Dora", "dora@delta.example", "oops", None],  # not a number
        ]
        leads = self.env["crm.lead"].search_count([])
        wizard = self._wizard(make_xlsx(rows), import_type="lead", skip_errors=True)
        wizard.action_dry_run()
        self.assertEqual(self._outcomes(wizard), {2: "create", 3: "duplicate", 4: "error"})
        self.assertIn("Expected revenue", wizard.line_ids.filtered(lambda line: line.row_number == 4).message)
        wizard.action_import()
        lead = self.env["crm.lead"].search([("name", "=", "ERP rollout")])
        self.assertEqual(self.env["crm.lead"].search_count([]), leads + 1)
        self.assertEqual(lead.expected_revenue, 1234.5)
        self.assertEqual(lead.email_from, "dora@delta.example")
        self.assertEqual(lead.company_id, self.company_a)
        self.assertIn("Met at the fair", lead.description)
        rows[1][4] = "2000"
        again = self._wizard(make_xlsx(rows[:2]), import_type="lead")
        again.action_import()
        self.assertEqual(self.env["crm.lead"].search_count([]), leads + 1, "re-import updates the lead")
        self.assertEqual(lead.expected_revenue, 2000)


@tagged("post_install", "-at_install")
class TestCrmSpreadsheetImportAccess(TestCrmSpreadsheetImportCommon):
    def test_internal_user_refused(self):
        with self.assertRaises(AccessError):
            self._wizard(make_xlsx([["Name"], ["Nope"]]), user=self.user_internal)
        for model in ("crm.spreadsheet.import.line", "crm.spreadsheet.import.mapping"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.user_internal).search([])
        menu = self.env.ref("crm_extended.crm_spreadsheet_import_menu")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.user_internal)._visible_menu_ids())
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.user_salesman)._visible_menu_ids())

    def test_sales_roles_can_import(self):
        for user in (self.user_salesman, self.user_all_docs, self.user_manager):
            with self.subTest(user=user.login):
                self._wizard(make_xlsx([["Name"], [f"Imported by {user.login}"]]), user=user).action_import()
                self.assertTrue(self.Partner.search([("name", "=", f"Imported by {user.login}")]))

    def test_company_of_created_records(self):
        data = make_xlsx([["Name", "VAT", "Contact name"], ["Company B Import", "DE999", "Bea"]])
        self._wizard(data, user=self.user_salesman_b).action_import()
        partner = self.Partner.search([("vat", "=", "DE999")])
        self.assertEqual(partner.company_id, self.company_b)
        self.assertEqual(partner.child_ids.company_id, self.company_b)

    def test_other_company_account_never_linked(self):
        """A salesman of company A importing the VAT of a company-B account creates his own account."""
        self.partner_b.vat = "LV40003000000"
        wizard = self._wizard(make_xlsx([["Name", "VAT", "City"], ["Bravo copy", "LV40003000000", "Riga"]]))
        wizard.action_dry_run()
        self.assertEqual(wizard.line_ids.outcome, "create")
        self.assertFalse(wizard.line_ids.partner_id)
        wizard.action_import()
        self.assertEqual(self.partner_b.name, "Bravo Ltd (test)")
        self.assertFalse(self.partner_b.city)
        created = self.Partner.search([("vat", "=", "LV40003000000"), ("id", "!=", self.partner_b.id)])
        self.assertEqual(created.company_id, self.company_a)
