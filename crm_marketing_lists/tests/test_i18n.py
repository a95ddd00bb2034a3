from odoo.tests import tagged

from odoo.addons.crm_extended.tests.i18n_common import CrmSuiteI18nCommon


@tagged("post_install", "-at_install")
class TestCrmMarketingListsI18n(CrmSuiteI18nCommon):
    """A Greek-speaking salesman sees crm_marketing_lists' menu and labels in Greek."""

    i18n_modules = ("crm_marketing_lists",)

    def test_menu_and_labels(self):
        self.assertMenuName(self.env_translated, "crm_marketing_lists.crm_marketing_list_menu", "Λίστες Μάρκετινγκ")
        self.assertFieldLabel(self.env_translated, "crm.marketing.list", "list_type", "Τύπος Λίστας")
        self.assertSelectionLabel(self.env_translated, "crm.marketing.list", "list_type", "dynamic", "Δυναμική")
        self.assertFieldLabel(self.env_english, "crm.marketing.list", "list_type", "List Type")
