from odoo import api, fields, models
from odoo.fields import Command


class CrmLead(models.Model):
    _inherit = "crm.lead"

    competitor_ids = fields.Many2many(
        "crm.competitor",
        "crm_competitor_crm_lead_rel",
        "lead_id",
        "competitor_id",
        string="Competitors",
        check_company=True,
        help="Who else competes for this deal.",
    )
    lost_competitor_id = fields.Many2one(
        "crm.competitor",
        string="Lost To",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        ondelete="set null",
        help="The competitor who won this deal when we lost it.",
    )

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._link_lost_competitor()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if vals.get("lost_competitor_id"):
            self._link_lost_competitor()
        return res

    def toggle_active(self):
        res = super().toggle_active()
        # A restored or won deal is no longer lost to anybody.
        self.filtered(lambda lead: lead.active and lead.lost_competitor_id).write({"lost_competitor_id": False})
        return res

    # ---- ACTIONS ----

    # ---- BUSINESS ----

    def _link_lost_competitor(self):
        """The competitor a deal was lost to always appears among its competitors."""
        for lead in self.filtered(lambda lead: lead.lost_competitor_id and lead.lost_competitor_id not in lead.competitor_ids):
            lead.competitor_ids = [Command.link(lead.lost_competitor_id.id)]

    @api.model
    def _competitor_outcome_labels(self):
        return {
            "open": self.env._("Open"),
            "won": self.env._("Won"),
            "lost": self.env._("Lost"),
            "other": self.env._("Lost to another competitor"),
            "archived": self.env._("Archived"),
        }

    def _get_competitor_outcome(self, competitor):
        """Outcome of this deal seen from ``competitor`` (see crm.competitor for the rules)."""
        self.ensure_one()
        if self.active:
            return "won" if self.stage_id.is_won else "open"
        if self.probability:
            return "archived"
        if self.lost_competitor_id and self.lost_competitor_id != competitor:
            return "other"
        return "lost"
