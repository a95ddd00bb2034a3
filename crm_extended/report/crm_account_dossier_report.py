from odoo import api, models
from odoo.exceptions import RedirectWarning


class ReportCrmAccountDossier(models.AbstractModel):
    _name = "report.crm_extended.report_account_dossier"
    _description = "Account Dossier Report"

    _dossier_message_limit = 15
    _dossier_material_limit = 20
    # past this many rows (contacts, contracts, opportunities) a PDF is no longer a read:
    # the user is sent to the opportunities' list, whose export gives an .xlsx
    _dossier_row_limit = 5000

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["res.partner"].browse(docids)
        # printing is reading: refuse accounts the user may not read (ACL and record rules)
        docs.check_access("read")
        return {
            "doc_ids": docs.ids,
            "doc_model": "res.partner",
            "docs": docs,
            "dossiers": {doc.id: self._get_dossier(doc) for doc in docs},
            "labels": self._get_labels(),
        }

    @api.model
    def _get_labels(self):
        def selection(model, fname):
            return dict(self.env[model]._fields[fname]._description_selection(self.env))

        return {
            "relationship_type": selection("res.partner", "relationship_type"),
            "potential": selection("res.partner", "potential"),
            "contract_state": selection("crm.contract", "state"),
        }

    @api.model
    def _get_dossier(self, partner):
        """Everything the dossier shows about the account of ``partner``, read as the current user.

        Record rules apply: a salesman's dossier lists only the contracts, opportunities,
        messages and materials he may read.
        """
        account = partner.commercial_partner_id
        family_ids = [account.id, *account.child_ids.ids]
        contracts = self.env["crm.contract"].search([("partner_id", "in", family_ids)], order="date_start, id")
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("partner_id", "in", family_ids), ("type", "=", "opportunity")], order="create_date desc, id desc")
        )
        won = leads.filtered(lambda lead: lead.active and lead.stage_id.is_won)
        lost = leads.filtered(lambda lead: not lead.active and lead.probability == 0)
        open_leads = leads.filtered(lambda lead: lead.active and not lead.stage_id.is_won)
        subtype_ids = [
            self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_activities"),
            self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
        ]
        messages = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", family_ids),
                "&",
                ("model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                "|",
                ("subtype_id", "in", subtype_ids),
                ("message_type", "=", "email"),
            ],
            order="date desc, id desc",
            limit=self._dossier_message_limit,
        )
        materials = self.env["crm.sales.material.usage"].search(
            ["|", ("partner_id", "in", family_ids), ("lead_id", "in", leads.ids)],
            order="date desc, id desc",
            limit=self._dossier_material_limit,
        )
        contacts = account.child_ids.filtered(lambda child: child.type == "contact")
        rows = len(contacts) + len(contracts) + len(leads)
        if rows > self._dossier_row_limit:
            action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
            action["domain"] = [("partner_id", "in", family_ids)]
            action["context"] = {"active_test": False}
            raise RedirectWarning(
                self.env._(
                    "The dossier of %(account)s would list %(rows)s rows, too many for a PDF (%(limit)s at most). "
                    "Open its opportunities and export them as .xlsx (select them, then Actions > Export).",
                    account=account.display_name,
                    rows=rows,
                    limit=self._dossier_row_limit,
                ),
                action,
                self.env._("Open the opportunities"),
            )
        return {
            "account": account,
            "contacts": contacts,
            "contracts": contracts,
            "open_leads": open_leads,
            "won_leads": won,
            "lost_leads": lost,
            "messages": messages,
            "planned_activities": self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "in", family_ids)], order="date_deadline"
            ),
            "materials": materials,
        }
