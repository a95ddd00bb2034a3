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

    def _get_recipients(self):
        """The recipients of a marketing list's mailing in id order. Sending needs no order, and the
        default one of contacts (``complete_name``) sorts the whole list, on disk for 100k members.
        A/B tests draw their sample from Odoo's own code."""
        if not self.crm_marketing_list_id or (self.ab_testing_enabled and not self.ab_testing_is_winner_mailing):
            return super()._get_recipients()
        return self.env[self.mailing_model_real].search(self._get_recipients_domain(), order="id").ids
