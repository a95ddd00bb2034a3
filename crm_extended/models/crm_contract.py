import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..tools.mail_sql import add_followers, insert_activities

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
        without_code = [vals for vals in vals_list if not vals.get("code")]
        if without_code:
            default_company_id = self.default_get(["company_id"]).get("company_id") or self.env.company.id
            by_company = defaultdict(list)
            for vals in without_code:
                by_company[vals.get("company_id") or default_company_id].append(vals)
            for company_id, company_vals in by_company.items():
                codes = self._next_codes(self.env["res.company"].browse(company_id), len(company_vals))
                for vals, code in zip(company_vals, codes, strict=True):
                    vals["code"] = code
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
    def _next_codes(self, company, count):
        """``count`` next references from the contract sequence of ``company``, in one query.

        A standard (gap-allowed) sequence is backed by a PostgreSQL sequence named after its id, as
        ``ir.sequence`` itself names it: its next numbers are drawn at once. A no-gap or dated
        sequence goes through ``next_by_id`` for each reference.
        """
        sequence = self._contract_sequence(company)
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _index in range(count)]
        rows = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for number in sorted(number for (number,) in rows)]

    @api.model
    def _contract_sequence(self, company):
        """The contract sequence of ``company`` (created on first use)."""
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
        return sequence

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
        """Create the successors of ``self`` (lines copied) in one ``create`` and mark ``self`` renewed.

        The successors are what ``copy()`` would make of each contract, with the dates of the next
        term (contracts and lines have no translated field to copy).

        :param activate: the successors start active (automatic renewal) instead of draft
        :return: the successors, in the order of ``self``
        """
        if not self:
            return self.env["crm.contract"]
        defaults = [contract._prepare_renewal_defaults() for contract in self]
        vals_list = self.with_context(active_test=False).copy_data()
        for vals, default in zip(vals_list, defaults, strict=True):
            vals.update(default)
            if activate:
                vals["state"] = "active"
        successors = self.create(vals_list)
        # one write for the status (tracked, and followed by the lines and the customers), one statement
        # for the link to each successor (not tracked, nothing depends on it; same company by copy)
        self.write({"state": "renewed"})
        self.env.execute_query(
            SQL(
                """
                UPDATE crm_contract c SET next_contract_id = s.next_id
                  FROM unnest(%s::int[], %s::int[]) AS s(id, next_id)
                 WHERE c.id = s.id
                """,
                self.ids,
                successors.ids,
            )
        )
        self.invalidate_recordset(["next_contract_id"])
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

        Each batch costs the same number of queries whatever its size: the chatter is written in
        batches (``_crm_log_cron_changes``) instead of by tracking record by record, and the
        responsibles find their new activities in their activity menu, without an e-mail each.
        """
        today = fields.Date.context_today(self)
        # no tracking, creation note or auto-subscription record by record (nor the assignment
        # e-mail of each successor): _crm_log_cron_changes writes the chatter in batches
        batch_self = self.with_context(tracking_disable=True)
        expired = renewed = notified = 0
        while True:
            contracts = batch_self._lock_for_cron([("state", "=", "active"), ("date_end", "<", today)], batch_size)
            if not contracts:
                break
            to_renew = contracts.filtered("auto_renew")
            to_expire = contracts - to_renew
            successors = to_renew._renew(activate=True)
            to_expire.write({"state": "expired"})
            batch_self._crm_log_cron_changes(to_expire, to_renew, successors)
            expired += len(to_expire)
            renewed += len(to_renew)
        while True:
            # notices in the caller's context: a renewal opportunity, if the company wants one, is logged as usual
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

    @api.model
    def _crm_log_cron_changes(self, expired, renewed, successors):
        """The chatter of a cron batch, in a few queries: what tracking and creation would log one by one.

        Expired and renewed contracts get their "Status: Active → …" note (the renewed ones naming
        their successor); each successor gets its creation note and its responsible as follower.
        """
        (expired | renewed)._crm_log_state_batch(
            "active",
            bodies={
                contract.id: self.env._("Renewed by %(contract)s", contract=successor.display_name)
                for contract, successor in zip(renewed, successors, strict=True)
            },
        )
        if not successors:
            return
        successors._crm_log_notes(
            bodies={
                successor.id: self.env._(
                    "Created by the automatic renewal of %(contract)s", contract=contract.display_name
                )
                for contract, successor in zip(renewed, successors, strict=True)
            }
        )
        successors._crm_subscribe_responsibles()

    def _crm_log_state_batch(self, old_state, bodies=None):
        """Log the status change of ``self`` from ``old_state`` as one note each, with its tracking value.

        The same note as tracking posts, written for the whole batch by ``_crm_log_notes``.
        """
        if not self:
            return
        col_info = self.fields_get(["state"], attributes=("string", "type", "selection"))["state"]
        tracking = self.env["mail.tracking.value"]
        self._crm_log_notes(
            bodies=bodies or {},
            tracking={
                contract.id: tracking._create_tracking_values(old_state, contract.state, "state", col_info, contract)
                for contract in self
            },
        )

    def _crm_log_notes(self, bodies, tracking=None):
        """Log a note on each record of ``self`` (and its tracking value), in one statement for the batch.

        The rows ``_message_log_batch`` (then ``mail.tracking.value.create``) would store: an internal
        note by the current user, its text escaped and stored as the message body field stores it, and
        no notification; the ORM ``create`` of hundreds of messages costs several times this statement.

        :param dict bodies: ``{record id: text}`` (plain text, escaped here; no text: an empty body)
        :param dict tracking: ``{record id: values}`` of one ``mail.tracking.value`` per note, as
            ``_create_tracking_values`` returns them (field, old and new values as text)
        """
        if not self:
            return
        tracking = tracking or {}
        Message = self.env["mail.message"].sudo()
        body_field = Message._fields["body"]
        author_id, email_from = self._message_compute_author(None, None, raise_on_email=False)
        values = [
            (
                record.id,
                body_field.convert_to_column(escape(bodies.get(record.id, "")), Message) or "",
                tracking.get(record.id, {}),
            )
            for record in self
        ]
        now = self.env.cr.now()
        self.env.execute_query(
            SQL(
                """
                WITH notes AS (
                    INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id, email_from,
                                              reply_to, message_id, body, is_internal, email_add_signature, date,
                                              create_uid, write_uid, create_date, write_date)
                    SELECT %(model)s, m.res_id, 'notification', %(subtype_id)s, %(author_id)s, %(email_from)s,
                           %(reply_to)s, %(message_id)s, m.body, TRUE, FALSE, %(date)s,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM unnest(%(res_ids)s::int[], %(bodies)s::text[]) WITH ORDINALITY AS m(res_id, body, seq)
                     ORDER BY m.seq
                    RETURNING id, res_id
                )
                INSERT INTO mail_tracking_value (field_id, mail_message_id, old_value_char, new_value_char,
                                                 create_uid, write_uid, create_date, write_date)
                SELECT t.field_id, n.id, t.old_value, t.new_value, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM notes n
                  JOIN unnest(%(tracked_ids)s::int[], %(field_ids)s::int[], %(old_values)s::varchar[],
                              %(new_values)s::varchar[]) AS t(res_id, field_id, old_value, new_value)
                    ON t.res_id = n.res_id
                 ORDER BY n.id
                """,
                model=self._name,
                subtype_id=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author_id=author_id,
                email_from=email_from,
                reply_to=self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                message_id=generate_tracking_message_id("message-notify"),
                date=fields.Datetime.now(),
                uid=self.env.uid,
                now=now,
                res_ids=[res_id for res_id, _body, _tracking in values],
                bodies=[body for _res_id, body, _tracking in values],
                tracked_ids=[res_id for res_id, _body, track in values if track],
                field_ids=[track["field_id"] for _res_id, _body, track in values if track],
                old_values=[track.get("old_value_char") for _res_id, _body, track in values if track],
                new_values=[track.get("new_value_char") for _res_id, _body, track in values if track],
            )
        )
        self.env["mail.message"].invalidate_model()
        self.env["mail.tracking.value"].invalidate_model()
        self.invalidate_recordset(["message_ids"])

    def _crm_subscribe_responsibles(self):
        """Make each contract's (active) responsible a follower, in one statement for the batch."""
        add_followers(
            self.env,
            self._name,
            [(contract.id, contract.user_id.id) for contract in self if contract.user_id.active],
        )

    def _send_renewal_notice(self):
        """One 'Renewal due' activity per contract (and a renewal opportunity if the company wants one).

        The activities are inserted in one statement with the values ``mail.activity.create`` would
        store, their assignees following the contracts (``tools.mail_sql.insert_activities``, shared with
        the follow-up cron of the accounts); the summaries are translated and filled in here, with the
        contracts' display names computed in batch. The responsible is not sent an e-mail for each (as
        with ``mail_activity_quick_update``): he finds them in his activities.
        """
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
        activities = []
        for contract in self:
            user = contract.user_id or contract.team_id.user_id
            if contract.id in already or not user:
                continue
            summary = self.env._(
                "Renewal due: %(contract)s ends on %(date)s",
                contract=contract.display_name,
                date=contract.date_end,
            )
            activities.append((contract.id, contract.display_name, user.id, contract.date_end, summary))
        if activities:
            insert_activities(
                self.env,
                self._name,
                activity_type,
                SQL(
                    "SELECT * FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::date[], %s::varchar[])",
                    *(list(column) for column in zip(*activities, strict=True)),
                ),
            )
        self.filtered(
            lambda c: c.company_id.crm_contract_renewal_lead and not c.renewal_lead_id
        )._create_renewal_leads()
        self.with_context(tracking_disable=True).write({"renewal_notified": True})

    def _create_renewal_leads(self):
        if not self:  # an empty create would still run the create hooks of other modules
            return
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
