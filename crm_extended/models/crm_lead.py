from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"
