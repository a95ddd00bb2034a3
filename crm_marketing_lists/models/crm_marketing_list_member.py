from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from .crm_marketing_list import MEMBER_RELATIONS

LIST_USER_GROUPS = "sales_team.group_sale_salesman,mass_mailing.group_mass_mailing_user"


class CrmMarketingListMember(models.AbstractModel):
    """The lists a contact or a lead belongs to, computed and searched from the relation tables."""

    _name = "crm.marketing.list.member.mixin"
    _description = "Marketing List Member"

    marketing_list_ids = fields.Many2many(
        "crm.marketing.list",
        string="Marketing Lists",
        compute="_compute_marketing_list_ids",
        search="_search_marketing_list_ids",
        groups=LIST_USER_GROUPS,
    )
    marketing_list_effective_ids = fields.Many2many(
        "crm.marketing.list",
        string="Reachable in Marketing Lists",
        compute="_compute_marketing_list_effective_ids",
        search="_search_marketing_list_effective_ids",
        groups=LIST_USER_GROUPS,
        help="The marketing lists that send to this record: suppression lists and consent are applied.",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_marketing_list_ids(self):
        rel, column, _fname = MEMBER_RELATIONS[self._name]
        member_ids = tuple(self._origin.ids)
        lists_by_member = defaultdict(list)
        if member_ids:
            self.env.flush_all()
            rows = self.env.execute_query(
                SQL(
                    "SELECT %s, list_id FROM %s WHERE %s IN %s",
                    SQL.identifier(column),
                    SQL.identifier(rel),
                    SQL.identifier(column),
                    member_ids,
                )
            )
            readable = set(self.env["crm.marketing.list"].browse({row[1] for row in rows})._filtered_access("read").ids)
            for member_id, list_id in rows:
                if list_id in readable:
                    lists_by_member[member_id].append(list_id)
        for record in self:
            record.marketing_list_ids = lists_by_member[record._origin.id]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_marketing_list_effective_ids(self):
        rel, column, _fname = MEMBER_RELATIONS[self._name]
        member_ids = tuple(self._origin.ids)
        lists_by_member = defaultdict(list)
        if member_ids:
            self.env.flush_all()
            list_ids = self.env.execute_query(
                SQL(
                    "SELECT DISTINCT list_id FROM %s WHERE %s IN %s",
                    SQL.identifier(rel),
                    SQL.identifier(column),
                    member_ids,
                )
            )
            lists = self.env["crm.marketing.list"].browse([row[0] for row in list_ids])._filtered_access("read")
            rows = self.env.execute_query(
                SQL(
                    "SELECT member_id, list_id FROM (%s) e WHERE member_id IN %s",
                    lists._members_sql(self._name, effective=True, visible=False),
                    member_ids,
                )
            )
            for member_id, list_id in rows:
                lists_by_member[member_id].append(list_id)
        for record in self:
            record.marketing_list_effective_ids = lists_by_member[record._origin.id]

    def _search_marketing_list_ids(self, operator, value):
        return self._search_marketing_lists(operator, value, effective=False)

    def _search_marketing_list_effective_ids(self, operator, value):
        return self._search_marketing_lists(operator, value, effective=True)

    def _search_marketing_lists(self, operator, value, effective):
        if operator not in ("in", "not in", "=", "!="):
            raise UserError(self.env._("Marketing lists can only be searched with 'in', 'not in', '=' or '!='."))
        rel, column, _fname = MEMBER_RELATIONS[self._name]
        positive = operator in ("in", "=")
        if value is False or value is None:
            # "in no list" / "in some list"
            any_list = SQL("(SELECT %s FROM %s)", SQL.identifier(column), SQL.identifier(rel))
            return [("id", "not in" if positive else "in", any_list)]
        values = value if isinstance(value, (list, tuple)) else [value]
        lists = self.env["crm.marketing.list"]
        names = [item for item in values if isinstance(item, str)]
        if names:
            lists |= lists.search([("name", "in", names)])
        lists |= lists.browse([item for item in values if isinstance(item, int)])
        lists = lists.exists()._filtered_access("read").filtered(lambda mlist: mlist.member_model == self._name)
        self.env.flush_all()
        if effective and positive:
            # conditions on the member table itself: the search scans it once, its record rules included
            domains = [
                group._effective_member_domain(self._name, check_consent)
                for check_consent, group in lists._split_by_consent()
            ]
            return expression.OR(domains) if domains else expression.FALSE_DOMAIN
        if effective:
            members = SQL(
                "(SELECT member_id FROM (%s) e)", lists._members_sql(self._name, effective=True, visible=False)
            )
        else:
            members = SQL(
                "(SELECT %s FROM %s WHERE list_id IN %s)",
                SQL.identifier(column),
                SQL.identifier(rel),
                tuple(lists.ids) or (None,),
            )
        return [("id", "in" if positive else "not in", members)]
