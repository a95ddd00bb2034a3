from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command


class CrmCompetitorMerge(models.TransientModel):
    """Merge duplicate competitors into the one kept.

    Opportunities ("competitors" and "lost to"), battlecards, accounts,
    countries and products of the duplicates move to the competitor kept; the
    duplicates are archived, so their history stays readable.
    """

    _name = "crm.competitor.merge"
    _description = "Merge Competitors"

    competitor_ids = fields.Many2many("crm.competitor", string="Competitors", required=True)
    dst_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Keep",
        required=True,
        domain="[('id', 'in', competitor_ids)]",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.competitor" and self.env.context.get("active_ids"):
            competitors = self.env["crm.competitor"].browse(self.env.context["active_ids"]).exists()
            values["competitor_ids"] = [Command.set(competitors.ids)]
            values["dst_competitor_id"] = competitors.sorted(lambda c: (-c.lead_count, c.id))[:1].id
        return values

    def action_merge(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales administrators can merge competitors."))
        dst = self.dst_competitor_id
        duplicates = self.competitor_ids - dst
        if not duplicates:
            raise UserError(self.env._("Select at least two competitors to merge."))
        if dst.company_id and any(dup.company_id and dup.company_id != dst.company_id for dup in duplicates):
            raise UserError(self.env._("Competitors of different companies cannot be merged."))
        duplicates._merge_into(dst)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.competitor",
            "res_id": dst.id,
            "view_mode": "form",
            "target": "current",
        }
