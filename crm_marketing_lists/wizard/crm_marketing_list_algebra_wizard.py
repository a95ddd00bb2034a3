from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmMarketingListAlgebraWizard(models.TransientModel):
    """Combine lists holding the same kind of members into a new static list."""

    _name = "crm.marketing.list.algebra.wizard"
    _description = "Combine Marketing Lists"

    operation = fields.Selection(
        [
            ("union", "Union: members of any of the lists"),
            ("intersection", "Intersection: members of all the lists"),
            ("difference", "Difference: members of the first list that are in none of the others"),
        ],
        required=True,
        default="union",
    )
    base_list_id = fields.Many2one("crm.marketing.list", string="First List", required=True)
    member_model = fields.Selection(related="base_list_id.member_model")
    other_list_ids = fields.Many2many(
        "crm.marketing.list",
        string="Other Lists",
        required=True,
        domain="[('member_model', '=', member_model), ('id', '!=', base_list_id)]",
    )
    name = fields.Char(
        "New List Name", compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )

    @api.depends("operation", "base_list_id", "other_list_ids")
    def _compute_name(self):
        symbols = {"union": "∪", "intersection": "∩", "difference": "−"}
        for wizard in self:
            names = [wizard.base_list_id.name or "", *wizard.other_list_ids.mapped("name")]
            wizard.name = f" {symbols[wizard.operation or 'union']} ".join(name for name in names if name)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.marketing.list":
            active_ids = self.env.context.get("active_ids") or []
            if active_ids and "base_list_id" in fields_list and not values.get("base_list_id"):
                values["base_list_id"] = active_ids[0]
                values["other_list_ids"] = [fields.Command.set(active_ids[1:])]
        return values

    def action_combine(self):
        self.ensure_one()
        if not self.other_list_ids:
            raise UserError(self.env._("Choose at least one other list."))
        if self.base_list_id in self.other_list_ids:
            raise UserError(self.env._("The first list cannot also be one of the other lists."))
        new_list = self.env["crm.marketing.list"]._create_from_algebra(
            self.operation, self.base_list_id, self.other_list_ids, self.name
        )
        return new_list._get_form_action()
