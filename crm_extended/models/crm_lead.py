from collections import defaultdict

from odoo import api, fields, models

from ..tools.standardise import standardise_values


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # ---- SALES MATERIALS sent to the opportunity (crm_extended materials) ----
    material_usage_ids = fields.One2many("crm.sales.material.usage", "lead_id", string="Materials Sent")
    material_usage_count = fields.Integer(string="Materials Sent Count", compute="_compute_material_usage_count")

    def _compute_material_usage_count(self):
        counts = dict(
            self.env["crm.sales.material.usage"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for lead in self:
            lead.material_usage_count = counts.get(lead._origin, 0)

    def action_view_material_usage(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.crm_sales_material_usage_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_open_material_send(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Materials"),
            "res_model": "crm.sales.material.send",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    # ---- STANDARDISATION of the contact fields (crm_extended accounts) ----
    _crm_standardise_spec = {
        "names": ("contact_name", "partner_name", "street", "street2", "city", "zip", "function"),
        "email": ("email_from",),
        "phone": ("phone", "mobile"),
        "website": ("website",),
    }

    def _crm_standardise_values(self, vals, company=None):
        """Return a standardised copy of the contact values in ``vals`` (pure: nothing is written).

        Same rules and company switches as ``res.partner._crm_standardise_values``.

        :raise ValidationError: the e-mail address is not valid
        """
        company = self._crm_standardise_company(vals, company)
        return standardise_values(self, vals, company, self._crm_standardise_spec)

    def _crm_standardise_company(self, vals, company=None):
        if company:
            return company
        if vals.get("company_id"):
            return self.env["res.company"].browse(vals["company_id"])
        if len(self) == 1 and self.company_id:
            return self.company_id
        return self.env.company

    def _crm_standardise_applies(self, vals):
        if self.env.context.get("crm_skip_standardise"):
            return False
        return any(fname in vals for fnames in self._crm_standardise_spec.values() for fname in fnames)

    @api.model_create_multi
    def create(self, vals_list):
        if any(self._crm_standardise_applies(vals) for vals in vals_list):
            vals_list = [self._crm_standardise_values(vals) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        if not self._crm_standardise_applies(vals):
            return super().write(vals)
        if len(self) <= 1:
            return super().write(self._crm_standardise_values(vals))
        groups = defaultdict(lambda: self.browse())
        for lead in self:
            groups[lead.company_id, lead.country_id] |= lead
        for leads in groups.values():
            super(CrmLead, leads).write(leads[:1]._crm_standardise_values(vals))
        return True
