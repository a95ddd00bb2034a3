from odoo import fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        help="The competitor who won the deal, if any. It is added to the competitors of the deal.",
    )

    def action_lost_reason_apply(self):
        res = super().action_lost_reason_apply()
        if self.lost_competitor_id:
            self.lead_ids.write({"lost_competitor_id": self.lost_competitor_id.id})
        return res
