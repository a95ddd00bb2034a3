from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import content_disposition, request

from odoo.addons.crm_extended.tools import XLSX_MIMETYPE


class CrmMarketingListController(http.Controller):
    @http.route("/crm_marketing_lists/export/<int:list_id>", type="http", auth="user", methods=["GET"])
    def export_members(self, list_id):
        """Download the reachable members of a marketing list the user may read, as .xlsx."""
        marketing_list = request.env["crm.marketing.list"].browse(list_id).exists()
        if not marketing_list:
            raise NotFound()
        filename, content = marketing_list._export_members_xlsx()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
