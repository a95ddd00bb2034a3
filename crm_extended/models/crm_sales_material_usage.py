from odoo import api, fields, models


class CrmSalesMaterialUsage(models.Model):
    """One sending of a sales material to an opportunity (written by the send wizard)."""

    _name = "crm.sales.material.usage"
    _description = "Sales Material Usage"
    _order = "date desc, id desc"
    _check_company_auto = True

    material_id = fields.Many2one(
        "crm.sales.material", required=True, index=True, ondelete="cascade", check_company=True
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="set null",
    )
    user_id = fields.Many2one("res.users", string="Sent by", default=lambda self: self.env.user, ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    mail_message_id = fields.Many2one("mail.message", string="Message", ondelete="set null")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    material_type = fields.Selection(related="material_id.material_type")
    lead_state = fields.Selection(
        [("open", "In Progress"), ("won", "Won"), ("lost", "Lost")],
        string="Deal Outcome",
        compute="_compute_lead_state",
        store=True,
    )

    @api.depends("lead_id")
    def _compute_partner_id(self):
        # the recipient at the time of sending: later changes of the opportunity's contact do not rewrite it
        for usage in self:
            usage.partner_id = usage.lead_id.partner_id

    @api.depends("lead_id.active", "lead_id.probability", "lead_id.stage_id.is_won")
    def _compute_lead_state(self):
        for usage in self:
            lead = usage.lead_id
            if lead.stage_id.is_won:
                usage.lead_state = "won"
            elif not lead.active and not lead.probability:
                usage.lead_state = "lost"
            else:
                usage.lead_state = "open"
