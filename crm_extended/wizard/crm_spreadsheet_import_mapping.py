from odoo import api, fields, models

# target key -> label, for both import types (the wizard checks which apply)
IMPORT_TARGETS = [
    ("name", "Account name"),
    ("vat", "Tax ID"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("website", "Website"),
    ("street", "Street"),
    ("street2", "Street 2"),
    ("city", "City"),
    ("zip", "ZIP"),
    ("country", "Country"),
    ("contact_name", "Contact name"),
    ("contact_email", "Contact e-mail"),
    ("contact_phone", "Contact phone"),
    ("contact_function", "Contact job position"),
    ("lead_name", "Opportunity"),
    ("partner_name", "Company name"),
    ("function", "Job position"),
    ("expected_revenue", "Expected revenue"),
    ("description", "Notes"),
]


class CrmSpreadsheetImportMapping(models.TransientModel):
    _name = "crm.spreadsheet.import.mapping"
    _description = "Spreadsheet import: column mapping"
    _order = "column_index"

    wizard_id = fields.Many2one("crm.spreadsheet.import", required=True, ondelete="cascade", index=True)
    column_index = fields.Integer(string="Column", required=True, readonly=True)
    header = fields.Char(string="Header in the file", readonly=True)
    sample = fields.Char(string="First value", readonly=True)
    target = fields.Selection(
        IMPORT_TARGETS,
        string="Import as",
        help="Field the column is imported into; leave empty to ignore the column.",
    )
    column_letter = fields.Char(string="Col.", compute="_compute_column_letter")

    @api.depends("column_index")
    def _compute_column_letter(self):
        for mapping in self:
            mapping.column_letter = column_letter(mapping.column_index)


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
