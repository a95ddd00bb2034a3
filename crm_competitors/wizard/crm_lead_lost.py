from odoo import fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        help="The competitor who won the deal, if any. It is added to the competitors of the deal.",
    )

    def action_lost_reason_apply(self):
        # read before: once archived, the leads drop out of ``lead_ids``
        leads = self.lead_ids
        res = super().action_lost_reason_apply()
        if self.lost_competitor_id:
            leads.write({"lost_competitor_id": self.lost_competitor_id.id})
        return res
