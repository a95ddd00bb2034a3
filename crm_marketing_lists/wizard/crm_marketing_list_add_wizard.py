from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.crm_marketing_list import MEMBER_MODELS
from ..tools.domain import parse_domain


class CrmMarketingListAddWizard(models.TransientModel):
    """Add records to (or remove them from) a static list: the selected ones, all those the
    current filter matches, or the members of another list. Always one set-based statement."""

    _name = "crm.marketing.list.add.wizard"
    _description = "Add to Marketing List"

    member_model = fields.Selection(MEMBER_MODELS, required=True, readonly=True)
    operation = fields.Selection([("add", "Add"), ("remove", "Remove")], required=True, default="add")
    scope = fields.Selection(
        [
            ("selected", "The selected records"),
            ("filter", "Every record the current filter matches"),
            ("list", "The members of another list"),
        ],
        required=True,
        default="selected",
    )
    list_id = fields.Many2one(
        "crm.marketing.list",
        string="Marketing List",
        required=True,
        domain="[('member_model', '=', member_model), ('list_type', '=', 'static'), ('locked', '=', False)]",
    )
    source_list_id = fields.Many2one(
        "crm.marketing.list",
        string="From List",
        domain="[('member_model', '=', member_model), ('id', '!=', list_id)]",
    )
    res_ids = fields.Json(string="Selected Records")
    filter_domain = fields.Char(default="[]")
    selected_count = fields.Integer(compute="_compute_counts")
    filter_count = fields.Integer(compute="_compute_counts")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        active_model = context.get("active_model")
        if active_model in dict(MEMBER_MODELS) and not values.get("member_model"):
            values["member_model"] = active_model
            values["res_ids"] = list(context.get("active_ids") or [])
            if context.get("active_domain") is not None:
                values["filter_domain"] = repr(context["active_domain"])
        return values

    @api.depends("member_model", "scope", "res_ids", "filter_domain")
    def _compute_counts(self):
        for wizard in self:
            wizard.selected_count = len(wizard.res_ids or [])
            wizard.filter_count = 0
            if wizard.member_model and wizard.scope != "list":
                domain = parse_domain(self.env, wizard.member_model, wizard.filter_domain)
                wizard.filter_count = self.env[wizard.member_model].search_count(domain)

    def action_apply(self):
        self.ensure_one()
        mlist = self.list_id
        if mlist.member_model != self.member_model:
            raise UserError(self.env._("The list %(name)s does not hold this kind of record.", name=mlist.name))
        if mlist.list_type != "static":
            raise UserError(
                self.env._(
                    "Members can only be added to or removed from a static list; %(name)s is dynamic.", name=mlist.name
                )
            )
        domain = self._get_scope_domain()
        if self.operation == "add":
            if self.scope == "selected":
                self._check_selected_companies(mlist)
            count = mlist._add_members_by_domain(domain, active_test=self.scope != "filter")
            message = self.env._("%(count)s members added to %(name)s.", count=count, name=mlist.name)
        else:
            count = mlist._remove_members_by_domain(domain)
            message = self.env._("%(count)s members removed from %(name)s.", count=count, name=mlist.name)
        if count:
            mlist.message_post(body=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _get_scope_domain(self):
        if self.scope == "selected":
            if not self.res_ids:
                raise UserError(self.env._("Select at least one record first."))
            return [("id", "in", [int(res_id) for res_id in self.res_ids])]
        if self.scope == "filter":
            return parse_domain(self.env, self.member_model, self.filter_domain)
        if not self.source_list_id:
            raise UserError(self.env._("Choose the list to take the members from."))
        if self.source_list_id.member_model != self.member_model:
            raise UserError(self.env._("Both lists must hold the same kind of records."))
        self.source_list_id.check_access("read")
        return [("marketing_list_ids", "in", [self.source_list_id.id])]

    def _check_selected_companies(self, mlist):
        if not mlist.company_id:
            return
        others = self.env[self.member_model].search_count(
            [
                ("id", "in", [int(res_id) for res_id in self.res_ids]),
                ("company_id", "not in", [False, mlist.company_id.id]),
            ]
        )
        if others:
            raise UserError(
                self.env._(
                    "%(count)s of the selected records belong to another company than the list %(name)s.",
                    count=others,
                    name=mlist.name,
                )
            )
