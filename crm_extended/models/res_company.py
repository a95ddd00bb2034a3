from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # ---- ACCOUNT DATA: standardisation, tiers, cadence (crm_extended accounts) ----
    crm_standardise_names = fields.Boolean(
        "Standardise names and addresses",
        default=True,
        help="Trim names and address lines and collapse inner spaces on save and import.",
    )
    crm_standardise_email = fields.Boolean(
        "Standardise e-mails",
        default=True,
        help="Strip and lower-case e-mail addresses and refuse invalid ones.",
    )
    crm_standardise_phone = fields.Boolean(
        "Standardise phone numbers",
        default=True,
        help="Write phone and mobile numbers in international format from the country of the record.",
    )
    crm_standardise_website = fields.Boolean(
        "Standardise websites", default=True, help="Add https:// to websites written without a scheme."
    )
    crm_standardise_vat = fields.Boolean(
        "Standardise Tax IDs", default=True, help="Write Tax IDs in upper case without spaces."
    )
    crm_tier_a_percent = fields.Float(
        "Tier A share (%)",
        default=80.0,
        help="Accounts bringing the first share of the total value (Pareto) are tier A.",
    )
    crm_tier_b_percent = fields.Float(
        "Tier B share (%)", default=15.0, help="Accounts bringing the next share of the total value are tier B."
    )
    crm_tier_c_percent = fields.Float(
        "Tier C share (%)",
        compute="_compute_crm_tier_c_percent",
        help="The rest of the value: the accounts after tiers A and B.",
    )
    crm_cadence_days_a = fields.Integer(
        "Contact cadence A (days)", default=30, help="Default days between two contacts for tier A accounts."
    )
    crm_cadence_days_b = fields.Integer(
        "Contact cadence B (days)", default=60, help="Default days between two contacts for tier B accounts."
    )
    crm_cadence_days_c = fields.Integer(
        "Contact cadence C (days)",
        default=90,
        help="Default days between two contacts for tier C accounts and accounts without a tier.",
    )
    # ---- CONTRACTS (crm_extended contracts) ----
    crm_contract_renewal_lead = fields.Boolean(
        "Renewal opportunities for contracts",
        help="When a contract reaches its notice period, also open a renewal opportunity "
        "with the contract's yearly value as expected revenue.",
    )

    @api.depends("crm_tier_a_percent", "crm_tier_b_percent")
    def _compute_crm_tier_c_percent(self):
        for company in self:
            company.crm_tier_c_percent = max(100.0 - company.crm_tier_a_percent - company.crm_tier_b_percent, 0.0)

    @api.constrains("crm_tier_a_percent", "crm_tier_b_percent")
    def _check_crm_tier_percent(self):
        for company in self:
            a_share, b_share = company.crm_tier_a_percent, company.crm_tier_b_percent
            if not 0 < a_share <= 100 or b_share < 0 or a_share + b_share > 100:
                raise ValidationError(
                    self.env._(
                        "Tier shares of %(company)s must be between 0 and 100 %% and A + B may not exceed 100 %% "
                        "(A: %(a)s %%, B: %(b)s %%).",
                        company=company.name,
                        a=a_share,
                        b=b_share,
                    )
                )

    @api.constrains("crm_cadence_days_a", "crm_cadence_days_b", "crm_cadence_days_c")
    def _check_crm_cadence_days(self):
        for company in self:
            if min(company.crm_cadence_days_a, company.crm_cadence_days_b, company.crm_cadence_days_c) < 0:
                raise ValidationError(
                    self.env._("Contact cadences of %(company)s cannot be negative.", company=company.name)
                )

    def _crm_cadence_days_for_tier(self, tier):
        """Default cadence (days) of an account of ``tier`` (A, B, C or False) in this company."""
        self.ensure_one()
        return {"A": self.crm_cadence_days_a, "B": self.crm_cadence_days_b}.get(tier, self.crm_cadence_days_c)
