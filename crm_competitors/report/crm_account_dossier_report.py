from odoo import api, models


class ReportCrmAccountDossier(models.AbstractModel):
    _inherit = "report.crm_extended.report_account_dossier"

    @api.model
    def _get_dossier(self, partner):
        """Add the competitors seen on the account: on its opportunities, or working with it."""
        dossier = super()._get_dossier(partner)
        leads = dossier["open_leads"] | dossier["won_leads"] | dossier["lost_leads"]
        account = dossier["account"]
        partners_competitors = (account | account.child_ids).competitor_ids
        rows = []
        for competitor in (leads.competitor_ids | partners_competitors).sorted("name"):
            deals = leads.filtered(lambda lead, c=competitor: c in lead.competitor_ids)
            rows.append(
                {
                    "competitor": competitor,
                    "works_with": competitor in partners_competitors,
                    "open": len(deals & dossier["open_leads"]),
                    "won": len(deals & dossier["won_leads"]),
                    "lost": len(
                        (deals & dossier["lost_leads"]).filtered(
                            lambda lead, c=competitor: lead.lost_competitor_id in (c, self.env["crm.competitor"])
                        )
                    ),
                }
            )
        dossier["competitors"] = rows
        return dossier
