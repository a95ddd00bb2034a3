from odoo import http
from odoo.http import request

from odoo.addons.crm_extended.tools import XLSX_MIMETYPE


class CompetitorAnalysisController(http.Controller):
    @http.route("/crm_competitors/analysis.xlsx", type="http", auth="user", methods=["GET"])
    def competitive_analysis_xlsx(self, ids="", **kwargs):
        """Stream the competitive analysis of the competitors ``ids`` (comma separated)."""
        try:
            competitor_ids = [int(cid) for cid in ids.split(",") if cid.strip()]
        except ValueError:
            raise request.not_found() from None
        competitors = request.env["crm.competitor"].browse(competitor_ids).exists()
        if not competitors:
            raise request.not_found()
        # Raises AccessError (403) when one of them may not be read by the user.
        competitors.check_access("read")
        content = competitors._get_analysis_xlsx()
        filename = request.env._("Competitive Analysis") + ".xlsx"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )
