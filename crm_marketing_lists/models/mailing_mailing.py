from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    crm_marketing_list_id = fields.Many2one(
        "crm.marketing.list",
        string="Marketing List",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The CRM marketing list whose reachable members receive this mailing.",
    )
