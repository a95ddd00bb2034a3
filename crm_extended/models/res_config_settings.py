from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # ---- ACCOUNT DATA (crm_extended accounts) ----
    crm_standardise_names = fields.Boolean(related="company_id.crm_standardise_names", readonly=False)
    crm_standardise_email = fields.Boolean(related="company_id.crm_standardise_email", readonly=False)
    crm_standardise_phone = fields.Boolean(related="company_id.crm_standardise_phone", readonly=False)
    crm_standardise_website = fields.Boolean(related="company_id.crm_standardise_website", readonly=False)
    crm_standardise_vat = fields.Boolean(related="company_id.crm_standardise_vat", readonly=False)
    crm_tier_a_percent = fields.Float(related="company_id.crm_tier_a_percent", readonly=False)
    crm_tier_b_percent = fields.Float(related="company_id.crm_tier_b_percent", readonly=False)
    crm_tier_c_percent = fields.Float("Tier C share (%)", compute="_compute_crm_tier_c_percent")
    crm_cadence_days_a = fields.Integer(related="company_id.crm_cadence_days_a", readonly=False)
    crm_cadence_days_b = fields.Integer(related="company_id.crm_cadence_days_b", readonly=False)
    crm_cadence_days_c = fields.Integer(related="company_id.crm_cadence_days_c", readonly=False)

    # ---- CONTRACTS (crm_extended contracts) ----
    crm_contract_renewal_lead = fields.Boolean(related="company_id.crm_contract_renewal_lead", readonly=False)

    @api.depends("crm_tier_a_percent", "crm_tier_b_percent")
    def _compute_crm_tier_c_percent(self):
        for settings in self:
            settings.crm_tier_c_percent = max(100.0 - settings.crm_tier_a_percent - settings.crm_tier_b_percent, 0.0)
