import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CONTRACT_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("on_hold", "On Hold"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
    ("renewed", "Renewed"),
]

# state -> states it may move to (anything else is refused with a UserError)
ALLOWED_TRANSITIONS = {
    "draft": {"active", "cancelled"},
    "active": {"on_hold", "expired", "cancelled", "renewed"},
    "on_hold": {"active", "cancelled"},
    "expired": {"renewed"},
    "cancelled": {"draft"},
    "renewed": set(),
}

SEQUENCE_CODE = "crm.contract"


class CrmContract(models.Model):
    _name = "crm.contract"
    _description = "Customer Contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "code"]

    name = fields.Char("Title", required=True, tracking=True)
    code = fields.Char("Reference", readonly=True, copy=False, index="trigram")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    opportunity_id = fields.Many2one(
        "crm.lead",
        index="btree_not_null",
        check_company=True,
        domain="[('type', '=', 'opportunity')]",
        ondelete="set null",
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        index="btree_not_null",
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_start = fields.Date("Start Date", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date("End Date", tracking=True, help="Last day covered by the contract.")
    date_signed = fields.Date("Signature Date", copy=False)
    terms = fields.Html("Terms and Conditions", sanitize=True)
    state = fields.Selection(
        CONTRACT_STATES, "Status", required=True, default="draft", copy=False, index=True, tracking=True
    )
    auto_renew = fields.Boolean(
        "Automatic Renewal", help="At its end date the contract is renewed for the same term instead of expiring."
    )
    notice_period_days = fields.Integer(
        "Notice Period (days)",
        default=30,
        help="The responsible gets a 'Renewal Due' activity this many days before the end date.",
    )
    date_notice = fields.Date("Renewal Notice Date", compute="_compute_date_notice", store=True, index="btree_not_null")
    renewal_notified = fields.Boolean(
        "Renewal Notice Sent", copy=False, readonly=True, help="Set once the renewal notice has been given."
    )
    renewal_lead_id = fields.Many2one(
        "crm.lead", "Renewal Opportunity", copy=False, readonly=True, index="btree_not_null", check_company=True
    )
    line_ids = fields.One2many("crm.contract.line", "contract_id", "Lines", copy=True)
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True, currency_field="currency_id")
    amount_monthly = fields.Monetary(
        "Monthly Recurring Value", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    amount_yearly = fields.Monetary(
        "Yearly Recurring Value", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    previous_contract_id = fields.Many2one(
        "crm.contract", copy=False, readonly=True, index="btree_not_null", check_company=True
    )
    next_contract_id = fields.Many2one(
        "crm.contract", "Renewed By", copy=False, readonly=True, index="btree_not_null", check_company=True
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "The contract reference must be unique per company."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("name", "code")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = f"[{contract.code}] {contract.name}" if contract.code else contract.name

    @api.depends("user_id", "company_id")
    def _compute_team_id(self):
        for contract in self:
            if contract.team_id or not contract.user_id:
                continue
            team = contract.user_id.sale_team_id
            if team and (not team.company_id or team.company_id == contract.company_id):
                contract.team_id = team

    @api.depends("company_id")
    def _compute_currency_id(self):
        for contract in self:
            contract.currency_id = contract.company_id.currency_id

    @api.depends("date_end", "notice_period_days")
    def _compute_date_notice(self):
        for contract in self:
            if contract.date_end:
                contract.date_notice = contract.date_end - relativedelta(days=max(contract.notice_period_days, 0))
            else:
                contract.date_notice = False

    @api.depends("line_ids.price_subtotal", "line_ids.amount_monthly", "line_ids.amount_yearly")
    def _compute_amounts(self):
        for contract in self:
            lines = contract.line_ids
            contract.amount_total = sum(lines.mapped("price_subtotal"))
            contract.amount_monthly = sum(lines.mapped("amount_monthly"))
            contract.amount_yearly = sum(lines.mapped("amount_yearly"))

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end and contract.date_start and contract.date_end < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "The contract %(contract)s cannot end (%(end)s) before it starts (%(start)s). "
                        "Please choose an end date after the start date.",
                        contract=contract.display_name,
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    @api.constrains("notice_period_days")
    def _check_notice_period(self):
        for contract in self:
            if contract.notice_period_days < 0:
                raise ValidationError(
                    self.env._(
                        "The notice period of contract %(contract)s cannot be negative.", contract=contract.display_name
                    )
                )

    @api.constrains("company_id", "line_ids")
    def _check_line_company(self):
        for contract in self:
            products = contract.line_ids.product_id.filtered(
                lambda p, c=contract: p.company_id and p.company_id != c.company_id
            )
            if products:
                raise ValidationError(
                    self.env._(
                        "The products %(products)s belong to another company than the contract %(contract)s "
                        "(%(company)s).",
                        products=", ".join(products.mapped("display_name")),
                        contract=contract.display_name,
                        company=contract.company_id.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        default_company = self.env["res.company"].browse(self.default_get(["company_id"]).get("company_id"))
        for vals in vals_list:
            if not vals.get("code"):
                company = self.env["res.company"].browse(vals.get("company_id")) or default_company
                vals["code"] = self._next_code(company or self.env.company)
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        if {"date_end", "notice_period_days"} & set(vals):
            # the end was moved: a new notice is due when the new notice date comes
            today = fields.Date.context_today(self)
            postponed = self.filtered(lambda c: c.renewal_notified and c.date_notice and c.date_notice > today)
            if postponed:
                super(CrmContract, postponed).write({"renewal_notified": False})
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        in_use = self.filtered(lambda c: c.state not in ("draft", "cancelled"))
        if in_use:
            raise UserError(
                self.env._(
                    "Only draft or cancelled contracts can be deleted. Cancel %(contracts)s first.",
                    contracts=", ".join(in_use.mapped("display_name")),
                )
            )

    @api.model
    def _next_code(self, company):
        """Next reference from the contract sequence of ``company`` (created on first use)."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", SEQUENCE_CODE), ("company_id", "=", company.id)], order="id", limit=1)
        )
        if not sequence:
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Contracts (%(company)s)", company=company.name),
                        "code": SEQUENCE_CODE,
                        "prefix": "CTR/%(year)s/",
                        "padding": 4,
                        "company_id": company.id,
                    }
                )
            )
        return sequence.next_by_id()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _check_transition(self, new_state):
        self.check_access("write")
        labels = dict(self._fields["state"]._description_selection(self.env))
        for contract in self:
            if new_state not in ALLOWED_TRANSITIONS[contract.state]:
                raise UserError(
                    self.env._(
                        "The contract %(contract)s is %(current)s: it cannot be set to %(target)s.",
                        contract=contract.display_name,
                        current=labels[contract.state],
                        target=labels[new_state],
                    )
                )

    def action_activate(self):
        self._check_transition("active")
        for contract in self:
            if not contract.line_ids:
                raise UserError(
                    self.env._(
                        "Add at least one line to the contract %(contract)s before activating it.",
                        contract=contract.display_name,
                    )
                )
        today = fields.Date.context_today(self)
        for contract in self:
            contract.write({"state": "active", "date_signed": contract.date_signed or today})
        return True

    def action_hold(self):
        self._check_transition("on_hold")
        self.write({"state": "on_hold"})
        return True

    def action_resume(self):
        self.check_access("write")
        not_held = self.filtered(lambda c: c.state != "on_hold")
        if not_held:
            raise UserError(
                self.env._(
                    "Only contracts on hold can be resumed: %(contracts)s is not on hold.",
                    contracts=", ".join(not_held.mapped("display_name")),
                )
            )
        self.write({"state": "active"})
        return True

    def action_cancel(self):
        self._check_transition("cancelled")
        self.write({"state": "cancelled"})
        return True

    def action_set_draft(self):
        self._check_transition("draft")
        self.write({"state": "draft"})
        return True

    def action_renew(self):
        self._check_transition("renewed")
        successors = self._renew()
        if len(successors) == 1:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Renewed Contract"),
                "res_model": "crm.contract",
                "res_id": successors.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Renewed Contracts"),
            "res_model": "crm.contract",
            "domain": [("id", "in", successors.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }

    def action_view_next_contract(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.contract",
            "res_id": self.next_contract_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _prepare_renewal_defaults(self):
        """Values of the successor covering the next term (same length as this one)."""
        self.ensure_one()
        if not self.date_end:
            raise UserError(
                self.env._(
                    "Set an end date on the contract %(contract)s before renewing it.", contract=self.display_name
                )
            )
        new_start = self.date_end + relativedelta(days=1)
        term = relativedelta(new_start, self.date_start)
        return {
            "date_start": new_start,
            "date_end": new_start + term - relativedelta(days=1),
            "previous_contract_id": self.id,
            "state": "draft",
        }

    def _renew(self, activate=False):
        """Create the successors of ``self`` (lines copied) and mark ``self`` renewed.

        :param activate: the successors start active (automatic renewal) instead of draft
        """
        successors = self.env["crm.contract"]
        for contract in self:
            defaults = contract._prepare_renewal_defaults()
            if activate:
                defaults["state"] = "active"
            successor = contract.copy(defaults)
            contract.write({"state": "renewed", "next_contract_id": successor.id})
            successors |= successor
        return successors

    def _lock_for_cron(self, domain, limit):
        """Contracts matching ``domain``, locked for this transaction; rows another worker holds are skipped."""
        query = self._search(domain, limit=limit, order="id")
        rows = self.env.execute_query(SQL("%s FOR NO KEY UPDATE OF crm_contract SKIP LOCKED", query.select()))
        return self.browse(row[0] for row in rows)

    @api.model
    def _cron_process_contracts(self, batch_size=500):
        """Daily: expire (or auto-renew) ended contracts and give renewal notices.

        Idempotent: a contract leaves the selection in the transaction that processes it
        (state change, ``renewal_notified``), and rows are locked so that two workers never
        handle the same contract.
        """
        today = fields.Date.context_today(self)
        expired = renewed = notified = 0
        while True:
            contracts = self._lock_for_cron([("state", "=", "active"), ("date_end", "<", today)], batch_size)
            if not contracts:
                break
            to_renew = contracts.filtered("auto_renew")
            to_renew._renew(activate=True)
            (contracts - to_renew).write({"state": "expired"})
            expired += len(contracts - to_renew)
            renewed += len(to_renew)
        while True:
            contracts = self._lock_for_cron(
                [
                    ("state", "=", "active"),
                    ("renewal_notified", "=", False),
                    ("date_notice", "<=", today),
                    ("date_end", ">=", today),
                ],
                batch_size,
            )
            if not contracts:
                break
            contracts._send_renewal_notice()
            notified += len(contracts)
        _logger.info("Contracts cron: %s expired, %s renewed, %s renewal notices", expired, renewed, notified)

    def _send_renewal_notice(self):
        """One 'Renewal Due' activity per contract (and a renewal opportunity if the company wants one)."""
        activity_type = self.env.ref("crm_extended.mail_activity_type_crm_contract_renewal")
        existing = self.env["mail.activity"]._read_group(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ],
            ["res_id"],
        )
        already = {res_id for (res_id,) in existing}
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for contract in self:
            user = contract.user_id or contract.team_id.user_id
            if contract.id in already or not user:
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": contract.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": contract.date_end,
                    "summary": self.env._(
                        "Renewal due: %(contract)s ends on %(date)s",
                        contract=contract.display_name,
                        date=contract.date_end,
                    ),
                }
            )
        if vals_list:
            self.env["mail.activity"].create(vals_list)
        self.filtered(
            lambda c: c.company_id.crm_contract_renewal_lead and not c.renewal_lead_id
        )._create_renewal_leads()
        self.write({"renewal_notified": True})

    def _create_renewal_leads(self):
        vals_list = []
        for contract in self:
            company = contract.company_id
            vals_list.append(
                {
                    "name": self.env._("Renewal of %(contract)s", contract=contract.display_name),
                    "type": "opportunity",
                    "partner_id": contract.partner_id.id,
                    "user_id": contract.user_id.id,
                    "team_id": contract.team_id.id,
                    "company_id": company.id,
                    "date_deadline": contract.date_end,
                    "expected_revenue": contract.currency_id._convert(
                        contract.amount_yearly, company.currency_id, company, contract.date_end
                    ),
                }
            )
        leads = self.env["crm.lead"].create(vals_list)
        for contract, lead in zip(self, leads):
            contract.renewal_lead_id = lead
