from odoo.tests import tagged

from odoo.addons.crm_extended.tests.i18n_common import CrmSuiteI18nCommon


@tagged("post_install", "-at_install")
class TestCrmCompetitorsI18n(CrmSuiteI18nCommon):
    """A Greek-speaking salesman sees crm_competitors' menu and labels in Greek."""

    i18n_modules = ("crm_competitors",)

    def test_menu_and_labels(self):
        self.assertMenuName(self.env_translated, "crm_competitors.crm_competitor_menu", "Ανταγωνιστές")
        self.assertFieldLabel(self.env_translated, "crm.competitor", "threat_level", "Επίπεδο Απειλής")
        self.assertSelectionLabel(self.env_translated, "crm.competitor", "threat_level", "high", "Υψηλό")
        self.assertFieldLabel(self.env_english, "crm.competitor", "threat_level", "Threat Level")
