from odoo import fields, models


class CrmSpreadsheetImportLine(models.TransientModel):
    _name = "crm.spreadsheet.import.line"
    _description = "Spreadsheet import: dry-run row"
    _order = "row_number"

    wizard_id = fields.Many2one("crm.spreadsheet.import", required=True, ondelete="cascade", index=True)
    row_number = fields.Integer(
        string="Row", readonly=True, help="Row number in the spreadsheet (row 1 holds the headers)"
    )
    outcome = fields.Selection(
        [
            ("create", "Create"),
            ("update", "Update"),
            ("duplicate", "Duplicate in file"),
            ("error", "Error"),
        ],
        readonly=True,
    )
    name = fields.Char(readonly=True)
    contact_name = fields.Char(string="Contact", readonly=True)
    email = fields.Char(string="E-mail", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Existing account", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Existing lead", readonly=True)
    duplicate_of_row = fields.Integer(string="Same as row", readonly=True)
    error_columns = fields.Char(string="Columns in error", readonly=True)
    message = fields.Text(readonly=True)
    # standardised values to write: {"account": {...}, "contact": {...}} or {"lead": {...}}
    values = fields.Json(readonly=True)
    # the row as read, kept for rows in error only (error report)
    raw_values = fields.Json(readonly=True)
