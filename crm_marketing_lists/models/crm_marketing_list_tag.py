from random import randint

from odoo import fields, models


class CrmMarketingListTag(models.Model):
    _name = "crm.marketing.list.tag"
    _description = "Marketing List Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A marketing list tag with this name already exists."),
    ]
