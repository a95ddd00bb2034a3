from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    competitor_ids = fields.Many2many(
        "crm.competitor",
        "crm_competitor_res_partner_rel",
        "partner_id",
        "competitor_id",
        string="Competitors",
        check_company=True,
        groups="sales_team.group_sale_salesman",
        help="Competitors this account works with.",
    )
