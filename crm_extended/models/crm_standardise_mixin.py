from collections import defaultdict

from odoo import api, models

from ..tools.standardise import standardise_values


class CrmStandardiseMixin(models.AbstractModel):
    """Contact data written the same way on every create, write and import.

    A model using it lists its fields by rule in ``_crm_standardise_spec``; each
    rule has a switch per company (CRM settings). The context key
    ``crm_skip_standardise`` is for callers that standardised the values already.
    """

    _name = "crm.standardise.mixin"
    _description = "Standardised Contact Data"

    # rule -> fields it applies to; each rule has a switch on res.company
    _crm_standardise_spec = {}

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

    def _crm_standardise_group_key(self):
        """What the standardised values of ``self`` (one record) depend on: the company's
        switches and the country of its phone numbers."""
        return self.company_id, self.country_id

    def _crm_invalidate_duplicates(self):
        """Forget the cached duplicates, which depend on the values just saved."""
        self.invalidate_recordset(["duplicate_partner_ids", "duplicate_partner_count"])

    @api.model_create_multi
    def create(self, vals_list):
        if any(self._crm_standardise_applies(vals) for vals in vals_list):
            vals_list = [self._crm_standardise_values(vals) for vals in vals_list]
        records = super().create(vals_list)
        records._crm_invalidate_duplicates()
        return records

    def write(self, vals):
        if not self._crm_standardise_applies(vals):
            result = super().write(vals)
        else:
            groups = defaultdict(lambda: self.browse())
            for record in self:
                groups[record._crm_standardise_group_key()] |= record
            for records in groups.values():
                super(CrmStandardiseMixin, records).write(records[:1]._crm_standardise_values(vals))
            result = True
        self._crm_invalidate_duplicates()
        return result
