from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from odoo.addons.crm_extended.tools import write_xlsx

UNIQUE_NAME_INDEX = "crm_competitor_name_company_uniq"


class CrmCompetitor(models.Model):
    """A company we meet on our opportunities.

    Its figures (opportunities, won against, lost to, win rate, revenues) are
    computed from the opportunities it takes part in, never typed:

    * *won against*: an active opportunity in a won stage;
    * *lost to*: a lost opportunity (archived with a probability of 0) whose
      "Lost to" (``lost_competitor_id``) is this competitor, or that names no
      competitor at all. A deal lost to another named competitor is neither won
      nor lost against this one;
    * *win rate*: won / (won + lost) in percent, 0 when no deal is closed yet.

    Only opportunities the current user may read are counted.
    """

    _name = "crm.competitor"
    _description = "Competitor"
    _inherit = ["mail.thread", "mail.activity.mixin", "image.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    website = fields.Char()
    description = fields.Html()
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share this competitor with every company.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    color = fields.Integer()
    threat_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        default="medium",
        required=True,
        tracking=True,
    )
    reported_revenue = fields.Monetary(
        currency_field="currency_id",
        help="Yearly revenue the competitor reports publicly.",
    )
    # SWOT, seen from our side
    strengths = fields.Text()
    weaknesses = fields.Text()
    opportunities = fields.Text(string="SWOT Opportunities")
    threats = fields.Text()
    # Offering
    product_ids = fields.Many2many(
        "product.product",
        "crm_competitor_product_product_rel",
        "competitor_id",
        "product_id",
        string="Competing Products",
        check_company=True,
        help="Our products this competitor competes with.",
    )
    offering = fields.Text(string="Their Offering")
    pricing_notes = fields.Text()
    partner_ids = fields.Many2many(
        "res.partner",
        "crm_competitor_res_partner_rel",
        "competitor_id",
        "partner_id",
        string="Accounts",
        check_company=True,
        help="Accounts this competitor works with.",
    )
    country_ids = fields.Many2many(
        "res.country",
        "crm_competitor_res_country_rel",
        "competitor_id",
        "country_id",
        string="Countries",
        help="Countries where this competitor operates.",
    )
    material_ids = fields.Many2many(
        "crm.sales.material",
        "crm_competitor_crm_sales_material_rel",
        "competitor_id",
        "material_id",
        string="Battlecards",
        check_company=True,
        help="Sales materials to use against this competitor.",
    )
    material_count = fields.Integer(string="Battlecard Count", compute="_compute_material_count")
    lead_ids = fields.Many2many(
        "crm.lead",
        "crm_competitor_crm_lead_rel",
        "competitor_id",
        "lead_id",
        string="Opportunities",
        check_company=True,
        context={"active_test": False},
    )
    # Figures
    lead_count = fields.Integer(string="Opportunity Count", compute="_compute_figures")
    open_count = fields.Integer(string="Open", compute="_compute_figures")
    won_count = fields.Integer(string="Won Against", compute="_compute_figures")
    lost_count = fields.Integer(string="Lost To", compute="_compute_figures")
    win_rate = fields.Float(
        string="Win Rate (%)",
        compute="_compute_figures",
        digits=(5, 1),
        help="Deals won against this competitor divided by the deals won and lost, in percent.",
    )
    # Sums of the deals' expected revenues (each already rounded to its currency), shown in
    # currency_id by the views' monetary widget. Floats, not Monetary: a Monetary value is rounded
    # on assignment, which reads the company and the currency of every competitor (2 more queries
    # for figures that take 1).
    revenue_won = fields.Float(string="Revenue Won Against", compute="_compute_figures")
    revenue_lost = fields.Float(string="Revenue Lost To", compute="_compute_figures")

    def init(self):
        # Names are unique per company ignoring case; competitors without a
        # company share one namespace. create/write check it first for a
        # readable message (_check_names_available); this index guarantees it
        # under concurrency.
        tools.create_unique_index(
            self.env.cr,
            UNIQUE_NAME_INDEX,
            self._table,
            ["lower(name)", "COALESCE(company_id, 0)"],
        )

    # ---- COMPUTES ----

    @api.depends("company_id")
    def _compute_currency_id(self):
        for competitor in self:
            competitor.currency_id = competitor.company_id.currency_id or self.env.company.currency_id

    @api.depends("material_ids")
    def _compute_material_count(self):
        for competitor in self:
            competitor.material_count = len(competitor.material_ids)

    @api.depends(
        "lead_ids",
        "lead_ids.active",
        "lead_ids.probability",
        "lead_ids.stage_id",
        "lead_ids.expected_revenue",
        "lead_ids.lost_competitor_id",
    )
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_figures(self):
        figures = self._read_figures()
        for competitor in self:
            counts = figures.get(competitor._origin.id) or {}
            won = counts.get("won_count", 0)
            lost = counts.get("lost_count", 0)
            competitor.lead_count = counts.get("lead_count", 0)
            competitor.open_count = counts.get("open_count", 0)
            competitor.won_count = won
            competitor.lost_count = lost
            competitor.win_rate = 100.0 * won / (won + lost) if won + lost else 0.0
            competitor.revenue_won = counts.get("revenue_won", 0.0)
            competitor.revenue_lost = counts.get("revenue_lost", 0.0)

    def _lead_query(self):
        """Query of the opportunities the current user may read, archived ones included."""
        return self.env["crm.lead"].with_context(active_test=False)._search([("type", "=", "opportunity")])

    def _read_figures(self):
        """Return ``{competitor_id: {figure: value}}`` in one grouped query.

        The query is the one of the opportunities the user may read (their record rules
        in its WHERE clause) joined to the competitors and the stages, so that crm_lead
        is scanned once.
        """
        ids = tuple(cid for cid in self._origin.ids if cid)
        if not ids:
            return {}
        self.env["crm.lead"].flush_model(
            ["active", "probability", "stage_id", "expected_revenue", "lost_competitor_id", "type", "company_id"]
        )
        self.env["crm.stage"].flush_model(["is_won"])
        self.flush_model(["lead_ids"])
        query = self._lead_query()
        if query.is_empty():
            return {}
        lead = query.table
        rel = query.join(lead, "id", "crm_competitor_crm_lead_rel", "lead_id", "competitor_ids")
        stage = query.left_join(lead, "stage_id", "crm_stage", "id", "stage_id")
        competitor = SQL.identifier(rel, "competitor_id")
        query.add_where(SQL("%s IN %s", competitor, ids))
        query.groupby = competitor
        active = SQL.identifier(lead, "active")
        is_won = SQL("COALESCE(%s, FALSE)", SQL.identifier(stage, "is_won"))
        won = SQL("%s AND %s", active, is_won)
        lost = SQL(
            "NOT %(active)s AND COALESCE(%(probability)s, 0) = 0"
            " AND (%(lost_to)s IS NULL OR %(lost_to)s = %(competitor)s)",
            active=active,
            probability=SQL.identifier(lead, "probability"),
            lost_to=SQL.identifier(lead, "lost_competitor_id"),
            competitor=competitor,
        )
        revenue = SQL.identifier(lead, "expected_revenue")
        rows = self.env.execute_query(
            query.select(
                competitor,
                SQL("COUNT(*)"),
                SQL("COUNT(*) FILTER (WHERE %s AND NOT %s)", active, is_won),
                SQL("COUNT(*) FILTER (WHERE %s)", won),
                SQL("COUNT(*) FILTER (WHERE %s)", lost),
                SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0)", revenue, won),
                SQL("COALESCE(SUM(%s) FILTER (WHERE %s), 0)", revenue, lost),
            )
        )
        return {
            row[0]: dict(
                zip(("lead_count", "open_count", "won_count", "lost_count", "revenue_won", "revenue_lost"), row[1:])
            )
            for row in rows
        }

    # ---- CONSTRAINTS ----

    @api.constrains("reported_revenue")
    def _check_reported_revenue(self):
        for competitor in self:
            if competitor.reported_revenue < 0:
                raise ValidationError(
                    self.env._(
                        "The reported revenue of %(name)s cannot be negative.",
                        name=competitor.name,
                    )
                )

    @api.constrains("company_id", "partner_ids", "product_ids")
    def _check_linked_companies(self):
        """Every account and product must be shared or of the competitor's company (not just one of them)."""
        for competitor in self.filtered("company_id"):
            company = competitor.company_id
            foreign = [
                record.display_name
                for record in (*competitor.partner_ids, *competitor.product_ids)
                if record.company_id and record.company_id != company
            ]
            if foreign:
                raise ValidationError(
                    self.env._(
                        "%(competitor)s belongs to %(company)s; it cannot be linked to %(records)s of another company.",
                        competitor=competitor.name,
                        company=competitor.company_id.name,
                        records=", ".join(foreign),
                    )
                )

    def _check_names_available(self, pairs):
        """Refuse ``(name, company_id)`` pairs already used, ignoring case, archived competitors included.

        Called before writing, so the user gets this message rather than the
        unique index's error; the index still guarantees it under concurrency.
        """
        seen = set()
        for name, company_id in pairs:
            if not name:
                continue
            key = (name.lower(), company_id or False)
            duplicate = key in seen or self.sudo().with_context(active_test=False).search_count(
                [
                    ("id", "not in", self.ids),
                    ("name", "=ilike", name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")),
                    ("company_id", "=", company_id or False),
                ],
                limit=1,
            )
            if duplicate:
                raise ValidationError(
                    self.env._(
                        "A competitor named %(name)s already exists in this company (archived ones included):"
                        " names are unique per company, ignoring case.",
                        name=name,
                    )
                )
            seen.add(key)

    # ---- CRUD ----

    @api.ondelete(at_uninstall=False)
    def _unlink_except_met_on_deals(self):
        """Keep the win/loss history: a competitor met on opportunities is archived or merged, not deleted."""
        used = (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("competitor_ids", "in", self.ids), ("lost_competitor_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "%(names)s took part in opportunities: archive it, or merge it into another competitor,"
                    " to keep the win/loss history.",
                    names=", ".join((self & (used.competitor_ids | used.lost_competitor_id)).mapped("name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        default_company = self.default_get(["company_id"]).get("company_id")
        self._check_names_available([(vals.get("name"), vals.get("company_id", default_company)) for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if "name" in vals or "company_id" in vals:
            self._check_names_available(
                [
                    (vals.get("name", competitor.name), vals.get("company_id", competitor.company_id.id))
                    for competitor in self
                ]
            )
        return super().write(vals)

    # ---- ACTIONS ----

    def _action_open_leads(self, domain, name):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(
            {
                "name": name,
                "domain": [("competitor_ids", "in", self.ids), ("type", "=", "opportunity"), *domain],
                "context": {"active_test": False, "default_competitor_ids": self.ids, "create": False},
                "view_mode": "list,kanban,form,pivot,graph",
                "views": [(False, "list"), (False, "kanban"), (False, "form"), (False, "pivot"), (False, "graph")],
            }
        )
        return action

    def action_open_leads(self):
        return self._action_open_leads([], self.env._("Opportunities against %(name)s", name=self.name))

    def action_open_open_leads(self):
        return self._action_open_leads(
            [("active", "=", True), ("stage_id.is_won", "=", False)],
            self.env._("Open opportunities against %(name)s", name=self.name),
        )

    def action_open_won_leads(self):
        return self._action_open_leads(
            [("active", "=", True), ("stage_id.is_won", "=", True)],
            self.env._("Won against %(name)s", name=self.name),
        )

    def action_open_lost_leads(self):
        return self._action_open_leads(
            [
                ("active", "=", False),
                ("probability", "=", 0),
                "|",
                ("lost_competitor_id", "=", False),
                ("lost_competitor_id", "=", self.id),
            ],
            self.env._("Lost to %(name)s", name=self.name),
        )

    # ---- BUSINESS ----

    def _get_deals(self, limit=None):
        """Opportunities (archived included) of these competitors the user may read, newest closed first."""
        return (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search(
                [("competitor_ids", "in", self.ids), ("type", "=", "opportunity")],
                order="date_closed desc nulls last, id desc",
                limit=limit,
            )
        )

    def _get_recent_deals(self, outcome, limit=5):
        """The ``limit`` most recent deals won against (``won``) or lost to (``lost``) this competitor."""
        self.ensure_one()
        leads = self.env["crm.lead"].with_context(active_test=False)
        if outcome == "won":
            domain = [("active", "=", True), ("stage_id.is_won", "=", True)]
        else:
            domain = [
                ("active", "=", False),
                ("probability", "=", 0),
                "|",
                ("lost_competitor_id", "=", False),
                ("lost_competitor_id", "=", self.id),
            ]
        return leads.search(
            [("competitor_ids", "in", self.ids), ("type", "=", "opportunity"), *domain],
            order="date_closed desc nulls last, id desc",
            limit=limit,
        )

    def _get_analysis_xlsx(self):
        """Bytes of the competitive analysis workbook: a summary sheet and a deals sheet."""
        outcome_labels = self.env["crm.lead"]._competitor_outcome_labels()
        summary_header = [
            self.env._("Competitor"),
            self.env._("Website"),
            self.env._("Threat Level"),
            self.env._("Countries"),
            self.env._("Opportunities"),
            self.env._("Open"),
            self.env._("Won Against"),
            self.env._("Lost To"),
            self.env._("Win Rate (%)"),
            self.env._("Revenue Won Against"),
            self.env._("Revenue Lost To"),
            self.env._("Currency"),
        ]
        threat_labels = dict(self._fields["threat_level"]._description_selection(self.env))

        def summary_rows():
            for competitor in self:
                yield [
                    competitor.name,
                    competitor.website or None,
                    threat_labels.get(competitor.threat_level),
                    ", ".join(competitor.country_ids.mapped("name")) or None,
                    competitor.lead_count,
                    competitor.open_count,
                    competitor.won_count,
                    competitor.lost_count,
                    round(competitor.win_rate, 1),
                    competitor.revenue_won,
                    competitor.revenue_lost,
                    competitor.currency_id.name,
                ]

        deals_header = [
            self.env._("Competitor"),
            self.env._("Opportunity"),
            self.env._("Customer"),
            self.env._("Salesperson"),
            self.env._("Sales Team"),
            self.env._("Stage"),
            self.env._("Outcome"),
            self.env._("Lost To"),
            self.env._("Lost Reason"),
            self.env._("Expected Revenue"),
            self.env._("Closed On"),
        ]

        def deal_rows():
            for lead in self._get_deals():
                for competitor in lead.competitor_ids & self:
                    yield [
                        competitor.name,
                        lead.name,
                        lead.partner_id.display_name or lead.partner_name or None,
                        lead.user_id.name or None,
                        lead.team_id.name or None,
                        lead.stage_id.name or None,
                        outcome_labels[lead._get_competitor_outcome(competitor)],
                        lead.lost_competitor_id.name or None,
                        lead.lost_reason_id.name or None,
                        lead.expected_revenue,
                        lead.date_closed,
                    ]

        return write_xlsx(
            [
                (self.env._("Summary"), summary_header, summary_rows()),
                (self.env._("Deals"), deals_header, deal_rows()),
            ]
        )

    def _merge_into(self, dst):
        """Move everything of ``self`` to ``dst`` and archive ``self``."""
        # Every reference moves, also on deals the manager cannot open himself.
        leads = self.env["crm.lead"].sudo().with_context(active_test=False)
        linked = leads.search([("competitor_ids", "in", self.ids)])
        linked.write({"competitor_ids": [Command.link(dst.id)] + [Command.unlink(dup.id) for dup in self]})
        leads.search([("lost_competitor_id", "in", self.ids)]).write({"lost_competitor_id": dst.id})
        values = {
            "partner_ids": [Command.link(pid) for pid in self.partner_ids.ids],
            "country_ids": [Command.link(cid) for cid in self.country_ids.ids],
            "product_ids": [Command.link(pid) for pid in self.product_ids.ids],
            "material_ids": [Command.link(mid) for mid in self.sudo().material_ids.ids],
        }
        dst.write(values)
        self.write({"partner_ids": [Command.clear()], "material_ids": [Command.clear()], "active": False})
        for dup in self:
            dup.message_post(body=self.env._("Merged into %(name)s.", name=dst.name))
        dst.message_post(body=self.env._("Merged from: %(names)s.", names=", ".join(self.mapped("name"))))

    def action_open_materials(self):
        self.ensure_one()
        return self.material_ids._action_open_battlecards(self.env._("Battlecards against %(name)s", name=self.name))

    def action_export_xlsx(self):
        """Download the competitive analysis workbook of the selected competitors."""
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": "/crm_competitors/analysis.xlsx?ids={}".format(",".join(str(i) for i in self.ids)),
            "target": "download",
        }
