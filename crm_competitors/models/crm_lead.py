from odoo import api, fields, models
from odoo.exceptions import ValidationError
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
    battlecard_count = fields.Integer(compute="_compute_battlecard_count")

    # ---- COMPUTES ----

    @api.depends("competitor_ids.material_ids")
    def _compute_battlecard_count(self):
        for lead in self:
            lead.battlecard_count = len(lead.competitor_ids.material_ids)

    # ---- CONSTRAINTS ----

    @api.constrains("company_id", "competitor_ids")
    def _check_competitor_company(self):
        """Every competitor of a deal is shared or of the deal's company (not just one of them)."""
        for lead in self.filtered("company_id"):
            foreign = [c.name for c in lead.competitor_ids if c.company_id and c.company_id != lead.company_id]
            if foreign:
                raise ValidationError(
                    self.env._(
                        "%(lead)s belongs to %(company)s; %(competitors)s belong to another company.",
                        lead=lead.display_name,
                        company=lead.company_id.name,
                        competitors=", ".join(foreign),
                    )
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

    # ---- ACTIONS ----

    def action_open_battlecards(self):
        """The battlecards of the competitors of this deal, one click away."""
        self.ensure_one()
        return self.competitor_ids.material_ids._action_open_battlecards(
            self.env._("Battlecards for %(name)s", name=self.name)
        )

    # ---- BUSINESS ----

    def _merge_get_fields_specific(self):
        """Merged opportunities keep every competitor; "lost to" follows the lost reason."""
        return {
            **super()._merge_get_fields_specific(),
            "competitor_ids": lambda fname, leads: leads.mapped("competitor_ids"),
            "lost_competitor_id": lambda fname, leads: (
                False
                if leads and leads[0].probability
                else next((lead.lost_competitor_id.id for lead in leads if lead.lost_competitor_id), False)
            ),
        }

    def _link_lost_competitor(self):
        """The competitor a deal was lost to always appears among its competitors."""
        for lead in self.filtered(
            lambda lead: lead.lost_competitor_id and lead.lost_competitor_id not in lead.competitor_ids
        ):
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
