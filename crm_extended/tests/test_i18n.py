from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.crm_extended.tests.i18n_common import CrmSuiteI18nCommon


@tagged("post_install", "-at_install")
class TestCrmExtendedI18n(CrmSuiteI18nCommon):
    """A Greek-speaking salesman sees crm_extended's menus, labels and messages in Greek."""

    def test_menu_name(self):
        self.assertEqual(self.env_translated.lang, "el_GR")
        self.assertMenuName(self.env_translated, "crm_extended.crm_contract_menu", "Συμβάσεις")
        self.assertMenuName(self.env_translated, "crm_extended.crm_sales_material_menu", "Υλικά Πωλήσεων")
        # a colleague who kept English still sees English
        self.assertMenuName(self.env_english, "crm_extended.crm_contract_menu", "Contracts")

    def test_field_and_selection_labels(self):
        self.assertFieldLabel(
            self.env_translated, "crm.contract", "notice_period_days", "Περίοδος Προειδοποίησης (ημέρες)"
        )
        self.assertSelectionLabel(self.env_translated, "crm.contract", "state", "on_hold", "Σε Αναμονή")
        self.assertFieldLabel(self.env_translated, "res.partner", "customer_tier", "Κατηγορία")
        self.assertFieldLabel(self.env_english, "crm.contract", "notice_period_days", "Notice Period (days)")

    def test_error_message(self):
        """Messages raised by the Python code follow the user's language too."""
        contract = self.env_translated["crm.contract"].create(
            {"name": "Maintenance (i18n test)", "partner_id": self.partner_a.id, "date_start": "2025-01-01"}
        )
        with self.assertRaisesRegex(ValidationError, "δεν μπορεί να λήξει"):
            contract.date_end = "2024-12-31"
