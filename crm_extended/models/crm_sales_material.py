import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# A material whose expiration date falls within this many days is "expiring":
# it is still offered for sending, and its owner is asked to review it.
EXPIRING_DAYS = 30

# The send wizard proposes at most this many materials.
MAX_PROPOSED = 200

MATERIAL_TYPES = [
    ("presentation", "Presentation"),
    ("brochure", "Brochure"),
    ("datasheet", "Datasheet"),
    ("price_list", "Price List"),
    ("case_study", "Case Study"),
    ("research", "Research"),
    ("template", "Template"),
    ("report", "Report"),
    ("other", "Other"),
]

VALIDITY = [
    ("valid", "Valid"),
    ("expiring", "Expiring Soon"),
    ("expired", "Expired"),
]


class CrmSalesMaterial(models.Model):
    _name = "crm.sales.material"
    _description = "Sales Material"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    material_type = fields.Selection(
        MATERIAL_TYPES, string="Type", required=True, default="presentation", tracking=True, index=True
    )
    description = fields.Html()
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_sales_material_ir_attachment_rel",
        "material_id",
        "attachment_id",
        string="Files",
        help="The files sent to the customer with this material.",
    )
    attachment_count = fields.Integer(string="Number of Files", compute="_compute_attachment_count")
    product_ids = fields.Many2many(
        "product.product",
        "crm_sales_material_product_rel",
        "material_id",
        "product_id",
        string="Products",
        check_company=True,
    )
    tag_ids = fields.Many2many(
        "crm.sales.material.tag",
        "crm_sales_material_tag_rel",
        "material_id",
        "tag_id",
        string="Tags",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        help="Responsible for keeping this material up to date; reminded before it expires.",
    )
    lang = fields.Selection(
        selection="_get_lang_selection",
        string="Language",
        default=lambda self: self.env.lang or self.env.user.lang,
        help="Language of the content; materials in the customer's language are suggested first.",
    )
    expiration_date = fields.Date(tracking=True, index=True, help="Last day this material may be sent to customers.")
    validity = fields.Selection(
        VALIDITY,
        compute="_compute_validity",
        search="_search_validity",
        help="Expired after its expiration date; expiring within the 30 days before it.",
    )
    customer_viewable = fields.Boolean(
        string="Can Be Shared with Customers",
        default=True,
        tracking=True,
        help="Only shareable materials can be sent to customers; the others are for internal use.",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company, tracking=True)
    color = fields.Integer()
    review_requested_date = fields.Date(
        string="Review Requested For",
        copy=False,
        readonly=True,
        help="Expiration date for which the owner was last asked to review this material.",
    )
    usage_ids = fields.One2many("crm.sales.material.usage", "material_id")
    sent_count = fields.Integer(string="Times Sent", compute="_compute_usage_figures")
    won_count = fields.Integer(string="Won Deals", compute="_compute_usage_figures")
    lost_count = fields.Integer(string="Lost Deals", compute="_compute_usage_figures")
    win_rate = fields.Float(
        string="Win Rate (%)",
        compute="_compute_usage_figures",
        digits=(16, 1),
        help="Won deals among the closed (won or lost) opportunities this material was sent to.",
    )

    # ---- COMPUTES / SEARCHES ----

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.depends("attachment_ids")
    def _compute_attachment_count(self):
        for material in self:
            material.attachment_count = len(material.attachment_ids)

    @api.depends("expiration_date")
    @api.depends_context("tz")
    def _compute_validity(self):
        today = fields.Date.context_today(self)
        limit = today + timedelta(days=EXPIRING_DAYS)
        for material in self:
            date = material.expiration_date
            if not date or date > limit:
                material.validity = "valid"
            elif date < today:
                material.validity = "expired"
            else:
                material.validity = "expiring"

    @api.model
    def _validity_domain(self, value):
        today = fields.Date.context_today(self)
        limit = today + timedelta(days=EXPIRING_DAYS)
        if value == "valid":
            return ["|", ("expiration_date", "=", False), ("expiration_date", ">", limit)]
        if value == "expiring":
            return [("expiration_date", ">=", today), ("expiration_date", "<=", limit)]
        if value == "expired":
            return [("expiration_date", "<", today)]
        return expression.FALSE_DOMAIN

    def _search_validity(self, operator, value):
        if operator in ("=", "!="):
            values = [value]
        elif operator in ("in", "not in"):
            values = list(value)
        else:
            raise UserError(self.env._("Unsupported operator %(operator)s for the validity.", operator=operator))
        if operator in ("!=", "not in"):
            # complement by value (a negated date domain would drop materials without a date)
            values = [val for val, _label in VALIDITY if val not in values]
        if not values:
            return expression.FALSE_DOMAIN
        return expression.OR([self._validity_domain(val) for val in values])

    @api.depends("usage_ids.lead_state")
    def _compute_usage_figures(self):
        """Sent / won / lost counts from one grouped query over all records.

        Only the usage rows the current user may read are counted (record rules apply).
        """
        figures = {material_id: {} for material_id in self.ids}
        if self.ids:
            groups = self.env["crm.sales.material.usage"]._read_group(
                [("material_id", "in", self.ids)],
                ["material_id", "lead_state"],
                ["__count", "lead_id:count_distinct"],
            )
            for material, lead_state, count, lead_count in groups:
                figures[material.id][lead_state] = (count, lead_count)
        for material in self:
            by_state = figures.get(material.id, {})
            won = by_state.get("won", (0, 0))[1]
            lost = by_state.get("lost", (0, 0))[1]
            material.sent_count = sum(count for count, _leads in by_state.values())
            material.won_count = won
            material.lost_count = lost
            material.win_rate = 100.0 * won / (won + lost) if won + lost else 0.0

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        materials = super().create(vals_list)
        materials._fix_attachment_ownership()
        return materials

    def write(self, vals):
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._fix_attachment_ownership()
        return res

    def _fix_attachment_ownership(self):
        """Make the material own its files, so that their access follows the material's.

        A fresh upload (no document yet) is attached to the material: only its uploader may do
        that (ir.attachment's own rule). A file of another document is copied, so that neither
        document changes the access to the other's file.
        """
        for material in self:
            files = material.attachment_ids
            uploads = files.filtered(lambda att: not att.res_id)
            foreign = (
                files
                - uploads
                - files.filtered(
                    lambda att, material=material: att.res_model == material._name and att.res_id == material.id
                )
            )
            if uploads:
                uploads.write({"res_model": material._name, "res_id": material.id, "public": False})
            if foreign:
                copies = foreign.copy({"res_model": material._name, "res_id": material.id, "public": False})
                material.attachment_ids = [
                    *(Command.unlink(att.id) for att in foreign),
                    *(Command.link(att.id) for att in copies),
                ]

    # ---- ACTIONS ----

    def action_view_usage(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.crm_sales_material_usage_action")
        action["domain"] = [("material_id", "=", self.id)]
        action["context"] = {"default_material_id": self.id, "create": False}
        return action

    # ---- BUSINESS ----

    @api.model
    def _get_sendable_for_lead(self, lead, lang=None, limit=MAX_PROPOSED):
        """Materials that may be sent for ``lead``, those in the language ``lang`` first."""
        companies = lead.company_id or self.env.companies
        domain = [
            ("customer_viewable", "=", True),
            ("validity", "in", ["valid", "expiring"]),
            ("company_id", "in", [False, *companies.ids]),
        ]
        first = self.search([*domain, ("lang", "=", lang)], limit=limit) if lang else self.browse()
        others = self.search([*domain, ("id", "not in", first.ids)], limit=limit - len(first))
        return first + others

    def _check_sendable(self, lead=None):
        """Raise a clear error if a material may not be sent (to ``lead``)."""
        for material in self:
            if not material.customer_viewable:
                raise UserError(
                    self.env._(
                        "The material %(name)s is for internal use only and cannot be shared with customers.",
                        name=material.name,
                    )
                )
            if material.validity == "expired":
                raise UserError(
                    self.env._(
                        "The material %(name)s expired on %(date)s and can no longer be sent.",
                        name=material.name,
                        date=material.expiration_date,
                    )
                )
            if not material.active:
                raise UserError(self.env._("The material %(name)s is archived.", name=material.name))
            if lead and material.company_id and lead.company_id and material.company_id != lead.company_id:
                raise UserError(
                    self.env._(
                        "The material %(name)s belongs to another company than the opportunity.",
                        name=material.name,
                    )
                )

    @api.model
    def _cron_request_review(self):
        """Give each owner one "Review material" activity before the material expires.

        The expiration date for which the review was requested is remembered, so that running
        the cron again (or in two workers) never schedules a second activity, even once the first
        one is done; a new expiration date allows a new reminder.
        """
        today = fields.Date.context_today(self)
        limit = today + timedelta(days=EXPIRING_DAYS)
        candidates = self.search(
            [
                ("expiration_date", ">=", today),
                ("expiration_date", "<=", limit),
                ("user_id", "!=", False),
            ]
        )
        candidates = candidates.filtered(lambda m: m.review_requested_date != m.expiration_date)
        if not candidates:
            return
        # lock the rows: a second worker running the same job skips them
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_sales_material WHERE id IN %s FOR UPDATE SKIP LOCKED",
                tuple(candidates.ids),
            )
        )
        locked_ids = {row[0] for row in self.env.cr.fetchall()}
        candidates = candidates.filtered(lambda m: m.id in locked_ids)
        candidates.invalidate_recordset(["review_requested_date"])
        activity_type = self.env.ref("crm_extended.mail_activity_type_material_review")
        for material in candidates:
            if material.review_requested_date == material.expiration_date:
                continue
            if not material.activity_ids.filtered(lambda act: act.activity_type_id == activity_type):
                material.activity_schedule(
                    "crm_extended.mail_activity_type_material_review",
                    date_deadline=material.expiration_date,
                    user_id=material.user_id.id,
                    summary=self.env._("Review before it expires on %(date)s", date=material.expiration_date),
                )
            material.review_requested_date = material.expiration_date
        _logger.info("Review requested for %s sales materials", len(candidates))
