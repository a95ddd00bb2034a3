"""CRM › Import accounts: spreadsheet import of accounts with contacts, or of leads.

Flow: upload → columns mapped (editable) → dry run (one line per row, nothing
written) → import (validate every row, then write in batches inside one
savepoint). The file is streamed once per action through
``tools/spreadsheet_reader.py``; only the keys needed to spot duplicates inside
the file are kept in memory, the rows themselves go to the dry-run lines.

Memory (issue: peak under 2x the file's row data; bench/run.py scenario 4, a file
of 100k account rows holding 9.6 MB of cell values, peak RSS growth of the whole
upload + import). It was 120 MB: python-calamine, then the default reader, loads
the whole sheet (75 MB of it; openpyxl's streaming reader 10 MB, 17 s instead of
1.2 s of a ~250-400 s import), the upload was a base64 bytea column (57 MB while
stored and read back), the in-file duplicate keys a dict (~30 MB), the write phase
read every line id at once, and mail kept an entry for each created record until
the commit (10 MB, see ``_iter_line_batches``). Now: openpyxl read-only is the only
reader, with its shared strings kept compact and each parsed row dropped (an
Excel-like 100k file: 67 MB → 11 MB); the upload is an attachment read once as
bytes (``_file_data``); keys and row → account ids in ``_KeyTable`` (12 bytes a
key); lines are read one batch at a time and each batch is settled before the next.
Measured at 100k rows, around the wizard's create and action_import: peak growth
16.5 MB, of which the dry run 15 MB; the writes add 1.5 MB (they added 10.4 MB).
"""

import base64
import datetime
import logging
import re
from array import array

from psycopg2.extras import Json

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, plaintext2html

from ..tools.import_headers import normalise_header, synonym_index
from ..tools.spreadsheet_reader import SpreadsheetError, open_spreadsheet
from ..tools.standardise import partner_keys
from ..tools.xlsx import write_xlsx
from .crm_spreadsheet_import_mapping import column_letter

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
DEFAULT_MAX_ROWS = 100000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_ERRORS_SHOWN = 20
# columns of crm.spreadsheet.import.line written by the dry run (see _create_lines)
_LINE_COLUMNS = (
    "wizard_id",
    "row_number",
    "outcome",
    "name",
    "contact_name",
    "email",
    "partner_id",
    "lead_id",
    "duplicate_of_row",
    "error_columns",
    "message",
    "values",
    "raw_values",
)

# target -> field, per part of a row
ACCOUNT_FIELDS = {
    "name": "name",
    "vat": "vat",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "website": "website",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "zip": "zip",
    "country": "country_id",
}
CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_email": "email",
    "contact_phone": "phone",
    "contact_function": "function",
}
LEAD_FIELDS = {
    "lead_name": "name",
    "partner_name": "partner_name",
    "contact_name": "contact_name",
    "email": "email_from",
    "phone": "phone",
    "mobile": "mobile",
    "website": "website",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "zip": "zip",
    "country": "country_id",
    "function": "function",
    "expected_revenue": "expected_revenue",
    "description": "description",
}
TARGETS = {
    "partner": {**ACCOUNT_FIELDS, **CONTACT_FIELDS},
    "lead": LEAD_FIELDS,
}
# targets whose Odoo field label (every installed language) is also recognised
LABEL_FIELDS = {
    "partner": ("res.partner", ACCOUNT_FIELDS),
    "lead": ("crm.lead", LEAD_FIELDS),
}
# the documented layouts (readme/USAGE.md), offered as a file to fill in
TEMPLATES = {
    "partner": (
        [
            "Company",
            "VAT",
            "Email",
            "Phone",
            "Street",
            "City",
            "Zip",
            "Country",
            "Website",
            "Contact name",
            "Contact email",
            "Contact phone",
            "Job position",
        ],
        [
            "Azure Interior",
            "BE0477472701",
            "info@azure.example",
            "+32 2 555 01 01",
            "Rue Royale 1",
            "Brussels",
            "1000",
            "BE",
            "azure.example",
            "Anna Azure",
            "anna@azure.example",
            "+32 470 12 34 56",
            "Buyer",
        ],
    ),
    "lead": (
        ["Opportunity", "Company", "Contact name", "Email", "Phone", "City", "Country", "Expected revenue", "Notes"],
        [
            "ERP rollout",
            "Delta SA",
            "Dora Delta",
            "dora@delta.example",
            "+30 21 0123 4567",
            "Athens",
            "GR",
            12000,
            "Notes",
        ],
    ),
}
_SPACES_RE = re.compile(r"[\s\u00a0\u202f']+")


class CrmSpreadsheetImport(models.TransientModel):
    _name = "crm.spreadsheet.import"
    _description = "Import accounts or leads from a spreadsheet"

    import_type = fields.Selection(
        [("partner", "Accounts and contacts"), ("lead", "Leads")],
        string="Import",
        required=True,
        default="partner",
        help="Accounts and contacts: one row per contact person, with the account (company) columns "
        "repeated on each row of the same account.\nLeads: one lead per row.",
    )
    # an attachment: the import reads its bytes once (see _file_data), never its base64 copy
    file = fields.Binary(help="An .xlsx workbook or a UTF-8 .csv file")
    filename = fields.Char()
    sheet_name = fields.Char(string="Sheet", help="Name of the sheet to import; empty for the first sheet.")
    sheet_names = fields.Char(string="Sheets in the file", readonly=True)
    skip_errors = fields.Boolean(
        string="Skip rows with errors",
        help="Import the valid rows and leave the rows with errors out. "
        "When unticked, one row with an error stops the whole import.",
    )
    state = fields.Selection(
        [("upload", "Upload"), ("mapping", "Columns"), ("preview", "Dry run"), ("done", "Imported")],
        default="upload",
        required=True,
    )
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    mapping_ids = fields.One2many("crm.spreadsheet.import.mapping", "wizard_id", string="Columns")
    line_ids = fields.One2many("crm.spreadsheet.import.line", "wizard_id", string="Rows")
    count_create = fields.Integer(string="To create", compute="_compute_counts")
    count_update = fields.Integer(string="To update", compute="_compute_counts")
    count_duplicate = fields.Integer(string="Duplicates in file", compute="_compute_counts")
    count_error = fields.Integer(string="Rows with errors", compute="_compute_counts")
    result_message = fields.Text(readonly=True)
    error_report_file = fields.Binary(string="Error report", attachment=False, readonly=True)
    error_report_filename = fields.Char(readonly=True)

    # ---- COMPUTES ----

    @api.depends_context("allowed_company_ids")
    def _compute_company_id(self):
        self.company_id = self.env.company

    @api.depends("line_ids.outcome")
    def _compute_counts(self):
        groups = self.env["crm.spreadsheet.import.line"]._read_group(
            [("wizard_id", "in", self.ids)], ["wizard_id", "outcome"], ["__count"]
        )
        counts = {(wizard.id, outcome): count for wizard, outcome, count in groups}
        for wizard in self:
            wizard.count_create = counts.get((wizard.id, "create"), 0)
            wizard.count_update = counts.get((wizard.id, "update"), 0)
            wizard.count_duplicate = counts.get((wizard.id, "duplicate"), 0)
            wizard.count_error = counts.get((wizard.id, "error"), 0)

    @api.onchange("file", "import_type", "sheet_name")
    def _onchange_file(self):
        # another file or type: the columns must be read again
        if self.state != "upload":
            self.state = "upload"

    # ---- ACTIONS ----

    def action_load_columns(self):
        """Read the header row (and the first data row as a sample) and map the columns."""
        self.ensure_one()
        reader, sheet = self._open()
        try:
            rows = reader.iter_rows(sheet)
            header = self._read_header(rows, sheet)
            sample = next((row for row in rows if _row_is_filled(row)), [])
        except SpreadsheetError as exc:
            raise UserError(self._spreadsheet_error_message(exc)) from exc
        finally:
            reader.close()
        guesses = self._guess_targets(header)
        self.line_ids.unlink()
        self.mapping_ids.unlink()
        self.write(
            {
                "sheet_names": ", ".join(reader.sheet_names),
                "mapping_ids": [
                    fields.Command.create(
                        {
                            "column_index": index,
                            "header": _to_text(title) or "",
                            "sample": (_to_text(sample[index]) or "")[:80] if index < len(sample) else "",
                            "target": guesses[index],
                        }
                    )
                    for index, title in enumerate(header)
                ],
                "state": "mapping",
                "result_message": False,
                "error_report_file": False,
            }
        )
        return self._reopen()

    def action_dry_run(self):
        """Show what the import would do with every row; nothing is written."""
        self.ensure_one()
        self._build_lines()
        self.state = "preview"
        return self._reopen()

    def action_import(self):
        """Validate every row, then write all of them (or none) in batches inside one savepoint."""
        self.ensure_one()
        if self.state == "preview" and self.line_ids:
            # the dry run read the file already: only match its rows again
            self._refresh_lines()
        else:
            self._build_lines()
        error_lines = self._lines(("error",))
        if error_lines and not self.skip_errors:
            raise UserError(self._errors_message(error_lines))
        try:
            with self.env.cr.savepoint():
                summary = self._write_partners() if self.import_type == "partner" else self._write_leads()
        except (UserError, ValidationError) as exc:
            raise UserError(
                self.env._("Nothing was imported: %(reason)s", reason=exc.args[0] if exc.args else exc)
            ) from exc
        if error_lines:
            summary.append(self.env._("%(count)s rows with errors were skipped.", count=len(error_lines)))
        duplicates = self.count_duplicate
        if duplicates:
            summary.append(self.env._("%(count)s duplicate rows were left out.", count=duplicates))
        self.write({"state": "done", "result_message": "\n".join(summary)})
        _logger.info("Spreadsheet import %s by uid %s: %s", self.id, self.env.uid, " ".join(summary))
        return self._reopen()

    def action_back_to_mapping(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.state = "mapping"
        return self._reopen()

    def action_download_errors(self):
        """Download the rows in error as .xlsx: their columns as read, plus the reasons."""
        self.ensure_one()
        self.error_report_file = base64.b64encode(self._error_report_xlsx())
        self.error_report_filename = "import_errors.xlsx"
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_report_file/import_errors.xlsx?download=true",
            "target": "self",
        }

    def action_download_template(self):
        """Download an empty .xlsx with the expected columns and one example row."""
        self.ensure_one()
        header, example = TEMPLATES[self.import_type]
        self.error_report_file = base64.b64encode(write_xlsx([(self.env._("Import"), header, [example])]))
        self.error_report_filename = f"crm_import_{self.import_type}.xlsx"
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_report_file/{self.error_report_filename}?download=true",
            "target": "self",
        }

    # ---- FILE ----

    def _limit(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(f"crm_extended.{key}")
        try:
            return int(value) if value else default
        except ValueError:
            return default

    def _file_data(self):
        """The uploaded file's bytes, read from its attachment.

        The base64 value of the field (a third larger than the file) is dropped from the
        cache, not decoded: the import holds one copy of the file, its bytes.
        """
        self.invalidate_recordset(["file"])
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_field", "=", "file"), ("res_id", "=", self.id)], limit=1)
        )
        data = attachment.raw
        attachment.invalidate_recordset(["raw", "datas"])
        return data

    def _open(self):
        """Return (reader, sheet name) for the uploaded file, or raise a UserError."""
        data = self._file_data()
        if not data:
            raise UserError(self.env._("Choose a file to import."))
        try:
            reader = open_spreadsheet(data, self.filename, max_bytes=self._limit("import_max_bytes", DEFAULT_MAX_BYTES))
            sheet = reader._resolve_sheet(self.sheet_name)
        except SpreadsheetError as exc:
            raise UserError(self._spreadsheet_error_message(exc)) from exc
        return reader, sheet

    def _spreadsheet_error_message(self, exc):
        params = exc.params
        name = self.filename or self.env._("The file")
        messages = {
            "too_large": lambda: self.env._(
                "%(name)s is too large: at most %(limit)s MB can be imported at once. Split the file.",
                name=name,
                limit=round(params.get("limit", 0) / 1024 / 1024, 1),
            ),
            "empty_file": lambda: self.env._("%(name)s is empty.", name=name),
            "old_xls": lambda: self.env._(
                "%(name)s is an old Excel 97-2003 (.xls) file: save it as .xlsx and import it again.", name=name
            ),
            "not_spreadsheet": lambda: self.env._(
                "%(name)s is not a spreadsheet: import an .xlsx workbook or a .csv file.", name=name
            ),
            "corrupt": lambda: self.env._(
                "%(name)s is damaged and cannot be read: open it in your spreadsheet program, "
                "save it again as .xlsx and retry.",
                name=name,
            ),
            "encoding": lambda: self.env._("%(name)s is not UTF-8 text: save the CSV file as UTF-8.", name=name),
            "empty_workbook": lambda: self.env._("The workbook %(name)s is empty.", name=name),
            "unknown_sheet": lambda: self.env._(
                "There is no sheet “%(sheet)s” in %(name)s. Its sheets are: %(sheets)s.",
                sheet=params.get("sheet"),
                name=name,
                sheets=params.get("sheets"),
            ),
            "too_many_rows": lambda: self.env._(
                "%(name)s has more than %(limit)s rows: split it into smaller files.",
                name=name,
                limit=params.get("limit"),
            ),
        }
        return messages.get(exc.code, messages["corrupt"])()

    def _read_header(self, rows, sheet):
        """Return the header row (row 1) or raise for an empty sheet or a missing header."""
        first = next(rows, None)
        if first is None or not _row_is_filled(first):
            if first is None or not any(_row_is_filled(row) for row in rows):
                raise UserError(
                    self.env._(
                        "The workbook is empty: sheet “%(sheet)s” of %(name)s has no data.",
                        sheet=sheet,
                        name=self.filename or "",
                    )
                )
            raise UserError(
                self.env._(
                    "No header row: row 1 of sheet “%(sheet)s” is empty. Put the column titles in row 1.",
                    sheet=sheet,
                )
            )
        if not any(isinstance(value, str) and value.strip() for value in first):
            raise UserError(
                self.env._(
                    "No header row: row 1 of sheet “%(sheet)s” holds no column titles. "
                    "Put the column titles (Name, E-mail, …) in row 1.",
                    sheet=sheet,
                )
            )
        # trailing empty header cells are no columns
        while first and first[-1] in (None, ""):
            first.pop()
        return first

    # ---- MAPPING ----

    def _header_index(self):
        """Dict normalised header -> target: synonyms first, then Odoo's field labels in every language."""
        index = synonym_index(self.import_type)
        model_name, field_map = LABEL_FIELDS[self.import_type]
        by_field = {fname: target for target, fname in field_map.items()}
        self.env.cr.execute(
            SQL(
                "SELECT name, field_description FROM ir_model_fields WHERE model = %s AND name IN %s",
                model_name,
                tuple(by_field),
            )
        )
        for fname, labels in self.env.cr.fetchall():
            for label in (labels or {}).values():
                index.setdefault(normalise_header(label), by_field[fname])
        return index

    def _guess_targets(self, header):
        index = self._header_index()
        used = set()
        guesses = []
        for title in header:
            target = index.get(normalise_header(title))
            if target in used:
                target = False
            used.add(target)
            guesses.append(target or False)
        return guesses

    def _mapped_columns(self):
        """Return {target: (column index, header)} after checking the mapping."""
        targets = TARGETS[self.import_type]
        mapped = {}
        for mapping in self.mapping_ids:
            if not mapping.target:
                continue
            if mapping.target not in targets:
                raise UserError(
                    self.env._(
                        "Column %(column)s (“%(header)s”) cannot be imported as “%(target)s” for this kind of import.",
                        column=mapping.column_letter,
                        header=mapping.header,
                        target=dict(mapping._fields["target"]._description_selection(self.env))[mapping.target],
                    )
                )
            if mapping.target in mapped:
                raise UserError(
                    self.env._(
                        "Columns “%(first)s” and “%(second)s” are both imported as the same field; keep one.",
                        first=mapped[mapping.target][1],
                        second=mapping.header,
                    )
                )
            mapped[mapping.target] = (mapping.column_index, mapping.header or column_letter(mapping.column_index))
        if not mapped:
            raise UserError(self.env._("No column is mapped: choose what to import each column as."))
        if self.import_type == "partner" and "name" not in mapped:
            raise UserError(self.env._("Map a column to “Account name”: every account needs a name."))
        if self.import_type == "lead" and not {"lead_name", "partner_name", "contact_name", "email"} & set(mapped):
            raise UserError(
                self.env._(
                    "Map a column to “Opportunity”, “Company name”, “Contact name” or “E-mail” to name the leads."
                )
            )
        return mapped

    # ---- DRY RUN: read, validate, standardise, match ----

    def _build_lines(self):
        """Stream the file once and replace the dry-run lines (one per non-empty row)."""
        if not self.mapping_ids:
            self.action_load_columns()
        mapped = self._mapped_columns()
        company = self.env.company
        max_rows = self._limit("import_max_rows", DEFAULT_MAX_ROWS)
        self.line_ids.unlink()
        reader, sheet = self._open()
        context = _MatchState(self._country_index())
        try:
            rows = reader.iter_rows(sheet)
            self._read_header(rows, sheet)
            batch = []
            count = 0
            for row_number, row in enumerate(rows, start=2):
                if not _row_is_filled(row):
                    continue
                count += 1
                if count > max_rows:
                    raise SpreadsheetError("too_many_rows", limit=max_rows)
                batch.append(self._prepare_row(row_number, row, mapped, company, context))
                if len(batch) >= BATCH_SIZE:
                    self._create_lines(self._classify_batch(batch, company, context))
                    batch = []
            if batch:
                self._create_lines(self._classify_batch(batch, company, context))
        except SpreadsheetError as exc:
            raise UserError(self._spreadsheet_error_message(exc)) from exc
        finally:
            reader.close()
        if not count:
            raise UserError(self.env._("Sheet “%(sheet)s” has headers but no rows to import.", sheet=sheet))
        self.invalidate_recordset(["line_ids"])

    def _refresh_lines(self):
        """Match the dry-run rows against the database again, without reading the file.

        Accounts or leads created or changed since the dry run are found, so an
        import after a dry run never duplicates; rows in error stay as they were.
        """
        company = self.env.company
        context = _MatchState(self._country_index())
        Line = self.env["crm.spreadsheet.import.line"]
        for lines in self._iter_line_batches(("create", "update", "duplicate")):
            items = [{"row_number": line.row_number, "row": None, "errors": [], **line.values} for line in lines]
            new_lines = self._classify_batch(items, company, context)
            # usually nothing changed since the dry run: only the rows that did are stored again
            changed = [(line, vals) for line, vals in zip(lines, new_lines, strict=True) if _line_changed(line, vals)]
            if changed:
                Line.browse([line.id for line, _vals in changed]).unlink()
                self._create_lines([vals for _line, vals in changed])
        self.invalidate_recordset(["line_ids"])

    def _create_lines(self, vals_list):
        """Store a batch of dry-run rows in one INSERT; nothing stays in the cache: memory stays flat.

        The rows are this wizard's own transient records with plain columns (no compute,
        constraint or default to apply): the ORM's per-record create would cost as much as
        the dry run's reading, standardising and matching together.
        """
        Line = self.env["crm.spreadsheet.import.line"]
        Line.check_access("create")
        if not vals_list:
            return Line
        now = self.env.cr.now()
        uid = self.env.uid
        # the values as the ORM would store them: NULL for empty, 0 for an empty integer, JSON as jsonb
        columns = [fname for fname in _LINE_COLUMNS if any(fname in vals for vals in vals_list)]
        convert = {
            fname: {"json": lambda value: Json(value) if value else None, "integer": lambda value: int(value or 0)}.get(
                Line._fields[fname].type, lambda value: value or None
            )
            for fname in columns
        }
        rows = SQL(", ").join(
            SQL(
                "(%s)",
                SQL(", ").join(
                    [
                        *(convert[fname](vals.get(fname)) for fname in columns),
                        uid,
                        uid,
                        now,
                        now,
                    ]
                ),
            )
            for vals in vals_list
        )
        ids = self.env.execute_query(
            SQL(
                "INSERT INTO %s (%s, create_uid, write_uid, create_date, write_date) VALUES %s RETURNING id",
                SQL.identifier(Line._table),
                SQL(", ").join(SQL.identifier(fname) for fname in columns),
                rows,
            )
        )
        # not through the ORM: what the wizard computed from its lines is computed again
        self.invalidate_recordset(["line_ids", "count_create", "count_update", "count_duplicate", "count_error"])
        return Line.browse([row[0] for row in ids])

    def _country_index(self):
        """Dict normalised country code / name (every language) -> id, from one query."""
        self.env.cr.execute(SQL("SELECT id, code, name FROM res_country"))
        index = {}
        for country_id, code, names in self.env.cr.fetchall():
            index[normalise_header(code)] = country_id
            for name in (names or {}).values():
                index.setdefault(normalise_header(name), country_id)
        # phone keys need each country's code and prefix: read them once, not per row
        self.env["res.country"].search_fetch([], ["code", "phone_code"])
        return index

    def _prepare_row(self, row_number, row, mapped, company, context):
        """Convert, validate and standardise one row; return a dict for _classify_batch."""
        errors = []
        values = {}
        for target, (index, header) in mapped.items():
            cell = row[index] if index < len(row) else None
            if target == "country":
                text = _to_text(cell)
                if text:
                    country_id = context.countries.get(normalise_header(text))
                    if country_id:
                        values[target] = country_id
                    else:
                        errors.append((header, self.env._("unknown country “%(value)s”", value=text)))
            elif target == "expected_revenue":
                amount = _to_float(cell)
                if amount is None:
                    errors.append((header, self.env._("“%(value)s” is not a number", value=_to_text(cell))))
                elif amount is not False:
                    values[target] = amount
            else:
                text = _to_text(cell)
                if text:
                    values[target] = text
        result = {"row_number": row_number, "row": row, "errors": errors, "mapped": mapped}
        if self.import_type == "partner":
            account = {ACCOUNT_FIELDS[t]: v for t, v in values.items() if t in ACCOUNT_FIELDS}
            contact = {CONTACT_FIELDS[t]: v for t, v in values.items() if t in CONTACT_FIELDS}
            if not account.get("name"):
                errors.append((mapped["name"][1], self.env._("the account name is missing")))
            if contact and not contact.get("name"):
                header = mapped.get("contact_name", (0, self.env._("Contact name")))[1]
                errors.append((header, self.env._("the contact name is missing")))
            account = self._standardise("res.partner", account, company, mapped, ACCOUNT_FIELDS, errors)
            if contact:
                if account.get("country_id"):
                    contact["country_id"] = account["country_id"]
                contact = self._standardise("res.partner", contact, company, mapped, CONTACT_FIELDS, errors)
                contact.pop("country_id", None)
            result.update(account=account, contact=contact or False)
        else:
            lead = {LEAD_FIELDS[t]: v for t, v in values.items()}
            if not lead.get("name"):
                lead["name"] = lead.get("partner_name") or lead.get("contact_name") or lead.get("email_from")
            if not lead.get("name"):
                errors.append((mapped.get("lead_name", next(iter(mapped.values())))[1], self.env._("no name")))
            result["lead"] = self._standardise("crm.lead", lead, company, mapped, LEAD_FIELDS, errors)
        return result

    def _standardise(self, model_name, vals, company, mapped, field_map, errors):
        """Standardise ``vals`` like a save would; a refused value becomes an error on its column."""
        Model = self.env[model_name]
        if not vals or not hasattr(Model, "_crm_standardise_values"):
            return vals
        try:
            return Model._crm_standardise_values(vals, company=company)
        except (ValidationError, UserError) as exc:
            _logger.debug("Import row refused by standardisation: %s", exc)
        # find the column(s) at fault, field by field
        headers = {fname: mapped[target][1] for target, fname in field_map.items() if target in mapped}
        clean = dict(vals)
        for fname in vals:
            if fname == "country_id":
                continue
            single = {fname: vals[fname]}
            if vals.get("country_id"):
                single["country_id"] = vals["country_id"]
            try:
                clean[fname] = Model._crm_standardise_values(single, company=company)[fname]
            except (ValidationError, UserError) as exc:
                reason = str(exc.args[0] if exc.args else exc)
                # the message names the field already: the report names the column instead
                label = f"{Model._fields[fname]._description_string(self.env)}: "
                errors.append((headers.get(fname, fname), reason.removeprefix(label)))
        return clean

    def _classify_batch(self, batch, company, context):
        if self.import_type == "partner":
            return self._classify_partners(batch, company, context)
        return self._classify_leads(batch, company, context)

    def _classify_partners(self, batch, company, context):
        """Outcome of each row of ``batch``: two queries (accounts, then their contacts) per batch."""
        Partner = self.env["res.partner"]
        Country = self.env["res.country"]
        for item in batch:
            account = item["account"]
            country = Country.browse(account["country_id"]) if account.get("country_id") else company.country_id
            # the keys res.partner would compute for the new account: matched here, then created with it
            item["crm_keys"] = _partner_keys(account, country) if not item["errors"] else {}
            item["keys"] = _account_keys(account, item["crm_keys"]) if not item["errors"] else []
        valid = [item for item in batch if not item["errors"]]
        # one query over the indexed keys of duplicate detection (res.partner crm_*_key):
        # existing accounts sharing a VAT, e-mail, phone (or, without any of them, the name)
        vats, emails, phones, names = set(), set(), set(), set()
        for item in valid:
            for kind, value in item["keys"]:
                {"vat": vats, "email": emails, "phone": phones, "name": names}[kind].add(value)
        by_key = {}
        if valid:
            conditions = []
            if vats:
                conditions.append([("crm_vat_key", "in", list(vats))])
            if emails:
                conditions.append([("email_normalized", "in", list(emails))])
            if phones:
                conditions.append([("crm_phone_key", "in", list(phones))])
                conditions.append([("crm_mobile_key", "in", list(phones))])
            if names:
                conditions.append([("name", "in", list(names))])
            domain = expression.AND(
                [
                    [("parent_id", "=", False), ("company_id", "in", [company.id, False])],
                    expression.OR(conditions),
                ]
            )
            fnames = ["crm_vat_key", "email_normalized", "crm_phone_key", "crm_mobile_key", "name"]
            for partner in Partner.search_fetch(domain, fnames, order="id"):
                existing = [
                    ("vat", partner.crm_vat_key),
                    ("email", partner.email_normalized),
                    ("phone", partner.crm_phone_key),
                    ("phone", partner.crm_mobile_key),
                    ("name", partner.name),
                ]
                for key in existing:
                    if key[1]:
                        by_key.setdefault(key, partner.id)
        # accounts and duplicates inside the file
        for item in valid:
            item["account_row"] = None
            match = next((by_key[key] for key in item["keys"] if key in by_key), False)
            keys = item["keys"] + ([("id", match)] if match else [])
            anchor = next((row for row in map(context.seen.get, keys) if row is not None), None)
            item["contact_key"] = _contact_key(item["contact"]) if item["contact"] else None
            if anchor is None:
                for key in keys:
                    context.seen.setdefault(key, item["row_number"])
                if match:
                    context.accounts[item["row_number"]] = match
                item.update(partner_id=match, outcome="update" if match else "create")
                if item["contact_key"]:
                    context.contacts.setdefault((item["row_number"], item["contact_key"]), item["row_number"])
                continue
            for key in keys:
                context.seen.setdefault(key, anchor)
            account_id = context.accounts.get(anchor, False)
            if item["contact_key"] and context.contacts.get((anchor, item["contact_key"])) is None:
                context.contacts.setdefault((anchor, item["contact_key"]), anchor)
                item.update(partner_id=account_id, account_row=anchor, outcome="update" if account_id else "create")
            else:
                item.update(partner_id=account_id, outcome="duplicate", duplicate_of_row=anchor)
        # one query: the existing contacts of the existing accounts
        parent_ids = {item["partner_id"] for item in valid if item["partner_id"] and item["contact_key"]}
        contact_ids = {}
        if parent_ids:
            for child in Partner.search_fetch(
                [("parent_id", "in", list(parent_ids))], ["parent_id", "email_normalized", "name"], order="id"
            ):
                for key in filter(
                    None, (_contact_key({"email": child.email_normalized}), _contact_key({"name": child.name}))
                ):
                    contact_ids.setdefault((child.parent_id.id, key), child.id)
        lines = []
        for item in batch:
            line = self._line_base(item)
            if item["errors"]:
                lines.append(line)
                continue
            contact_id = False
            if item["contact"] and item["partner_id"]:
                contact_id = contact_ids.get((item["partner_id"], item["contact_key"]), False)
                if not contact_id and item["contact"].get("email"):
                    contact_id = contact_ids.get(
                        (item["partner_id"], _contact_key({"name": item["contact"]["name"]})), False
                    )
            messages = []
            if item["outcome"] == "duplicate":
                messages.append(self.env._("Same account as row %(row)s", row=item["duplicate_of_row"]))
            elif item["account_row"]:
                messages.append(self.env._("Adds a contact to the account of row %(row)s", row=item["account_row"]))
            if item["contact"] and item["outcome"] != "duplicate":
                messages.append(self.env._("Contact updated") if contact_id else self.env._("Contact created"))
            line.update(
                outcome=item["outcome"],
                partner_id=item["partner_id"] or False,
                duplicate_of_row=item.get("duplicate_of_row", 0),
                message="; ".join(messages) or False,
                values={
                    "account": item["account"],
                    "crm_keys": item["crm_keys"],
                    "contact": item["contact"],
                    "contact_id": contact_id,
                    "account_row": item["account_row"],
                },
            )
            lines.append(line)
        return lines

    def _classify_leads(self, batch, company, context):
        """Outcome of each lead row: one query per batch for the existing leads."""
        Lead = self.env["crm.lead"]
        for item in batch:
            item["keys"] = _lead_keys(item["lead"]) if not item["errors"] else []
        valid = [item for item in batch if not item["errors"]]
        by_key = {}
        if valid:
            titles = {item["lead"]["name"] for item in valid}
            emails, phones, companies, bare = set(), set(), set(), set()
            for item in valid:
                for _title, kind, value in item["keys"]:
                    {"email": emails, "phone": phones, "company": companies, "title": bare}[kind].add(value)
            conditions = [[("id", "=", 0)]]
            if emails:
                conditions.append([("email_normalized", "in", list(emails))])
            if phones:
                conditions.append([("phone", "in", list(phones))])
                conditions.append([("mobile", "in", list(phones))])
            if companies:
                conditions.append([("partner_name", "!=", False)])
            if bare:
                conditions.append([("name", "in", list(titles))])
            domain = expression.AND(
                [
                    [("name", "in", list(titles)), ("company_id", "in", [company.id, False])],
                    expression.OR(conditions),
                ]
            )
            fnames = ["name", "email_normalized", "phone", "mobile", "partner_name"]
            for lead in Lead.search_fetch(domain, fnames, order="id"):
                values = {
                    "name": lead.name,
                    "email_from": lead.email_normalized,
                    "phone": lead.phone,
                    "mobile": lead.mobile,
                    "partner_name": lead.partner_name,
                }
                for key in _lead_keys(values, all_keys=True):
                    by_key.setdefault(key, lead.id)
        lines = []
        for item in batch:
            line = self._line_base(item)
            if not item["errors"]:
                match = next((by_key[key] for key in item["keys"] if key in by_key), False)
                keys = item["keys"] + ([("id", match)] if match else [])
                anchor = next((row for row in map(context.seen.get, keys) if row is not None), None)
                if anchor is None:
                    for key in keys:
                        context.seen.setdefault(key, item["row_number"])
                    line.update(outcome="update" if match else "create", lead_id=match, values={"lead": item["lead"]})
                else:
                    line.update(
                        outcome="duplicate",
                        lead_id=match,
                        duplicate_of_row=anchor,
                        message=self.env._("Same lead as row %(row)s", row=anchor),
                        values={"lead": item["lead"]},
                    )
            lines.append(line)
        return lines

    def _line_base(self, item):
        display = item.get("account") or item.get("lead") or {}
        contact = item.get("contact") or {}
        line = {
            "wizard_id": self.id,
            "row_number": item["row_number"],
            "name": display.get("name") or False,
            "contact_name": contact.get("name") or display.get("contact_name") or False,
            "email": contact.get("email") or display.get("email") or display.get("email_from") or False,
        }
        if item["errors"]:
            line.update(
                outcome="error",
                error_columns=", ".join(dict.fromkeys(header for header, _reason in item["errors"])),
                message="\n".join(f"{header}: {reason}" for header, reason in item["errors"]),
                raw_values=[_to_json(value) for value in item["row"]],
            )
        return line

    # ---- WRITE ----

    def _write_context(self):
        # values are standardised already; no chatter message, follower or tracking per imported record
        return {
            "crm_skip_standardise": True,
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_notrack": True,
        }

    def _lines(self, outcomes):
        return self.env["crm.spreadsheet.import.line"].search(
            [("wizard_id", "=", self.id), ("outcome", "in", outcomes)], order="row_number"
        )

    def _iter_line_batches(self, outcomes):
        """Lines in batches; after each batch, what it wrote is flushed and dropped from the cache.

        Otherwise memory would grow with the file instead of staying flat: the records a batch
        creates would stay in the ORM cache (about 5 kB each), and mail's tracking would keep an
        entry for each of them until the commit (10 MB at 100k rows). ``cr.flush()`` is what the
        release of a savepoint does: it writes the batch and runs the precommit hooks, where mail
        drops its entries for the batch's records (created with tracking disabled).
        """
        # one query a batch (rows after the last one read), not the ids of every line at once
        Line = self.env["crm.spreadsheet.import.line"]
        last_row = 0
        while True:
            lines = Line.search(
                [("wizard_id", "=", self.id), ("outcome", "in", outcomes), ("row_number", ">", last_row)],
                order="row_number",
                limit=BATCH_SIZE,
            )
            if not lines:
                return
            last_row = lines[-1].row_number
            yield lines
            self.env.cr.flush()
            self.env.invalidate_all(flush=False)  # flushed just above

    def _write_partners(self):
        company = self.env.company
        Partner = self.env["res.partner"].with_context(**self._write_context())
        row_account = _KeyTable()  # row number -> account id, for contacts of later rows (12 bytes a row)
        counts = dict.fromkeys(("account_create", "account_update", "contact_create", "contact_update"), 0)
        for lines in self._iter_line_batches(("create", "update")):
            to_create = []
            for line in lines:
                values = line.values
                if values["account_row"]:
                    continue
                if line.partner_id:
                    changes = _changed_values(line.partner_id, _filled(values["account"]))
                    if changes:
                        line.partner_id.with_context(**self._write_context()).write(changes)
                    row_account.setdefault(line.row_number, line.partner_id.id)
                    counts["account_update"] += 1
                else:
                    # with its keys (crm_*_key), computed by the dry run: not computed a second time
                    vals = {**values["account"], **values.get("crm_keys", {}), "is_company": True}
                    to_create.append((line, {**vals, "company_id": company.id}))
            if to_create:
                accounts = Partner.create([vals for _line, vals in to_create])
                for (line, _vals), account in zip(to_create, accounts):
                    row_account.setdefault(line.row_number, account.id)
                counts["account_create"] += len(accounts)
            contacts_to_create = []
            # the existing contacts of the batch, read at once
            contacts = Partner.browse({line.values["contact_id"] for line in lines} - {False, None})
            contacts = {contact.id: contact for contact in contacts}
            for line in lines:
                values = line.values
                if not values["contact"]:
                    continue
                parent_id = line.partner_id.id or row_account.get(values["account_row"] or line.row_number)
                if values["contact_id"]:
                    changes = _changed_values(contacts[values["contact_id"]], _filled(values["contact"]))
                    if changes:
                        contacts[values["contact_id"]].write(changes)
                    counts["contact_update"] += 1
                else:
                    contacts_to_create.append(
                        {**values["contact"], "parent_id": parent_id, "type": "contact", "company_id": company.id}
                    )
            if contacts_to_create:
                self._create_contacts(Partner, contacts_to_create)
                counts["contact_create"] += len(contacts_to_create)
        return [
            self.env._(
                "Accounts: %(created)s created, %(updated)s updated.",
                created=counts["account_create"],
                updated=counts["account_update"],
            ),
            self.env._(
                "Contacts: %(created)s created, %(updated)s updated.",
                created=counts["contact_create"],
                updated=counts["contact_update"],
            ),
        ]

    def _create_contacts(self, Partner, vals_list):
        """Create contacts in one batch, with what Odoo's create copies to them from their account.

        Odoo's res.partner create syncs each new contact on its own: the commercial fields
        (Tax ID, pricelist, ...), the address (when the account has one) and the language of
        the account are written to it afterwards, one write per contact. Like Odoo's own import
        (``_load_records_create``), the per-contact sync is skipped here; the same values are
        read from the accounts at once and created with the contacts. (Odoo's first-contact
        rule, which copies a contact's address to an account without one, cannot apply: an
        imported contact has no address of its own.)
        """
        parents = Partner.browse({vals["parent_id"] for vals in vals_list}).sudo()
        commercial_fields = Partner._commercial_fields()
        address_fields = Partner._address_fields()
        default_lang = self.env.context.get("default_lang") or self.env.lang
        # read (and compute, e.g. the pricelist) the accounts' values for all of them at once
        for fname in commercial_fields:
            parents.commercial_partner_id.mapped(fname)
        for fname in [*address_fields, "lang"]:
            parents.mapped(fname)
        synced = {}
        for parent in parents:
            values = parent.commercial_partner_id._update_fields_values(commercial_fields)
            if any(parent[fname] for fname in address_fields):
                values.update(parent._update_fields_values(address_fields))
            values["lang"] = parent.lang or default_lang
            synced[parent.id] = values
        vals_list = [
            {**vals, **synced[vals["parent_id"]], "crm_own_country_id": vals.get("country_id")} for vals in vals_list
        ]
        self._sync_pricelists(Partner, vals_list)
        return Partner.with_context(_partners_skip_fields_sync=True).create(vals_list)

    def _sync_pricelists(self, Partner, values_list):
        """Turn the account's pricelist in contact values into the contact's own pricelist, as Odoo would.

        Created with ``property_product_pricelist``, each contact runs the pricelist inverse of
        Odoo's product module: one search per contact for the default pricelist of its country,
        then the account's pricelist becomes the contact's own unless it is that default. The
        same rule is applied here with one search per country (as the superuser, like Odoo's sync).
        Odoo syncs the commercial fields before the address: the country that counts is the
        contact's own (``crm_own_country_id``, removed here), not the one it gets from its account.
        """
        fname, own_fname = "property_product_pricelist", "specific_property_product_pricelist"
        Pricelist = self.env["product.pricelist"].sudo()
        Country = self.env["res.country"].sudo()
        country_defaults = {}
        for values in values_list:
            country_id = values.pop("crm_own_country_id", False) or False
            if own_fname not in Partner._fields:
                continue
            pricelist_id = values.pop(fname, False)
            if not pricelist_id:
                continue
            if country_id not in country_defaults:
                code = Country.browse(country_id).code or False
                country_defaults[country_id] = Pricelist.search(
                    [("country_group_ids.country_ids.code", "=", code)], limit=1
                ).id
            values[own_fname] = False if pricelist_id == country_defaults[country_id] else pricelist_id

    def _write_leads(self):
        company = self.env.company
        Lead = self.env["crm.lead"].with_context(**self._write_context())
        created = updated = 0
        for lines in self._iter_line_batches(("create", "update")):
            to_create = []
            for line in lines:
                vals = _lead_write_values(line.values["lead"])
                if line.lead_id:
                    line.lead_id.with_context(**self._write_context()).write(_filled(vals))
                    updated += 1
                else:
                    to_create.append({**vals, "company_id": company.id})
            if to_create:
                Lead.create(to_create)
                created += len(to_create)
        return [self.env._("Leads: %(created)s created, %(updated)s updated.", created=created, updated=updated)]

    # ---- REPORTS ----

    def _errors_message(self, error_lines):
        shown = [
            self.env._("Row %(row)s, %(reason)s", row=line.row_number, reason=line.message.replace("\n", "; "))
            for line in error_lines[:_ERRORS_SHOWN]
        ]
        if len(error_lines) > _ERRORS_SHOWN:
            shown.append(self.env._("… and %(count)s more rows.", count=len(error_lines) - _ERRORS_SHOWN))
        return "\n".join(
            [
                self.env._(
                    "Nothing was imported: %(count)s rows have errors. Correct them, or tick “Skip rows with errors”.",
                    count=len(error_lines),
                ),
                *shown,
            ]
        )

    def _error_report_xlsx(self):
        headers = [mapping.header or mapping.column_letter for mapping in self.mapping_ids.sorted("column_index")]
        width = len(headers)
        error_lines = self._lines(("error",))

        def rows():
            for line in error_lines:
                raw = list(line.raw_values or [])[:width]
                yield [line.row_number, *raw, *([None] * (width - len(raw))), line.error_columns, line.message]

        columns = [self.env._("Row"), *headers, self.env._("Columns in error"), self.env._("Errors")]
        return write_xlsx([(self.env._("Errors"), columns, rows())])

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import accounts"),
        }


# ---- HELPERS (pure) ----


class _MatchState:
    """What the dry run keeps across batches: keys only, never the rows."""

    __slots__ = ("accounts", "contacts", "countries", "seen")

    def __init__(self, countries):
        self.countries = countries
        self.seen = _KeyTable()  # account or lead key -> first row number holding it
        self.accounts = {}  # first row number of an account -> the existing account it updates (matches only)
        self.contacts = _KeyTable()  # (first row of the account, contact key) -> that row


class _KeyTable:
    """Map of keys to numbers (row numbers, ids) in two flat arrays: about 12 bytes a key.

    A dict of the same keys costs about 150 bytes a key (the key tuple, its strings, the
    entry): 30 MB for a file of 100k rows with two keys each, against 3 MB here. A key is
    stored as its 64-bit hash (open addressing, linear probing): two different keys of one
    file share a hash about once in 400 million files of 100k rows, and the cost would be one
    row shown as a duplicate of another in the dry run.
    """

    __slots__ = ("_hashes", "_mask", "_used", "_values")

    def __init__(self, size=1 << 12):
        self._allocate(size)
        self._used = 0

    def _allocate(self, size):
        # repeated, not built from a zeroed bytes object: no temporary copy of the size of the table
        self._hashes = array("q", [0]) * size  # 0: empty slot
        self._values = array("i", [0]) * size
        self._mask = size - 1

    def _slot(self, key_hash):
        hashes, mask = self._hashes, self._mask
        index = key_hash & mask
        while hashes[index] not in (0, key_hash):
            index = (index + 1) & mask
        return index

    def get(self, key):
        """The number stored for ``key``, or None."""
        index = self._slot(_key_hash(key))
        return self._values[index] if self._hashes[index] else None

    def setdefault(self, key, value):
        """Store ``value`` (a 32-bit integer) for ``key`` unless the key is there; return the value stored."""
        key_hash = _key_hash(key)
        index = self._slot(key_hash)
        if self._hashes[index]:
            return self._values[index]
        self._hashes[index] = key_hash
        self._values[index] = value
        self._used += 1
        if self._used * 8 > len(self._hashes) * 7:  # 7/8 full: a miss probes ~30 slots, a few microseconds
            self._grow()
        return value

    def _grow(self):
        hashes, values = self._hashes, self._values
        self._allocate(2 * len(hashes))
        for key_hash, value in zip(hashes, values):
            if key_hash:
                index = self._slot(key_hash)
                self._hashes[index] = key_hash
                self._values[index] = value


def _key_hash(key):
    # Python's hash of the key tuple (SipHash of its strings), never 0 (an empty slot)
    return hash(key) or 1


def _row_is_filled(row):
    return any(value not in (None, "") and not (isinstance(value, str) and not value.strip()) for value in row)


def _to_text(value):
    """Cell value as stripped text (False when empty); 12.0 becomes "12", not "12.0"."""
    if value is None or value is False:
        return False
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip() or False


def _to_float(value):
    """Number from a cell: False when empty, None when it is not a number ("1 234,5" is read)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _SPACES_RE.sub("", str(value))
    if "," in text and "." in text:
        # the last separator is the decimal one
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _to_json(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value


def _line_changed(line, vals):
    """Whether the dry-run line ``line`` differs from the line values ``vals``."""
    for fname, value in vals.items():
        current = line[fname]
        if line._fields[fname].type == "many2one":
            current = current.id
        if (current or False) != (value or False):
            return True
    return False


def _changed_values(record, vals):
    """The values of ``vals`` that differ from ``record``'s: what the form would save.

    A row that repeats what the record holds writes nothing (no write date, no sync).
    """
    changes = {}
    for fname, value in vals.items():
        current = record[fname]
        if record._fields[fname].type == "many2one":
            current = current.id
        if current != value:
            changes[fname] = value
    return changes


def _filled(vals):
    """Values that update a record: an empty cell never erases existing data."""
    return {fname: value for fname, value in vals.items() if value not in (False, None, "")}


def _partner_keys(vals, country):
    """The duplicate-detection keys (``crm_*_key``) res.partner computes for an account of ``vals``."""
    return partner_keys(
        vals.get("name"), True, vals.get("city"), vals.get("vat"), vals.get("phone"), vals.get("mobile"), country
    )


def _account_keys(vals, crm_keys):
    """Matching keys of an account row: VAT, e-mail, phones; the name only when none of them exists.

    The same normalised keys as the duplicate detection of res.partner
    (``crm_vat_key``, ``email_normalized``, ``crm_phone_key`` / ``crm_mobile_key``), from the same function.
    """
    keys = []
    if crm_keys["crm_vat_key"]:
        keys.append(("vat", crm_keys["crm_vat_key"]))
    email = _email_key(vals.get("email"))
    if email:
        keys.append(("email", email))
    for fname in ("crm_phone_key", "crm_mobile_key"):
        if crm_keys[fname]:
            keys.append(("phone", crm_keys[fname]))
    if vals.get("name") and not keys:
        keys.append(("name", vals["name"]))
    return keys


def _email_key(value):
    """email_normalized of a standardised address; the plain case is read without a parser."""
    if not value:
        return False
    if "<" not in value and "," not in value and ";" not in value and " " not in value.strip():
        return value.strip().lower()
    return email_normalize(value)


def _contact_key(vals):
    email = _email_key(vals.get("email"))
    if email:
        return ("email", email)
    if vals.get("name"):
        return ("name", " ".join(vals["name"].casefold().split()))
    return None


def _lead_keys(vals, all_keys=False):
    """A lead is the same when its title and its e-mail, phone or company are the same."""
    title = " ".join((vals.get("name") or "").casefold().split())
    keys = []
    email = _email_key(vals.get("email_from"))
    if email:
        keys.append((title, "email", email))
    for fname in ("phone", "mobile"):
        if vals.get(fname):
            keys.append((title, "phone", vals[fname]))
    if vals.get("partner_name"):
        keys.append((title, "company", " ".join(vals["partner_name"].casefold().split())))
    if not keys or all_keys:
        keys.append((title, "title", title))
    return keys


def _lead_write_values(vals):
    vals = dict(vals)
    if vals.get("description"):
        vals["description"] = plaintext2html(vals["description"])
    return vals
