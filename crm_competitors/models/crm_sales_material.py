from odoo import fields, models


class CrmSalesMaterial(models.Model):
    _inherit = "crm.sales.material"

    competitor_ids = fields.Many2many(
        "crm.competitor",
        "crm_competitor_crm_sales_material_rel",
        "material_id",
        "competitor_id",
        string="Competitors",
        check_company=True,
        help="Competitors this material is a battlecard against.",
    )

    def _action_open_battlecards(self, name):
        """Window action on these materials, from a competitor or an opportunity."""
        action = self.env["ir.actions.actions"]._for_xml_id("crm_extended.crm_sales_material_action")
        action.update({"name": name, "domain": [("id", "in", self.ids)], "context": {"create": False}})
        return action
