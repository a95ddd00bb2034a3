from odoo import api, models


class ReportCrmCompetitorBattlecard(models.AbstractModel):
    _name = "report.crm_competitors.report_battlecard"
    _description = "Competitor Battlecard Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["crm.competitor"].browse(docids)
        # Refuse up front (not halfway through the rendering) competitors the user may not read.
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "crm.competitor", "docs": docs, "data": data}
