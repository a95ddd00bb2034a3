import base64
import binascii
import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize

MAX_FILE_SIZE = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_REPORTED_ERRORS = 20
HEADERS = {
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "vat": ("vat", "tax id", "vat number", "tax number"),
    "name": ("name",),
}


class CrmMarketingListImportWizard(models.TransientModel):
    """Add the records named in an .xlsx file to a static list, matched by e-mail, VAT or name."""

    _name = "crm.marketing.list.import.wizard"
    _description = "Import Marketing List Members"

    list_id = fields.Many2one("crm.marketing.list", required=True, readonly=True)
    file = fields.Binary(string="Spreadsheet (.xlsx)", required=True, attachment=False)
    filename = fields.Char()
    match_by = fields.Selection(
        [("email", "E-mail"), ("vat", "VAT / Tax ID"), ("name", "Name")],
        required=True,
        default="email",
        help="The first row of the first sheet names the columns; the column with this title is matched.",
    )
    skip_unmatched = fields.Boolean(
        help="Add the rows that match and ignore the others, instead of refusing the whole file."
    )

    def action_import(self):
        self.ensure_one()
        mlist = self.list_id
        if mlist.list_type != "static":
            raise UserError(self.env._("Members can only be imported into a static list."))
        mlist._check_membership_change()
        keys = self._read_keys()
        matches = self._match(keys)
        errors = [
            self.env._(
                "Row %(row)s, column %(column)s: nothing matches %(value)s.", row=row, column=column, value=value
            )
            for row, column, value, key in keys
            if key not in matches
        ]
        if errors and not self.skip_unmatched:
            raise UserError(self._format_errors(errors))
        member_ids = sorted({member_id for ids in matches.values() for member_id in ids})
        added = mlist._insert_members(SQL("SELECT unnest(%s::int[])", member_ids), restrict=False)
        message = self.env._(
            "%(added)s members added from %(file)s (%(rows)s rows, %(skipped)s without a match).",
            added=added,
            file=self.filename or "xlsx",
            rows=len(keys),
            skipped=len(errors),
        )
        mlist.message_post(body=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message, "next": {"type": "ir.actions.act_window_close"}},
        }

    def _read_keys(self):
        """Return ``[(row number, column title, value, normalised key)]`` read from the file."""
        try:
            content = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The file could not be read.")) from None
        if len(content) > MAX_FILE_SIZE:
            raise UserError(
                self.env._("The file is too large: at most %(size)s MB are accepted.", size=MAX_FILE_SIZE // 2**20)
            )
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
            raise UserError(self.env._("The file is not an .xlsx spreadsheet or it is damaged.")) from None
        try:
            if not workbook.worksheets:
                raise UserError(self.env._("The workbook has no sheet."))
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = next(rows, None)
            titles = [str(value).strip().lower() if value is not None else "" for value in header or ()]
            accepted = HEADERS[self.match_by]
            column = next((index for index, title in enumerate(titles) if title in accepted), None)
            if column is None:
                raise UserError(
                    self.env._(
                        "The first row of the sheet must name the column to match: one of %(titles)s.",
                        titles=", ".join(accepted),
                    )
                )
            column_title = header[column]
            keys, errors = [], []
            for number, row in enumerate(rows, start=2):
                if number - 1 > MAX_ROWS:
                    raise UserError(self.env._("The file has more than %(count)s rows.", count=MAX_ROWS))
                value = row[column] if column < len(row) else None
                if value is None or str(value).strip() == "":
                    continue
                value = str(value).strip()
                key = self._normalise(value)
                if not key:
                    errors.append(
                        self.env._(
                            "Row %(row)s, column %(column)s: %(value)s is not a valid e-mail address.",
                            row=number,
                            column=column_title,
                            value=value,
                        )
                    )
                    continue
                keys.append((number, column_title, value, key))
        finally:
            workbook.close()
        if errors:
            raise UserError(self._format_errors(errors))
        if not keys:
            raise UserError(self.env._("The file has no row to import."))
        return keys

    def _normalise(self, value):
        if self.match_by == "email":
            return email_normalize(value) or False
        if self.match_by == "vat":
            return value.replace(" ", "").replace(".", "").upper()
        return value.lower()

    def _match(self, keys):
        """Return ``{key: [member ids]}`` among the records the current user may read, in one query."""
        mlist = self.list_id
        model = self.env[mlist.member_model].with_context(active_test=False)
        table = SQL.identifier(model._table)
        if self.match_by == "email":
            expression = SQL("t.email_normalized")
        elif self.match_by == "name":
            expression = SQL("lower(t.name)")
        elif mlist.member_model == "res.partner":
            expression = SQL("upper(replace(replace(t.vat, ' ', ''), '.', ''))")
        else:
            expression = SQL(
                "(SELECT upper(replace(replace(p.vat, ' ', ''), '.', '')) FROM res_partner p WHERE p.id = t.partner_id)"
            )
        visible = model._search(mlist._company_domain()).subselect()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT %(expr)s, t.id FROM %(table)s t WHERE t.id IN %(visible)s AND %(expr)s = ANY(%(keys)s)",
                expr=expression,
                table=table,
                visible=visible,
                keys=list({key for _row, _column, _value, key in keys}),
            )
        )
        matches = {}
        for key, member_id in rows:
            matches.setdefault(key, []).append(member_id)
        return matches

    def _format_errors(self, errors):
        shown = errors[:MAX_REPORTED_ERRORS]
        if len(errors) > MAX_REPORTED_ERRORS:
            shown.append(self.env._("… and %(count)s more.", count=len(errors) - MAX_REPORTED_ERRORS))
        return self.env._("Nothing was imported:\n%(errors)s", errors="\n".join(shown))
