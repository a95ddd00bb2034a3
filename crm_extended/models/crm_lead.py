from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools.standardise import normalise_name


class CrmLead(models.Model):
    _name = "crm.lead"
    # the mixin first: values are standardised before any other override sees them
    _inherit = ["crm.standardise.mixin", "crm.lead"]

    # contact fields standardised on save (see crm.standardise.mixin)
    _crm_standardise_spec = {
        "names": ("contact_name", "partner_name", "street", "street2", "city", "zip", "function"),
        "email": ("email_from",),
        "phone": ("phone", "mobile"),
        "website": ("website",),
    }

    # ---- FIELDS ----
    # sales materials sent to the opportunity
    material_usage_ids = fields.One2many("crm.sales.material.usage", "lead_id", string="Materials Sent")
    material_usage_count = fields.Integer(string="Materials Sent Count", compute="_compute_material_usage_count")

    # contracts born from the opportunity
    contract_ids = fields.One2many("crm.contract", "opportunity_id")
    contract_count = fields.Integer(compute="_compute_contract_count")

    # accounts matching the lead's contact (possible duplicates)
    duplicate_partner_ids = fields.Many2many(
        "res.partner",
        string="Matching Accounts",
        compute="_compute_duplicate_partner_ids",
        help="Existing accounts or contacts with the same e-mail or phone number, or the same company name in "
        "the same city, other than the lead's customer.",
    )
    duplicate_partner_count = fields.Integer("Matching Account Count", compute="_compute_duplicate_partner_ids")
    crm_name_key = fields.Char("Company Name Key", compute="_compute_crm_keys", store=True, copy=False)
    crm_city_key = fields.Char("City Key", compute="_compute_crm_keys", store=True, copy=False)

    # ---- COMPUTES ----
    def init(self):
        result = super().init()
        create_index(
            self.env.cr,
            "crm_lead_crm_name_city_key_index",
            self._table,
            ["crm_name_key", "crm_city_key"],
            where="crm_name_key IS NOT NULL",
        )
        return result

    @api.depends("partner_name", "city")
    def _compute_crm_keys(self):
        for lead in self:
            lead.crm_name_key = normalise_name(lead.partner_name)
            lead.crm_city_key = normalise_name(lead.city)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_duplicate_partner_ids(self):
        """Partners matching each lead, with one query for the whole batch (indexed keys only)."""
        origin_ids = [lead._origin.id for lead in self if lead._origin.id]
        matches = {}
        if origin_ids:
            self.flush_model(["email_normalized", "phone_sanitized", "crm_name_key", "crm_city_key", "partner_id"])
            self.env["res.partner"]._crm_flush_duplicate_keys()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT pairs.lead_id, array_agg(DISTINCT pairs.partner_id)
                      FROM (
                            SELECT l.id AS lead_id, p.id AS partner_id FROM crm_lead l
                              JOIN res_partner p ON p.email_normalized = l.email_normalized
                             WHERE l.id = ANY(%(ids)s) AND l.email_normalized IS NOT NULL
                            UNION
                            SELECT l.id, p.id FROM crm_lead l JOIN res_partner p ON p.crm_phone_key = l.phone_sanitized
                             WHERE l.id = ANY(%(ids)s) AND l.phone_sanitized IS NOT NULL
                            UNION
                            SELECT l.id, p.id FROM crm_lead l JOIN res_partner p ON p.crm_mobile_key = l.phone_sanitized
                             WHERE l.id = ANY(%(ids)s) AND l.phone_sanitized IS NOT NULL
                            UNION
                            SELECT l.id, p.id FROM crm_lead l
                              JOIN res_partner p ON p.crm_name_key = l.crm_name_key AND p.crm_city_key = l.crm_city_key
                             WHERE l.id = ANY(%(ids)s) AND l.crm_name_key IS NOT NULL AND l.crm_city_key IS NOT NULL
                           ) pairs
                      JOIN crm_lead l ON l.id = pairs.lead_id
                      JOIN res_partner p ON p.id = pairs.partner_id
                      LEFT JOIN res_partner customer ON customer.id = l.partner_id
                     WHERE p.active
                       AND (p.company_id IS NULL OR p.company_id = ANY(%(company_ids)s))
                       AND COALESCE(p.commercial_partner_id, p.id)
                           IS DISTINCT FROM COALESCE(customer.commercial_partner_id, customer.id)
                     GROUP BY pairs.lead_id
                    """,
                    ids=origin_ids,
                    company_ids=self.env.companies.ids,
                )
            )
            all_ids = {pid for __, partner_ids in rows for pid in partner_ids}
            readable = set(self.env["res.partner"].browse(all_ids)._filtered_access("read").ids)
            matches = {lead_id: sorted(readable.intersection(partner_ids)) for lead_id, partner_ids in rows}
        for lead in self:
            partner_ids = matches.get(lead._origin.id, [])
            lead.duplicate_partner_ids = [Command.set(partner_ids)]
            lead.duplicate_partner_count = len(partner_ids)

    def _compute_material_usage_count(self):
        counts = dict(
            self.env["crm.sales.material.usage"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for lead in self:
            lead.material_usage_count = counts.get(lead._origin, 0)

    def _compute_contract_count(self):
        counts = dict(
            self.env["crm.contract"]._read_group([("opportunity_id", "in", self.ids)], ["opportunity_id"], ["__count"])
        )
        for lead in self:
            lead.contract_count = counts.get(lead._origin, 0)

    # ---- ACTIONS ----
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

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.crm_contract_action")
        action["domain"] = [("opportunity_id", "=", self.id)]
        action["context"] = {"default_opportunity_id": self.id, **self._crm_contract_defaults()}
        if self.contract_count == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=self.contract_ids.id)
        return action

    def action_create_contract(self):
        self.ensure_one()
        self.check_access("write")
        if self.type != "opportunity" or not (self.stage_id.is_won or self.probability == 100):
            raise UserError(self.env._("Win the opportunity %(lead)s before creating its contract.", lead=self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Contract"),
            "res_model": "crm.contract",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": self._crm_contract_defaults(),
        }

    def _crm_contract_defaults(self):
        """Form defaults of a contract created from this opportunity."""
        self.ensure_one()
        return {
            "default_name": self.name,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
            "default_opportunity_id": self.id,
            "default_user_id": self.user_id.id,
            "default_team_id": self.team_id.id,
            "default_company_id": self.company_id.id or self.env.company.id,
            "default_currency_id": self.company_currency.id,
        }
