import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.crm_extended.tools import write_xlsx

from ..tools.domain import parse_domain

_logger = logging.getLogger(__name__)

# member model -> (relation table, member column, field of crm.marketing.list)
MEMBER_RELATIONS = {
    "res.partner": ("crm_marketing_list_partner_rel", "partner_id", "partner_ids"),
    "crm.lead": ("crm_marketing_list_lead_rel", "lead_id", "lead_ids"),
}
MEMBER_MODELS = [("res.partner", "Contacts"), ("crm.lead", "Leads / Opportunities")]
LIST_ADMIN_GROUP = "sales_team.group_sale_manager"
EXPORT_BATCH = 2000
EXPORT_FIELDS = {
    "res.partner": ["name", "email", "phone", "parent_id", "city", "country_id", "user_id"],
    "crm.lead": ["name", "contact_name", "partner_name", "email_from", "phone", "user_id", "stage_id"],
}


class CrmMarketingList(models.Model):
    _name = "crm.marketing.list"
    _description = "Marketing List"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    purpose = fields.Char(help="What the list is for, e.g. 'Invitation to the spring webinar'.")
    description = fields.Html()
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
        index=True,
    )
    tag_ids = fields.Many2many("crm.marketing.list.tag", "crm_marketing_list_tag_rel", "list_id", "tag_id", "Tags")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True, tracking=True)
    list_type = fields.Selection(
        [("static", "Static"), ("dynamic", "Dynamic")],
        required=True,
        default="static",
        tracking=True,
        help="Static: members are added and removed by hand. Dynamic: members are the records matching the filter, "
        "refreshed by a button and every night.",
    )
    member_model = fields.Selection(
        MEMBER_MODELS,
        string="Member Type",
        required=True,
        default="res.partner",
        help="What the list holds; it cannot be changed once the list is created.",
    )
    domain = fields.Char(string="Filter", default="[]", help="The records of a dynamic list.")
    partner_ids = fields.Many2many(
        "res.partner", "crm_marketing_list_partner_rel", "list_id", "partner_id", string="Contacts", copy=False
    )
    lead_ids = fields.Many2many(
        "crm.lead", "crm_marketing_list_lead_rel", "list_id", "lead_id", string="Leads / Opportunities", copy=False
    )
    member_count = fields.Integer("Members", compute="_compute_member_counts")
    effective_member_count = fields.Integer(
        "Reachable Members",
        compute="_compute_member_counts",
        help="Members left once suppression lists, archived records and, when consent is checked, blacklisted, "
        "opted-out, duplicate addresses and records without a valid e-mail are left out.",
    )
    locked = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="A locked list keeps its members: no refresh, no addition, no removal until an administrator unlocks it.",
    )
    is_temporary = fields.Boolean("Temporary", tracking=True, help="Archived automatically once it expires.")
    expiration_date = fields.Date(tracking=True)
    suppression_list_ids = fields.Many2many(
        "crm.marketing.list",
        "crm_marketing_list_suppression_rel",
        "list_id",
        "suppression_list_id",
        string="Suppression Lists",
        check_company=True,
        domain="[('member_model', '=', member_model), ('id', '!=', id)]",
        help="Members of these lists are never sent to nor exported from this list.",
    )
    exclude_opted_out = fields.Boolean(
        "Check Consent",
        default=True,
        help="Leave out blacklisted and opted-out addresses, duplicate addresses and records without a valid e-mail "
        "when sending or exporting.",
    )
    last_refresh_date = fields.Datetime(readonly=True, copy=False)
    last_used_date = fields.Datetime(readonly=True, copy=False)
    mailing_ids = fields.One2many(
        "mailing.mailing", "crm_marketing_list_id", string="Mailings", groups="mass_mailing.group_mass_mailing_user"
    )
    mailing_count = fields.Integer(compute="_compute_mailing_count", groups="mass_mailing.group_mass_mailing_user")

    # ------------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------------

    @api.depends("partner_ids", "lead_ids", "suppression_list_ids", "exclude_opted_out", "member_model")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_member_counts(self):
        counts, effective = {}, {}
        saved = self.browse([mlist._origin.id for mlist in self if mlist._origin.id])
        if saved:
            self.env.flush_all()
        for member_model, lists in saved.grouped("member_model").items():
            for is_effective, result in ((False, counts), (True, effective)):
                members = lists._members_sql(member_model, effective=is_effective)
                result.update(
                    self.env.execute_query(SQL("SELECT list_id, COUNT(*) FROM (%s) m GROUP BY list_id", members))
                )
        for mlist in self:
            mlist.member_count = counts.get(mlist._origin.id, 0)
            mlist.effective_member_count = effective.get(mlist._origin.id, 0)

    @api.depends("mailing_ids")
    def _compute_mailing_count(self):
        data = self.env["mailing.mailing"]._read_group(
            [("crm_marketing_list_id", "in", self.ids)], ["crm_marketing_list_id"], ["__count"]
        )
        counts = {mlist.id: count for mlist, count in data}
        for mlist in self:
            mlist.mailing_count = counts.get(mlist._origin.id, 0)

    # ------------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------------

    @api.constrains("domain", "member_model", "list_type")
    def _check_domain(self):
        for mlist in self:
            if mlist.list_type == "dynamic" or (mlist.domain or "[]").strip() != "[]":
                parse_domain(self.env, mlist.member_model, mlist.domain)

    @api.constrains("is_temporary", "expiration_date")
    def _check_expiration_date(self):
        for mlist in self:
            if mlist.is_temporary and not mlist.expiration_date:
                raise ValidationError(
                    self.env._("The temporary list %(name)s needs an expiration date.", name=mlist.name)
                )

    @api.constrains("suppression_list_ids", "member_model")
    def _check_suppression_lists(self):
        for mlist in self:
            if mlist in mlist.suppression_list_ids:
                raise ValidationError(self.env._("The list %(name)s cannot suppress itself.", name=mlist.name))
            wrong = mlist.suppression_list_ids.filtered(
                lambda other, mlist=mlist: other.member_model != mlist.member_model
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "The suppression list %(other)s does not hold the same kind of members as %(name)s.",
                        other=wrong[0].name,
                        name=mlist.name,
                    )
                )

    @api.constrains("partner_ids", "lead_ids", "company_id")
    def _check_member_company(self):
        """One query per member model: no member may belong to another company than the list."""
        self.env.flush_all()
        for member_model, (rel, column, _fname) in MEMBER_RELATIONS.items():
            lists = self.filtered(lambda mlist, model=member_model: mlist.company_id and mlist.member_model == model)
            if not lists:
                continue
            rows = self.env.execute_query(
                SQL(
                    """SELECT l.name, m.id FROM %(rel)s r
                         JOIN crm_marketing_list l ON l.id = r.list_id
                         JOIN %(table)s m ON m.id = r.%(column)s
                        WHERE r.list_id IN %(ids)s AND m.company_id IS NOT NULL AND m.company_id != l.company_id
                        LIMIT 1""",
                    rel=SQL.identifier(rel),
                    table=SQL.identifier(self.env[member_model]._table),
                    column=SQL.identifier(column),
                    ids=tuple(lists.ids),
                )
            )
            if rows:
                record = self.env[member_model].browse(rows[0][1]).sudo()
                raise ValidationError(
                    self.env._(
                        "%(member)s belongs to another company than the list %(name)s.",
                        member=record.display_name,
                        name=rows[0][0],
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("locked") for vals in vals_list):
            self._check_list_admin()
        lists = super().create(vals_list)
        if any({"partner_ids", "lead_ids"} & vals.keys() for vals in vals_list):
            lists._invalidate_membership()
        return lists

    def write(self, vals):
        if "member_model" in vals and any(mlist.member_model != vals["member_model"] for mlist in self):
            raise UserError(self.env._("What a list holds (contacts or leads) cannot change after its creation."))
        if "locked" in vals:
            self._check_list_admin()
        if {"partner_ids", "lead_ids"} & vals.keys():
            self._check_unlocked()
            dynamic = self.filtered(lambda mlist: vals.get("list_type", mlist.list_type) == "dynamic")
            if dynamic:
                raise UserError(
                    self.env._(
                        "The members of the dynamic list %(name)s come from its filter: refresh it instead.",
                        name=dynamic[0].name,
                    )
                )
        result = super().write(vals)
        if {"partner_ids", "lead_ids"} & vals.keys():
            # the members' computed lists (marketing_list_ids, …) have no dependency to follow
            self._invalidate_membership()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        locked = self.filtered("locked")
        if locked:
            raise UserError(
                self.env._("The list %(name)s is locked: unlock it before deleting it.", name=locked[0].name)
            )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if default and "name" in default:
            return vals_list
        for mlist, vals in zip(self, vals_list, strict=True):
            vals["name"] = self.env._("%(name)s (copy)", name=mlist.name)
        return vals_list

    def copy(self, default=None):
        new_lists = super().copy(default=default)
        for mlist, new_list in zip(self, new_lists, strict=True):
            rel, column, _fname = MEMBER_RELATIONS[mlist.member_model]
            new_list._insert_members(
                SQL(
                    "SELECT %s FROM %s WHERE list_id = %s",
                    SQL.identifier(column),
                    SQL.identifier(rel),
                    mlist.id,
                )
            )
        return new_lists

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_refresh(self):
        for mlist in self:
            added, removed = mlist._refresh_members()
            if added or removed:
                mlist.message_post(
                    body=self.env._(
                        "Refreshed: %(added)s members added, %(removed)s removed.", added=added, removed=removed
                    )
                )
        return True

    def action_lock(self):
        self._check_list_admin()
        self.write({"locked": True})
        return True

    def action_unlock(self):
        self._check_list_admin()
        self.write({"locked": False})
        return True

    def action_copy_to_static(self):
        self.ensure_one()
        self.check_access("read")
        snapshot = self.create(
            {
                "name": self.env._(
                    "%(name)s (snapshot %(date)s)", name=self.name, date=fields.Date.context_today(self).isoformat()
                ),
                "list_type": "static",
                "member_model": self.member_model,
                "company_id": self.company_id.id,
                "purpose": self.purpose,
                "tag_ids": self.tag_ids.ids,
                "suppression_list_ids": self.suppression_list_ids.ids,
                "exclude_opted_out": self.exclude_opted_out,
            }
        )
        rel, column, _fname = MEMBER_RELATIONS[self.member_model]
        snapshot._insert_members(
            SQL("SELECT %s FROM %s WHERE list_id = %s", SQL.identifier(column), SQL.identifier(rel), self.id)
        )
        return snapshot._get_form_action()

    def action_view_members(self):
        self.ensure_one()
        model = self.env["ir.model"]._get(self.member_model)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Members of %(name)s", name=self.name),
            "res_model": self.member_model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("marketing_list_ids", "in", [self.id])],
            "context": {"create": False},
            "help": self.env._("<p>No %(model)s in this list yet.</p>", model=model.name),
        }

    def action_view_reachable_members(self):
        action = self.action_view_members()
        action["name"] = self.env._("Reachable members of %(name)s", name=self.name)
        action["domain"] = [("marketing_list_effective_ids", "in", [self.id])]
        return action

    def action_send_mailing(self):
        """Open a new Email Marketing mailing whose recipients are the reachable members of the list."""
        self.ensure_one()
        self.check_access("read")
        if self.list_type == "dynamic" and not self.locked and self.has_access("write"):
            self._refresh_members()
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": self.name,
                "mailing_type": "mail",
                "mailing_model_id": self.env["ir.model"]._get_id(self.member_model),
                "mailing_domain": repr([("marketing_list_effective_ids", "in", [self.id])]),
                "crm_marketing_list_id": self.id,
            }
        )
        self._mark_used()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_view_mailings(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("mass_mailing.mailing_mailing_action_mail")
        action["domain"] = [("crm_marketing_list_id", "=", self.id)]
        action["context"] = {"default_crm_marketing_list_id": self.id, "create": False}
        return action

    def action_export_xlsx(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/crm_marketing_lists/export/{self.id}",
            "target": "download",
        }

    def action_open_add_wizard(self):
        self.ensure_one()
        self._check_membership_change()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add members from another list"),
            "res_model": "crm.marketing.list.add.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_list_id": self.id,
                "default_member_model": self.member_model,
                "default_scope": "list",
            },
        }

    # ------------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------------

    @api.model
    def _cron_refresh_dynamic_lists(self):
        """Refresh every unlocked dynamic list as its owner; a list being refreshed elsewhere is skipped."""
        for mlist in self.search([("list_type", "=", "dynamic"), ("locked", "=", False)]):
            owner = mlist.user_id or mlist.create_uid
            try:
                with self.env.cr.savepoint():
                    locked_row = self.env.execute_query(
                        SQL("SELECT id FROM crm_marketing_list WHERE id = %s FOR UPDATE SKIP LOCKED", mlist.id)
                    )
                    if not locked_row:
                        continue
                    as_owner = mlist.with_user(owner)
                    if mlist.company_id:
                        as_owner = as_owner.with_company(mlist.company_id)
                    as_owner._refresh_members()
            except (AccessError, UserError, ValidationError) as error:
                _logger.warning("Marketing list %s not refreshed as %s: %s", mlist.id, owner.login, error)

    @api.model
    def _cron_archive_expired_lists(self):
        today = fields.Date.context_today(self)
        expired = self.search([("is_temporary", "=", True), ("expiration_date", "<", today)])
        expired.write({"active": False})
        return expired

    # ------------------------------------------------------------------
    # MEMBERSHIP (set-based SQL)
    # ------------------------------------------------------------------

    def _members_sql(self, member_model, effective=False, consent=True, visible=True):
        """Return SQL selecting ``(list_id, member_id)`` for the lists ``self`` holding ``member_model``.

        :param effective: leave out members of the suppression lists, archived records and, for lists
            that check consent (and when ``consent`` is set), records without a valid e-mail,
            blacklisted or opted-out addresses and duplicate addresses (see :meth:`_shadowed_members_sql`).
        :param visible: only members the current user may read (record rules and companies).
        """
        model = self.env[member_model]
        rel, column, _fname = MEMBER_RELATIONS[member_model]
        if not effective:
            conditions = [SQL("r.list_id IN %s", tuple(self.ids) or (None,))]
            if visible:
                conditions.append(SQL("r.%s IN %s", SQL.identifier(column), model._search([]).subselect()))
            return SQL(
                "SELECT r.list_id, r.%s AS member_id FROM %s r WHERE %s",
                SQL.identifier(column),
                SQL.identifier(rel),
                SQL(" AND ").join(conditions),
            )
        # One scan of the member table: the consent conditions and, when ``visible``, the record rules
        # are the WHERE of the member model's own query, joined with the list's reachable memberships.
        parts = []
        for check_consent, lists in self._split_by_consent(consent):
            member_model_env = model.with_context(active_test=True)
            if not visible:
                member_model_env = member_model_env.sudo()
            query = member_model_env._search(lists._effective_member_domain(member_model, check_consent, rel=False))
            member_id = SQL.identifier(query.table, "id")
            query.add_join(
                "JOIN",
                "r",
                SQL("(%s)", lists._membership_pairs_sql(member_model, check_consent)),
                SQL("r.member_id = %s", member_id),
            )
            parts.append(SQL("(%s)", query.select(SQL("r.list_id"), SQL("%s AS member_id", member_id))))
        if not parts:
            return SQL("SELECT NULL::int AS list_id, NULL::int AS member_id WHERE FALSE")
        return SQL(" UNION ALL ").join(parts)

    def _split_by_consent(self, consent=True):
        """Yield ``(check_consent, lists)``: the lists of ``self`` that check consent, then the others."""
        checked = self.filtered("exclude_opted_out") if consent else self.browse()
        for check_consent, lists in ((True, checked), (False, self - checked)):
            if lists:
                yield check_consent, lists

    def _effective_member_domain(self, member_model, check_consent, rel=True):
        """Domain of the records of ``member_model`` reachable through the lists ``self``, which all check
        consent or all do not: active, with ``rel``, members of one of the lists that are neither
        suppressed by it nor hidden by a duplicate address; with ``check_consent``, a valid address
        neither blacklisted nor opted out. Everything is a condition on the member table itself, so that
        the search of the member model scans it once."""
        domain = [("active", "=", True)]
        if rel:
            members = SQL("(SELECT p.member_id FROM (%s) p)", self._membership_pairs_sql(member_model, check_consent))
            domain.append(("id", "in", members))
        if check_consent:
            domain += [
                ("email_normalized", "!=", False),
                ("email_normalized", "not in", SQL("(SELECT b.email FROM mail_blacklist b WHERE b.active)")),
                (
                    "email_normalized",
                    "not in",
                    SQL(
                        """(SELECT mc.email_normalized FROM mailing_subscription ms
                              JOIN mailing_contact mc ON mc.id = ms.contact_id
                             WHERE ms.opt_out AND mc.email_normalized IS NOT NULL)"""
                    ),
                ),
            ]
        return domain

    def _membership_pairs_sql(self, member_model, check_consent):
        """SQL selecting ``(list_id, member_id)``: the memberships of the lists ``self`` but those hidden
        by their suppression lists and, with ``check_consent``, by a duplicate address. The hidden ones
        are few next to the members and are excluded by a hashed ``NOT IN``, which the planner cannot
        turn into a nested loop over the list's members whatever its estimates of a freshly filled list
        (a correlated ``NOT EXISTS`` can be, and then costs the square of the list's size).

        The suppression lists are read first (archived ones too: they still suppress) and written in
        the SQL as constants, so that the planner reads their members from the relation's index by
        list instead of estimating an average list and scanning the whole relation."""
        rel, column, _fname = MEMBER_RELATIONS[member_model]
        ids = tuple(self.ids)
        hidden = []
        suppression_ids = tuple(
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT DISTINCT suppression_list_id FROM crm_marketing_list_suppression_rel WHERE list_id IN %s",
                    ids,
                )
            )
        )
        if suppression_ids:
            hidden.append(
                SQL(
                    """SELECT s.list_id, sr.%s FROM crm_marketing_list_suppression_rel s
                         JOIN %s sr ON sr.list_id = s.suppression_list_id
                        WHERE s.list_id IN %s AND sr.list_id IN %s""",
                    SQL.identifier(column),
                    SQL.identifier(rel),
                    ids,
                    suppression_ids,
                )
            )
        if check_consent:
            shadowed = self._shadowed_members_sql(member_model)
            if shadowed is not None:
                hidden.append(shadowed)
        if not hidden:
            return SQL(
                "SELECT r.list_id, r.%s AS member_id FROM %s r WHERE r.list_id IN %s",
                SQL.identifier(column),
                SQL.identifier(rel),
                ids,
            )
        return SQL(
            "SELECT r.list_id, r.%s AS member_id FROM %s r WHERE r.list_id IN %s AND (r.list_id, r.%s) NOT IN (%s)",
            SQL.identifier(column),
            SQL.identifier(rel),
            ids,
            SQL.identifier(column),
            SQL(" UNION ALL ").join(hidden),
        )

    def _shadowed_members_sql(self, member_model):
        """SQL selecting ``(list_id, member_id)``: members of the lists ``self`` whose address is also the
        address of another active, unsuppressed member of the same list with a lower id that the current
        user may read. That member alone receives the current user's mailings: one address, one message,
        and an address is never lost to a record the sender cannot see. ``None`` when no address is
        shared by two records of the member table: nothing can be shadowed.

        The addresses held by more than one record are read first, in one grouped query (on the
        contacts, an index-only scan of the index on ``email_normalized``), and written in the SQL as a
        constant array: each drives index lookups of its records, their memberships and suppressions.
        Read in the same statement, they would be estimated at a third of all addresses, which makes the
        planner start from the list's members and PostgreSQL compile the query (JIT): seconds instead of
        milliseconds. ``OFFSET 0`` keeps each lookup a lookup whatever the statistics of a freshly filled
        list."""
        model = self.env[member_model].with_context(active_test=True)
        table = SQL.identifier(model._table)
        rel, column, _fname = MEMBER_RELATIONS[member_model]
        shared = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """SELECT d.email_normalized FROM %s d WHERE d.email_normalized IS NOT NULL
                        GROUP BY d.email_normalized HAVING COUNT(*) > 1""",
                    table,
                )
            )
        ]
        if not shared:
            return None
        # the lower member, as the member model's own query: record rules (and active) on the same scan
        readable = model._search([])
        lower_id = SQL.identifier(readable.table, "id")
        return SQL(
            """SELECT rm.list_id, rm.%(column)s
                 FROM unnest(%(shared)s::varchar[]) AS dup(email_normalized)
                CROSS JOIN LATERAL (
                        SELECT m.id, m.email_normalized FROM %(table)s m
                         WHERE m.email_normalized = dup.email_normalized OFFSET 0) m
                CROSS JOIN LATERAL (
                        SELECT rm.list_id, rm.%(column)s FROM %(rel)s rm
                         WHERE rm.%(column)s = m.id AND rm.list_id IN %(ids)s OFFSET 0) rm
                WHERE EXISTS (
                        SELECT 1 FROM %(readable_from)s
                         WHERE %(readable_where)s
                           AND %(lower_email)s = m.email_normalized AND %(lower_id)s < m.id
                           AND EXISTS (
                                SELECT 1 FROM %(rel)s rk
                                 WHERE rk.list_id = rm.list_id AND rk.%(column)s = %(lower_id)s OFFSET 0)
                           AND NOT EXISTS (
                                SELECT 1 FROM crm_marketing_list_suppression_rel s
                                  JOIN %(rel)s sr ON sr.list_id = s.suppression_list_id
                                 WHERE s.list_id = rm.list_id AND sr.%(column)s = %(lower_id)s OFFSET 0)
                        OFFSET 0)""",
            column=SQL.identifier(column),
            rel=SQL.identifier(rel),
            table=table,
            shared=shared,
            ids=tuple(self.ids),
            readable_from=readable.from_clause,
            readable_where=readable.where_clause if readable.where_clause.code else SQL("TRUE"),
            lower_id=lower_id,
            lower_email=SQL.identifier(readable.table, "email_normalized"),
        )

    def _refresh_members(self):
        """Make the members of the dynamic list ``self`` the records its filter gives the current user.

        One statement: the filter's query (record rules and companies of the current user applied by
        ``_search``) is evaluated once, the list's members read once, both into materialized CTEs, and
        one FULL JOIN of the two gives the difference; then only the members that left are deleted and
        only the new ones inserted, so a refresh that changes little writes little. A FULL JOIN can only
        be hashed or merged, never run as a nested loop, whatever the planner estimates (it cannot
        estimate a user's filter well, and a nested anti-join against the relation being filled by the
        same statement would be quadratic).
        Return ``(added, removed)``.
        """
        self.ensure_one()
        self._check_membership_change()
        if self.list_type != "dynamic":
            raise UserError(self.env._("Only a dynamic list can be refreshed; %(name)s is static.", name=self.name))
        domain = parse_domain(self.env, self.member_model, self.domain)
        model = self.env[self.member_model]
        rel, column, _fname = MEMBER_RELATIONS[self.member_model]
        query = model._search(expression.AND([domain, self._company_domain()]))
        self.env.flush_all()
        # two refreshes of the same list (a button and the cron) run one after the other: the second
        # one's statement starts after the first committed, so its snapshot sees the first one's rows
        # and its INSERT cannot collide with them
        self.env.execute_query(SQL("SELECT id FROM crm_marketing_list WHERE id = %s FOR NO KEY UPDATE", self.id))
        # all parts of a statement see the same snapshot: the members as they were before it
        [(added, removed)] = self.env.execute_query(
            SQL(
                """WITH wanted AS MATERIALIZED (%(wanted)s),
                        present AS MATERIALIZED (SELECT r.%(column)s AS id FROM %(rel)s r WHERE r.list_id = %(list_id)s),
                        diff AS MATERIALIZED (
                            SELECT w.id AS new_id, c.id AS old_id
                              FROM wanted w FULL JOIN present c ON c.id = w.id
                             WHERE w.id IS NULL OR c.id IS NULL),
                        removed AS (
                            DELETE FROM %(rel)s r
                             WHERE r.list_id = %(list_id)s
                               AND r.%(column)s IN (SELECT d.old_id FROM diff d WHERE d.new_id IS NULL)
                            RETURNING 1),
                        added AS (
                            INSERT INTO %(rel)s (list_id, %(column)s)
                            SELECT %(list_id)s, d.new_id FROM diff d WHERE d.old_id IS NULL
                            RETURNING 1)
                   SELECT (SELECT COUNT(*) FROM added), (SELECT COUNT(*) FROM removed)""",
                wanted=query.select(SQL("%s AS id", SQL.identifier(model._table, "id"))),
                rel=SQL.identifier(rel),
                column=SQL.identifier(column),
                list_id=self.id,
            )
        )
        self.last_refresh_date = fields.Datetime.now()
        self._invalidate_membership()
        return added, removed

    def _insert_members(self, select_sql, restrict=True):
        """Add the member ids selected by ``select_sql`` (one column) to the list ``self``.

        With ``restrict``, only records the current user may read and of the list's company are added.
        Return the number of members added.
        """
        self.ensure_one()
        self._check_membership_change()
        model = self.env[self.member_model].with_context(active_test=False)
        rel, column, _fname = MEMBER_RELATIONS[self.member_model]
        where = SQL()
        if restrict:
            where = SQL("WHERE src.member_id IN %s", model._search(self._company_domain()).subselect())
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """INSERT INTO %(rel)s (list_id, %(column)s)
                   SELECT %(list_id)s, src.member_id FROM (%(select)s) AS src(member_id) %(where)s
                   ON CONFLICT DO NOTHING""",
                rel=SQL.identifier(rel),
                column=SQL.identifier(column),
                list_id=self.id,
                select=select_sql,
                where=where,
            )
        )
        added = self.env.cr.rowcount
        self._invalidate_membership()
        return added

    def _add_members_by_domain(self, domain, active_test=True):
        """Add the records matching ``domain`` for the current user; return the number added."""
        self.ensure_one()
        model = self.env[self.member_model].with_context(active_test=active_test)
        query = model._search(expression.AND([domain, self._company_domain()]))
        return self._insert_members(query.select(), restrict=False)

    def _remove_members_by_domain(self, domain):
        """Remove the records matching ``domain`` for the current user; return the number removed."""
        self.ensure_one()
        self._check_membership_change()
        model = self.env[self.member_model].with_context(active_test=False)
        rel, column, _fname = MEMBER_RELATIONS[self.member_model]
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "DELETE FROM %s WHERE list_id = %s AND %s IN %s",
                SQL.identifier(rel),
                self.id,
                SQL.identifier(column),
                model._search(domain).subselect(),
            )
        )
        removed = self.env.cr.rowcount
        self._invalidate_membership()
        return removed

    @api.model
    def _create_from_algebra(self, operation, base_list, other_lists, name):
        """Create a static list from the union, intersection or difference of lists, in one INSERT."""
        lists = base_list | other_lists
        lists.check_access("read")
        if len(set(lists.mapped("member_model"))) > 1:
            raise UserError(self.env._("Lists can only be combined when they hold the same kind of members."))
        rel, column, _fname = MEMBER_RELATIONS[base_list.member_model]
        rel, column = SQL.identifier(rel), SQL.identifier(column)
        if operation == "union":
            select = SQL("SELECT DISTINCT %s FROM %s WHERE list_id IN %s", column, rel, tuple(lists.ids))
        elif operation == "intersection":
            select = SQL(
                "SELECT %s FROM %s WHERE list_id IN %s GROUP BY %s HAVING COUNT(*) = %s",
                column,
                rel,
                tuple(lists.ids),
                column,
                len(lists),
            )
        elif operation == "difference":
            select = SQL(
                "SELECT %s FROM %s WHERE list_id = %s EXCEPT SELECT %s FROM %s WHERE list_id IN %s",
                column,
                rel,
                base_list.id,
                column,
                rel,
                tuple(other_lists.ids) or (None,),
            )
        else:
            raise UserError(self.env._("Unknown list operation %(operation)s.", operation=operation))
        new_list = self.create(
            {
                "name": name,
                "list_type": "static",
                "member_model": base_list.member_model,
                "company_id": base_list.company_id.id,
            }
        )
        new_list._insert_members(select)
        return new_list

    # ------------------------------------------------------------------
    # EXPORT
    # ------------------------------------------------------------------

    def _export_members_xlsx(self):
        """Return ``(filename, content)``: the reachable members the current user may read, as .xlsx."""
        self.ensure_one()
        self.check_access("read")
        model = self.env[self.member_model]
        fnames = EXPORT_FIELDS[self.member_model]
        header = [model._fields[fname]._description_string(self.env) for fname in fnames]
        content = write_xlsx([(self.name, header, self._iter_export_rows(fnames))])
        self._mark_used()
        return f"{self.name}.xlsx", content

    def _iter_export_rows(self, fnames):
        """Yield one row per reachable member, fetched through a server-side SQL cursor in batches."""
        model = self.env[self.member_model]
        cursor_name = SQL.identifier(f"crm_marketing_list_export_{self.id}")
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "DECLARE %s NO SCROLL CURSOR FOR SELECT member_id FROM (%s) e ORDER BY member_id",
                cursor_name,
                self._members_sql(self.member_model, effective=True),
            )
        )
        try:
            while True:
                ids = [row[0] for row in self.env.execute_query(SQL("FETCH %s FROM %s", EXPORT_BATCH, cursor_name))]
                if not ids:
                    break
                records = model.browse(ids)
                rows = records.read(fnames, load=None)
                # many2ones: the display name of each distinct target once per batch, not once per row
                names = {}
                for fname in fnames:
                    if model._fields[fname].type == "many2one":
                        comodel = self.env[model._fields[fname].comodel_name].sudo()
                        targets = comodel.browse({row[fname] for row in rows if row[fname]})
                        names[fname] = {target.id: target.display_name for target in targets}
                        if comodel._name == model._name:  # parents: as many as the members, not kept
                            targets.invalidate_recordset()
                for values in rows:
                    yield [
                        names[fname].get(values[fname]) if fname in names else self._export_value(values[fname])
                        for fname in fnames
                    ]
                records.invalidate_recordset(fnames)
        finally:
            self.env.execute_query(SQL("CLOSE %s", cursor_name))

    @staticmethod
    def _export_value(value):
        """An empty field is an empty cell (many2ones are named by ``_iter_export_rows``)."""
        return None if value is False else value

    # ------------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------------

    def _company_domain(self):
        self.ensure_one()
        if not self.company_id:
            return []
        return ["|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)]

    def _is_list_admin(self):
        return self.env.is_superuser() or self.env.user.has_group(LIST_ADMIN_GROUP)

    def _check_list_admin(self):
        if not self._is_list_admin():
            raise AccessError(self.env._("Only a sales administrator may lock or unlock a marketing list."))

    def _check_unlocked(self):
        locked = self.filtered("locked")
        if locked:
            raise UserError(
                self.env._(
                    "The list %(name)s is locked: its members cannot change until an administrator unlocks it.",
                    name=locked[0].name,
                )
            )

    def _check_membership_change(self):
        self.check_access("write")
        self._check_unlocked()

    def _mark_used(self):
        # the date of use is recorded even when the user may only read the list
        self.sudo().last_used_date = fields.Datetime.now()

    def _invalidate_membership(self):
        self.invalidate_recordset(["partner_ids", "lead_ids", "member_count", "effective_member_count"])
        for member_model in MEMBER_RELATIONS:
            self.env[member_model].invalidate_model(["marketing_list_ids", "marketing_list_effective_ids"])

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
