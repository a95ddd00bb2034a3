import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools.mail_sql import insert_activities
from ..tools.standardise import partner_keys

_logger = logging.getLogger(__name__)

# the attributes of the duplicate-detection keys: precomputed (computed with the other values
# before the INSERT, not updated after it), and not read-only only so that a create given the keys
# keeps them: Odoo drops a value given for a read-only precomputed field and computes it again. The
# spreadsheet import computes them in its dry run, with the same function (tools/standardise.py
# partner_keys), and passes them to create.
_KEY_FIELD = {"compute": "_compute_crm_keys", "store": True, "precompute": True, "readonly": False, "copy": False}
# normalised columns compared to find duplicate accounts
CRM_KEY_FIELDS = ["crm_name_key", "crm_city_key", "crm_vat_key", "crm_phone_key", "crm_mobile_key"]
# kinds of key two duplicates share, with the columns holding each: a phone number matches a
# phone or a mobile. Besides these, a company name in the same city (crm_name_key, crm_city_key).
DUPLICATE_KEY_KINDS = {
    "email": ("email_normalized",),
    "vat": ("crm_vat_key",),
    "phone": ("crm_phone_key", "crm_mobile_key"),
}
DUPLICATE_KEY_COLUMNS = [
    *(column for columns in DUPLICATE_KEY_KINDS.values() for column in columns),
    "crm_name_key",
    "crm_city_key",
]


class ResPartner(models.Model):
    _name = "res.partner"
    # the mixin first: values are standardised before any other override sees them
    _inherit = ["crm.standardise.mixin", "res.partner"]

    # ---- STANDARDISATION (crm_extended accounts) ----
    # rule -> fields it applies to; each rule has a switch on res.company
    _crm_standardise_spec = {
        "names": ("name", "street", "street2", "city", "zip", "function"),
        "email": ("email",),
        "phone": ("phone", "mobile"),
        "website": ("website",),
        "vat": ("vat",),
    }

    # ---- SEGMENTS, TIERS, FOLLOW-UP, DUPLICATES (crm_extended accounts) ----
    relationship_type = fields.Selection(
        [
            ("customer", "Customer"),
            ("prospect", "Prospect"),
            ("partner", "Partner"),
            ("supplier", "Supplier"),
            ("competitor", "Competitor"),
        ],
        string="Relationship",
        index=True,
        tracking=True,
        help="What this account is to us; used to filter and group accounts.",
    )
    potential = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        tracking=True,
        help="Business we could still win with this account, set by the salesperson.",
    )
    customer_tier = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C")],
        string="Tier",
        readonly=True,
        index=True,
        copy=False,
        help="Pareto tier of the account's value (active contracts' yearly value plus revenue won in the "
        "last 12 months), recomputed every night: A brings the first 80 % of the value, B the next 15 %, "
        "C the rest. Accounts without value have no tier.",
    )
    contact_cadence_days = fields.Integer(
        "Contact Cadence (days)",
        compute="_compute_contact_cadence_days",
        store=True,
        readonly=False,
        precompute=True,
        help="Days between two contacts with the account; defaults to the cadence of its tier "
        "(CRM settings). 0 disables follow-up reminders.",
    )
    last_contact_date = fields.Date(
        "Last Contact",
        readonly=True,
        copy=False,
        help="Last done activity, meeting, call or e-mail with the account, its contacts or its "
        "opportunities (updated every night).",
    )
    next_contact_date = fields.Date(
        "Next Contact",
        compute="_compute_next_contact_date",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Date by which the account should be contacted again: last contact plus the cadence.",
    )
    contact_overdue = fields.Boolean(
        "Follow-up Due",
        compute="_compute_contact_overdue",
        search="_search_contact_overdue",
        help="The next contact date is today or past.",
    )
    duplicate_partner_ids = fields.Many2many(
        "res.partner",
        string="Possible Duplicates",
        compute="_compute_duplicate_partner_ids",
        search="_search_duplicate_partner_ids",
        help="Other accounts with the same e-mail, phone number or Tax ID, or the same company name in the same city.",
    )
    duplicate_partner_count = fields.Integer("Duplicate Count", compute="_compute_duplicate_partner_ids")
    # normalised keys for duplicate detection (btree indexes, see init())
    crm_name_key = fields.Char("Company Name Key", **_KEY_FIELD)
    crm_city_key = fields.Char("City Key", **_KEY_FIELD)
    crm_vat_key = fields.Char("Tax ID Key", index="btree_not_null", **_KEY_FIELD)
    crm_phone_key = fields.Char("Phone Key", index="btree_not_null", **_KEY_FIELD)
    crm_mobile_key = fields.Char("Mobile Key", index="btree_not_null", **_KEY_FIELD)

    last_reminder_date = fields.Date(
        "Last Follow-up Reminder", readonly=True, copy=False, help="Last time a follow-up activity was created."
    )

    # ---- CONTRACTS of the account (crm_extended contracts) ----
    contract_ids = fields.One2many("crm.contract", "partner_id")
    contract_count = fields.Integer(compute="_compute_contract_figures")
    contract_amount_yearly = fields.Monetary(
        "Active Contracts Yearly Value",
        compute="_compute_contract_figures",
        currency_field="contract_currency_id",
        help="Yearly recurring value of the account's active contracts, in the company currency.",
    )
    contract_currency_id = fields.Many2one("res.currency", compute="_compute_contract_figures")
    customer_since = fields.Date(
        compute="_compute_customer_since",
        store=True,
        help="Start of the account's first signed contract (drafts and cancelled contracts do not count).",
    )

    @api.depends("contract_ids.date_start", "contract_ids.state")
    def _compute_customer_since(self):
        # the stored dates first, in one query: the ORM then writes back only the dates that change
        # (a cron ending or renewing the contracts of many customers changes the first start of few)
        self.browse(partner_id for partner_id in self._ids if partner_id).fetch(["customer_since"])
        first_starts = dict(
            self.env["crm.contract"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("state", "not in", ("draft", "cancelled"))],
                ["partner_id"],
                ["date_start:min"],
            )
        )
        for partner in self:
            partner.customer_since = first_starts.get(partner._origin, False)

    def _compute_contract_figures(self):
        # an account without contracts (or a user who may not see them) gets no currency: its smart
        # button is hidden, and neither the company nor its currency has to be read for the form
        if not self.env["crm.contract"].has_access("read"):
            self.contract_count = 0
            self.contract_amount_yearly = 0.0
            self.contract_currency_id = False
            return
        company = self.env.company
        # one grouped query: every contract counts, only the active ones' yearly value adds up
        counts = defaultdict(int)
        yearly = defaultdict(float)
        today = None
        for partner, state, currency, count, amount in self.env["crm.contract"]._read_group(
            [("partner_id", "in", self.ids)],
            ["partner_id", "state", "currency_id"],
            ["__count", "amount_yearly:sum"],
        ):
            counts[partner] += count
            if state == "active":
                today = today or fields.Date.context_today(self)
                yearly[partner] += currency._convert(amount, company.currency_id, company, today)
        for partner in self:
            count = counts.get(partner._origin, 0)
            partner.contract_count = count
            partner.contract_currency_id = company.currency_id if count else False
            partner.contract_amount_yearly = yearly.get(partner._origin, 0.0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_contracts(self):
        with_contracts = self.env["crm.contract"].sudo()._read_group([("partner_id", "in", self.ids)], ["partner_id"])
        if with_contracts:
            raise UserError(
                self.env._(
                    "You cannot delete %(partners)s: they have contracts, which are the customer's history. "
                    "Archive them instead.",
                    partners=", ".join(partner.sudo().display_name for (partner,) in with_contracts),
                )
            )

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.crm_contract_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _crm_standardise_group_key(self):
        return self.company_id, self.country_id or self.parent_id.country_id

    def _crm_invalidate_duplicates(self):
        # duplicates are a relation between records: a saved partner changes the others'
        self.invalidate_model(["duplicate_partner_ids", "duplicate_partner_count"])

    # ---- SEGMENTS, TIERS, FOLLOW-UP, DUPLICATES (crm_extended accounts) ----
    # (column of the account, column of the other partner) compared for duplicates
    _crm_duplicate_key_pairs = tuple(
        (src_col, dup_col) for columns in DUPLICATE_KEY_KINDS.values() for src_col in columns for dup_col in columns
    )

    def init(self):
        result = super().init()
        # email_normalized only has a trigram index: equality joins want a btree one
        create_index(
            self.env.cr,
            "res_partner_crm_email_normalized_index",
            self._table,
            ["email_normalized"],
            where="email_normalized IS NOT NULL",
        )
        create_index(
            self.env.cr,
            "res_partner_crm_name_city_key_index",
            self._table,
            ["crm_name_key", "crm_city_key"],
            where="crm_name_key IS NOT NULL",
        )
        return result

    @api.depends("name", "is_company", "city", "vat", "phone", "mobile", "country_id", "company_id")
    def _compute_crm_keys(self):
        default_country = self.env.company.country_id
        for partner in self:
            country = partner.country_id or partner.company_id.country_id or default_country
            partner.update(
                partner_keys(
                    partner.name, partner.is_company, partner.city, partner.vat, partner.phone, partner.mobile, country
                )
            )

    @api.depends("customer_tier", "parent_id")
    def _compute_contact_cadence_days(self):
        cadences = {}  # (company, tier) -> days: read once per batch, not per partner
        for partner in self:
            if partner.parent_id:
                partner.contact_cadence_days = 0
                continue
            key = (partner.company_id or self.env.company, partner.customer_tier)
            if key not in cadences:
                cadences[key] = key[0].sudo()._crm_cadence_days_for_tier(key[1])
            partner.contact_cadence_days = cadences[key]

    @api.depends("last_contact_date", "contact_cadence_days", "parent_id")
    def _compute_next_contact_date(self):
        # mirrored in SQL by _crm_compute_customer_tiers and _crm_update_last_contact_dates
        for partner in self:
            if partner.parent_id or partner.contact_cadence_days <= 0:
                partner.next_contact_date = False
                continue
            start = partner.last_contact_date or (partner.create_date or fields.Datetime.now()).date()
            partner.next_contact_date = start + timedelta(days=partner.contact_cadence_days)

    @api.depends("next_contact_date")
    def _compute_contact_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.contact_overdue = bool(partner.next_contact_date) and partner.next_contact_date <= today

    def _search_contact_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Follow-up Due: %(operator)s", operator=operator))
        today = fields.Date.context_today(self)
        if (operator == "=") == bool(value):
            return [("next_contact_date", "<=", today)]
        return ["|", ("next_contact_date", "=", False), ("next_contact_date", ">", today)]

    def _crm_duplicate_pairs_query(self):
        """SQL giving (partner_id, duplicate_id) rows of all active partners, in both directions.

        One index-friendly equality join per normalised key, in the companies the user
        works in; contacts of the same commercial entity are not duplicates of each other.
        The same matches for a few given partners (a form, a page): :meth:`_crm_duplicates_of`.
        """
        src_filter = SQL("src.active")
        branches = [
            SQL(
                "SELECT src.id AS partner_id, dup.id AS duplicate_id FROM res_partner src "
                "JOIN res_partner dup ON dup.%s = src.%s WHERE %s AND src.%s IS NOT NULL",
                SQL.identifier(dup_col),
                SQL.identifier(src_col),
                src_filter,
                SQL.identifier(src_col),
            )
            for src_col, dup_col in self._crm_duplicate_key_pairs
        ]
        branches.append(
            SQL(
                "SELECT src.id AS partner_id, dup.id AS duplicate_id FROM res_partner src "
                "JOIN res_partner dup ON dup.crm_name_key = src.crm_name_key AND dup.crm_city_key = src.crm_city_key "
                "WHERE %s AND src.crm_name_key IS NOT NULL AND src.crm_city_key IS NOT NULL",
                src_filter,
            )
        )
        return SQL(
            """
            SELECT pairs.partner_id, pairs.duplicate_id
              FROM (%(branches)s) pairs
              JOIN res_partner src ON src.id = pairs.partner_id
              JOIN res_partner dup ON dup.id = pairs.duplicate_id
             WHERE dup.id != src.id
               AND dup.active
               AND COALESCE(dup.commercial_partner_id, dup.id) != COALESCE(src.commercial_partner_id, src.id)
               AND (dup.company_id IS NULL OR dup.company_id = ANY(%(company_ids)s))
            """,
            branches=SQL(" UNION ").join(branches),
            company_ids=self.env.companies.ids,
        )

    def _crm_flush_duplicate_keys(self):
        self.flush_model(["active", "company_id", "commercial_partner_id", "email_normalized", *CRM_KEY_FIELDS])

    @api.model
    def _crm_duplicate_keys(self, values):
        """The keys ``(kind, value)`` a partner of ``values`` (its DUPLICATE_KEY_COLUMNS) shares with
        its duplicates: one per filled column of DUPLICATE_KEY_KINDS, and its name in its city."""
        keys = {(kind, values[column]) for kind, columns in DUPLICATE_KEY_KINDS.items() for column in columns}
        name, city = values["crm_name_key"], values["crm_city_key"]
        keys.add(("name", name and city and (name, city)))
        return {key for key in keys if key[1]}

    @api.model
    def _crm_partners_sharing_keys(self, keys):
        """Rows ``(id, commercial entity id, *DUPLICATE_KEY_COLUMNS)`` of the active partners, in the
        companies the user works in, that have one of ``keys`` (see :meth:`_crm_duplicate_keys`).

        One query, each condition on its index, a kind of key nobody has left out, the company
        filtered here: the query of a form is planned in a fraction of a millisecond."""
        values = defaultdict(list)
        for kind, value in keys:
            values[kind].append(value)

        def equals(column, kind_values):
            if len(kind_values) == 1:
                return SQL("%s = %s", SQL.identifier(column), kind_values[0])
            return SQL("%s = ANY(%s)", SQL.identifier(column), kind_values)

        conditions = [
            equals(column, values[kind])
            for kind, columns in DUPLICATE_KEY_KINDS.items()
            if values[kind]
            for column in columns
        ]
        if values["name"]:
            names, cities = (list(set(parts)) for parts in zip(*values["name"]))
            conditions.append(SQL("(%s AND %s)", equals("crm_name_key", names), equals("crm_city_key", cities)))
        if not conditions:
            return []
        self._crm_flush_duplicate_keys()
        rows = self.env.execute_query(
            SQL(
                "SELECT company_id, id, COALESCE(commercial_partner_id, id), %s FROM res_partner WHERE active AND (%s)",
                SQL(", ").join(SQL.identifier(column) for column in DUPLICATE_KEY_COLUMNS),
                SQL(" OR ").join(conditions),
            )
        )
        company_ids = set(self.env.companies.ids)
        return [row[1:] for row in rows if row[0] is None or row[0] in company_ids]

    def _crm_duplicates_of(self):
        """``{partner id: set of duplicate ids}`` of the saved partners ``self``, whatever the user may
        read: the matches of :meth:`_crm_duplicate_pairs_query`, from the stored keys of the partners.
        The partners sharing one of them are found with one query, then matched to each partner."""
        origins = self.browse(partner._origin.id for partner in self if partner._origin.id)
        keys_of = {
            origin.id: self._crm_duplicate_keys({fname: origin[fname] for fname in DUPLICATE_KEY_COLUMNS})
            for origin in origins
        }
        rows = self._crm_partners_sharing_keys(set().union(*keys_of.values()))
        found_by_key = defaultdict(list)
        for dup_id, commercial_id, *dup_keys in rows:
            for key in self._crm_duplicate_keys(dict(zip(DUPLICATE_KEY_COLUMNS, dup_keys, strict=True))):
                found_by_key[key].append((dup_id, commercial_id))
        return {
            origin.id: {
                dup_id
                for key in keys_of[origin.id]
                for dup_id, dup_commercial_id in found_by_key.get(key, ())
                if dup_id != origin.id and dup_commercial_id != (origin.commercial_partner_id.id or origin.id)
            }
            for origin in origins
        }

    # the keys are dependencies: they are read with the partner's other fields (a form's first query)
    @api.depends("commercial_partner_id", *DUPLICATE_KEY_COLUMNS)
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_duplicate_partner_ids(self):
        candidates = self._crm_duplicates_of()
        # hide what the user may not read (record rules); nothing to check when nothing is found
        all_ids = set().union(*candidates.values())
        readable = set(self.browse(all_ids)._filtered_access("read")._ids) if all_ids else set()
        duplicates = {origin_id: sorted(readable & dup_ids) for origin_id, dup_ids in candidates.items()}
        for partner in self:
            dup_ids = duplicates.get(partner._origin.id, [])
            partner.duplicate_partner_ids = [Command.set(dup_ids)]
            partner.duplicate_partner_count = len(dup_ids)

    def _search_duplicate_partner_ids(self, operator, value):
        self._crm_flush_duplicate_keys()
        if operator in ("=", "!=") and not value:
            subquery = SQL("(SELECT d.partner_id FROM (%s) d)", self._crm_duplicate_pairs_query())
            return [("id", "in" if operator == "!=" else "not in", subquery)]
        if operator == "in" or (operator == "=" and isinstance(value, int)):
            ids = [value] if isinstance(value, int) else [pid for pid in value if isinstance(pid, int)]
            # the keys of the given partners, even those the user may not read (the domain's rules apply
            # to the duplicates found)
            duplicates = self.sudo().browse(ids).exists()._crm_duplicates_of()
            return [("id", "in", sorted(set().union(*duplicates.values())))]
        raise UserError(self.env._("Unsupported search on Possible Duplicates: %(operator)s", operator=operator))

    def action_merge_duplicates(self):
        """Open Odoo's partner merge wizard with this account and its possible duplicates."""
        self.ensure_one()
        self.check_access("write")
        if not self.env.user.has_group("base.group_partner_manager"):
            raise AccessError(self.env._("Only users allowed to create contacts can merge them."))
        partners = self | self.duplicate_partner_ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Contacts"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids, "active_id": self.id},
        }

    @api.model
    def _crm_cadence_sql(self, tier, company_alias):
        """SQL of the default cadence of ``tier`` (an SQL expression) in the company ``company_alias``."""
        return SQL(
            "(CASE %(tier)s WHEN 'A' THEN %(co)s.crm_cadence_days_a WHEN 'B' THEN %(co)s.crm_cadence_days_b "
            "ELSE %(co)s.crm_cadence_days_c END)",
            tier=tier,
            co=SQL.identifier(company_alias),
        )

    @api.model
    def _crm_account_value_query(self, now):
        """SQL of (account_id, amount): the value of each account with a positive value at ``now``.

        Yearly value of the active contracts, converted to the contract company's currency at the
        latest rate, plus the expected revenue of the opportunities won in the last 12 months;
        contacts count for their commercial entity.
        """

        def rate(currency, company):
            return SQL(
                "COALESCE((SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = %(currency)s "
                "AND (r.company_id = %(company)s OR r.company_id IS NULL) AND r.name <= %(today)s "
                "ORDER BY r.company_id IS NULL, r.name DESC LIMIT 1), 1.0)",
                currency=currency,
                company=company,
                today=now.date(),
            )

        return SQL(
            """
            SELECT v.account_id, SUM(v.amount) AS amount
              FROM (
                    SELECT COALESCE(p.commercial_partner_id, p.id) AS account_id,
                           CASE WHEN c.currency_id = co.currency_id THEN c.amount_yearly
                                ELSE c.amount_yearly * %(company_rate)s / NULLIF(%(contract_rate)s, 0)
                           END AS amount
                      FROM crm_contract c
                      JOIN res_company co ON co.id = c.company_id
                      JOIN res_partner p ON p.id = c.partner_id
                     WHERE c.state = 'active'
                    UNION ALL
                    SELECT COALESCE(p.commercial_partner_id, p.id), l.expected_revenue
                      FROM crm_lead l
                      JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                      JOIN res_partner p ON p.id = l.partner_id
                     WHERE l.active AND l.date_closed > %(since)s AND l.date_closed <= %(now)s
                   ) v
             GROUP BY v.account_id
            HAVING SUM(v.amount) > 0
            """,
            company_rate=rate(SQL("co.currency_id"), SQL("co.id")),
            contract_rate=rate(SQL("c.currency_id"), SQL("co.id")),
            since=now - relativedelta(months=12),
            now=now,
        )

    @api.model
    def _crm_compute_customer_tiers(self):
        """Recompute ``customer_tier`` of every account by Pareto over its value, in one statement.

        An account's value is the yearly value of its active contracts plus the expected revenue
        of its opportunities won in the last 12 months (contacts count for their commercial
        entity). Accounts are ranked by value per company (accounts shared between companies
        count in the current company); an account is A while the value of the accounts before it
        is under the A share of the total, B under A + B shares, else C. Accounts without value
        get no tier. The cadence follows the tier unless it was changed by hand. Idempotent: only
        rows whose tier changes are written.

        :return: number of accounts whose tier changed
        """
        self.env.flush_all()
        now = fields.Datetime.now()
        new_cadence = SQL(
            "(CASE WHEN p.parent_id IS NOT NULL THEN p.contact_cadence_days "
            "WHEN p.contact_cadence_days IS NULL OR p.contact_cadence_days = %(old_default)s THEN %(new_default)s "
            "ELSE p.contact_cadence_days END)",
            old_default=self._crm_cadence_sql(SQL("p.customer_tier"), "co"),
            new_default=self._crm_cadence_sql(SQL("changes.new_tier"), "co"),
        )
        query = SQL(
            """
            WITH account_value AS (%(account_value)s), ranked AS (
                SELECT av.account_id,
                       COALESCE(a.company_id, %(company_id)s) AS company_id,
                       SUM(av.amount) OVER (
                           PARTITION BY COALESCE(a.company_id, %(company_id)s)
                           ORDER BY av.amount DESC, av.account_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                       ) - av.amount AS value_before,
                       SUM(av.amount) OVER (PARTITION BY COALESCE(a.company_id, %(company_id)s)) AS value_total
                  FROM account_value av
                  JOIN res_partner a ON a.id = av.account_id AND a.active
            ), tiers AS (
                SELECT r.account_id,
                       CASE WHEN r.value_before < r.value_total * tco.crm_tier_a_percent / 100 THEN 'A'
                            WHEN r.value_before < r.value_total * (tco.crm_tier_a_percent + tco.crm_tier_b_percent) / 100
                            THEN 'B'
                            ELSE 'C'
                       END AS tier
                  FROM ranked r
                  JOIN res_company tco ON tco.id = r.company_id
            ), changes AS (
                SELECT COALESCE(t.account_id, old.id) AS id, t.tier AS new_tier
                  FROM tiers t
                  FULL JOIN (SELECT id, customer_tier FROM res_partner WHERE customer_tier IS NOT NULL) old
                    ON old.id = t.account_id
                 WHERE old.customer_tier IS DISTINCT FROM t.tier
            )
            UPDATE res_partner p
               SET customer_tier = changes.new_tier,
                   contact_cadence_days = %(new_cadence)s,
                   next_contact_date = CASE WHEN p.parent_id IS NULL AND %(new_cadence)s > 0
                                            THEN COALESCE(p.last_contact_date, p.create_date::date) + %(new_cadence)s
                                       END
              FROM changes, res_company co
             WHERE p.id = changes.id AND co.id = COALESCE(p.company_id, %(company_id)s)
            RETURNING p.id
            """,
            account_value=self._crm_account_value_query(now),
            company_id=self.env.company.id,
            new_cadence=new_cadence,
        )
        changed = self.env.execute_query(query)
        self.invalidate_model(["customer_tier", "contact_cadence_days", "next_contact_date", "contact_overdue"])
        _logger.info("Customer tiers recomputed: %s account(s) changed tier", len(changed))
        return len(changed)

    @api.model
    def _crm_update_last_contact_dates(self):
        """Set ``last_contact_date`` (and the next one) of every account from its contacts, in one statement.

        A contact is a done activity (meeting, call, ...: a message of subtype Activities), a sent or
        received e-mail, or a past meeting with the account, one of its contacts or one of its
        opportunities. Idempotent: only accounts whose date changes are written.

        :return: number of accounts updated
        """
        self.env.flush_all()
        subtype_activities = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities")
        subtype_comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        message_filter = SQL(
            "m.date <= %(now)s AND (m.subtype_id = %(activities)s OR m.message_type = 'email' "
            "OR (m.subtype_id = %(comment)s AND m.message_type IN ('comment', 'email_outgoing')))",
            now=fields.Datetime.now(),
            activities=subtype_activities,
            comment=subtype_comment,
        )
        query = SQL(
            """
            WITH contacts AS (
                SELECT COALESCE(p.commercial_partner_id, p.id) AS account_id, m.date AS contact_date
                  FROM mail_message m
                  JOIN res_partner p ON p.id = m.res_id
                 WHERE m.model = 'res.partner' AND %(message_filter)s
                UNION ALL
                SELECT COALESCE(p.commercial_partner_id, p.id), m.date
                  FROM mail_message m
                  JOIN crm_lead l ON l.id = m.res_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE m.model = 'crm.lead' AND %(message_filter)s
                UNION ALL
                SELECT COALESCE(p.commercial_partner_id, p.id), e.start
                  FROM calendar_event e
                  JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                  JOIN res_partner p ON p.id = r.res_partner_id
                 WHERE e.active AND e.start <= %(now)s
                   AND NOT EXISTS (SELECT 1 FROM res_users u WHERE u.partner_id = p.id)
                UNION ALL
                SELECT COALESCE(p.commercial_partner_id, p.id), e.start
                  FROM calendar_event e
                  JOIN crm_lead l ON l.id = e.opportunity_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE e.active AND e.start <= %(now)s
            ), last_contact AS (
                SELECT account_id, MAX(contact_date)::date AS contact_date FROM contacts GROUP BY account_id
            )
            UPDATE res_partner p
               SET last_contact_date = last_contact.contact_date,
                   next_contact_date = CASE WHEN p.parent_id IS NULL AND p.contact_cadence_days > 0
                                            THEN last_contact.contact_date + p.contact_cadence_days
                                       END
              FROM last_contact
             WHERE p.id = last_contact.account_id
               AND p.last_contact_date IS DISTINCT FROM last_contact.contact_date
            RETURNING p.id
            """,
            message_filter=message_filter,
            now=fields.Datetime.now(),
        )
        changed = self.env.execute_query(query)
        self.invalidate_model(["last_contact_date", "next_contact_date", "contact_overdue"])
        return len(changed)

    @api.model
    def _crm_create_follow_up_activities(self):
        """Give each account due for a contact one open "Follow up" activity for its salesperson.

        Accounts that already have an open one get none. Rows are claimed with
        ``FOR NO KEY UPDATE SKIP LOCKED`` and stamped (``last_reminder_date``), so that two
        workers running at once never remind the same account twice: the second one skips
        locked rows, or fails to serialise and is retried. Safe to run twice a day.

        Set-based, as the claim: one statement claims the accounts and inserts their activities
        with the values ``mail.activity.create`` would store (the account's display name as
        document name — its stored ``complete_name``, accounts being named without address or
        e-mail —, the salesperson's time zone, the translated summary); a second one makes each
        salesperson follow his accounts, and each salesperson is told of his new activities, as
        ``create`` does (``tools.mail_sql.insert_activities``, shared with the contract cron). The
        salesperson is not e-mailed for each activity (as with ``mail_activity_quick_update``): he
        finds them in his activities.
        The ORM ``create`` of tens of thousands of activities costs several times the whole SQL.

        :return: the activities created
        """
        activity_type = self.env.ref("crm_extended.mail_activity_type_crm_follow_up", raise_if_not_found=False)
        if not activity_type:
            return self.env["mail.activity"]
        self.env.flush_all()
        today = fields.Date.context_today(self)
        placeholder = "%(account)s"
        claim = SQL(
            """
            WITH due AS (
                SELECT p.id
                  FROM res_partner p
                  JOIN res_users u ON u.id = p.user_id AND u.active
                 WHERE p.active AND p.parent_id IS NULL AND p.next_contact_date <= %(today)s
                   AND (p.company_id IS NULL OR EXISTS (
                        SELECT 1 FROM res_company_users_rel cu WHERE cu.user_id = p.user_id AND cu.cid = p.company_id
                   ))
                   AND NOT EXISTS (
                        SELECT 1 FROM mail_activity a
                         WHERE a.res_model = 'res.partner' AND a.res_id = p.id
                           AND a.activity_type_id = %(type_id)s AND a.active
                   )
                 ORDER BY p.id
                   FOR NO KEY UPDATE OF p SKIP LOCKED
            ), claimed AS (
                UPDATE res_partner p SET last_reminder_date = %(today)s
                  FROM due WHERE p.id = due.id
                RETURNING p.id, p.user_id, p.name, p.complete_name
            )
            """,
            today=today,
            type_id=activity_type.id,
        )
        activities = SQL(
            """
            SELECT c.id, COALESCE(c.complete_name, c.name), c.user_id, %(today)s::date,
                   replace(%(summary)s, %(placeholder)s, COALESCE(c.name, ''))
              FROM claimed c
            """,
            today=today,
            # the translated summary, its account name filled in by the statement
            summary=self.env._("Follow up with %(account)s", account=placeholder),
            placeholder=placeholder,
        )
        rows = insert_activities(self.env, self._name, activity_type, activities, with_clause=claim)
        self.invalidate_model()
        if not rows:
            return self.env["mail.activity"]
        _logger.info("Follow-up reminders: %s activities created", len(rows))
        return self.env["mail.activity"].browse(activity_id for activity_id, _partner_id, _user_id in rows)

    @api.model
    def _cron_crm_customer_tiers(self):
        self._crm_compute_customer_tiers()

    @api.model
    def _cron_crm_follow_up_reminders(self):
        self._crm_update_last_contact_dates()
        self._crm_create_follow_up_activities()
