from collections import defaultdict

from odoo import api, fields, models

from ..tools.standardise import standardise_values


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ---- STANDARDISATION (crm_extended accounts) ----
    # rule -> fields it applies to; each rule has a switch on res.company
    _crm_standardise_spec = {
        "names": ("name", "street", "street2", "city", "zip", "function"),
        "email": ("email",),
        "phone": ("phone", "mobile"),
        "website": ("website",),
        "vat": ("vat",),
    }

    def _crm_standardise_values(self, vals, company=None):
        """Return a standardised copy of ``vals`` (pure: nothing is written).

        Used on create and write, and by the spreadsheet import before it matches
        rows. ``company`` defaults to the values' company, then the record's, then
        the current one; its switches decide which rules apply. The phone country
        is the values', then the record's (or its parent's), then the company's.

        :raise ValidationError: an e-mail address is not valid (names field and value)
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
        # the result depends on the company (switches) and the country (phones) only
        groups = defaultdict(lambda: self.browse())
        for partner in self:
            groups[partner.company_id, partner.country_id] |= partner
        for partners in groups.values():
            super(ResPartner, partners).write(partners[:1]._crm_standardise_values(vals))
        return True
