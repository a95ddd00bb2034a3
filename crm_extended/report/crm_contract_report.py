from odoo import api, models


class ReportCrmContract(models.AbstractModel):
    _name = "report.crm_extended.report_crm_contract"
    _description = "Contract Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["crm.contract"].browse(docids)
        # printing is reading: refuse contracts the user may not read (ACL and record rules)
        docs.check_access("read")
        return {
            "doc_ids": docs.ids,
            "doc_model": "crm.contract",
            "docs": docs,
            "interval_labels": dict(
                self.env["crm.contract.line"]._fields["recurring_interval"]._description_selection(self.env)
            ),
        }
