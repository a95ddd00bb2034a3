from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmSalesMaterialSend(models.TransientModel):
    """Send sales materials to the contact of an opportunity, by e-mail through its chatter."""

    _name = "crm.sales.material.send"
    _description = "Send Sales Materials"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Contact")
    email_to = fields.Char(related="lead_id.email_from", string="E-mail")
    customer_lang = fields.Char(
        string="Customer Language", compute="_compute_customer_lang", help="Materials in this language come first."
    )
    line_ids = fields.One2many(
        "crm.sales.material.send.line",
        "wizard_id",
        string="Materials",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    subject = fields.Char(compute="_compute_subject", store=True, readonly=False, precompute=True)
    body = fields.Html(
        string="Message",
        compute="_compute_body",
        store=True,
        readonly=False,
        precompute=True,
        help="The names of the chosen materials are listed below this text in the e-mail.",
    )

    # ---- COMPUTES ----

    @api.model
    def _get_customer_lang(self, lead):
        return lead.partner_id.lang or lead.lang_code or False

    @api.depends("lead_id")
    def _compute_customer_lang(self):
        for wizard in self:
            wizard.customer_lang = self._get_customer_lang(wizard.lead_id)

    @api.depends("lead_id")
    def _compute_line_ids(self):
        for wizard in self:
            lead = wizard.lead_id
            commands = [fields.Command.clear()]
            if lead:
                materials = self.env["crm.sales.material"]._get_sendable_for_lead(
                    lead, lang=self._get_customer_lang(lead)
                )
                commands += [
                    fields.Command.create({"material_id": material.id, "sequence": sequence})
                    for sequence, material in enumerate(materials)
                ]
            wizard.line_ids = commands

    @api.depends("lead_id")
    def _compute_subject(self):
        for wizard in self:
            wizard.subject = self.env._(
                "%(company)s: documents for %(opportunity)s",
                company=(wizard.lead_id.company_id or self.env.company).name,
                opportunity=wizard.lead_id.name or "",
            )

    @api.depends("lead_id")
    def _compute_body(self):
        for wizard in self:
            lead = wizard.lead_id
            name = lead.partner_id.name or lead.contact_name or ""
            wizard.body = Markup("<p>%s</p><p>%s</p>") % (
                self.env._("Hello %(name)s,", name=name),
                self.env._("please find attached the documents we discussed."),
            )

    # ---- ACTIONS ----

    def action_send(self):
        """Post the e-mail with copies of the files on the opportunity and record the usage."""
        self.ensure_one()
        lead = self.lead_id
        lead.check_access("write")
        materials = self.line_ids.filtered("to_send").material_id
        if not materials:
            raise UserError(self.env._("Choose at least one material to send."))
        materials._check_sendable(lead)
        if not lead.email_from and not lead.partner_id.email:
            raise UserError(
                self.env._(
                    "The opportunity %(name)s has no contact e-mail address: add one before sending materials.",
                    name=lead.name,
                )
            )
        if not lead.partner_id:
            # same as converting a lead: the contact becomes a customer
            lead._handle_partner_assignment(create_missing=True)
        partner = lead.partner_id
        if not partner.email:
            raise UserError(self.env._("The contact %(name)s has no e-mail address.", name=partner.display_name))
        attachments = self.env["ir.attachment"]
        for attachment in materials.attachment_ids:
            attachments |= attachment.copy({"res_model": lead._name, "res_id": lead.id})
        material_list = Markup("").join(Markup("<li>%s</li>") % material.name for material in materials)
        body = (self.body or Markup("")) + Markup("<ul>%s</ul>") % material_list
        message = lead.message_post(
            body=body,
            subject=self.subject,
            partner_ids=partner.ids,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        now = fields.Datetime.now()
        self.env["crm.sales.material.usage"].create(
            [
                {
                    "material_id": material.id,
                    "lead_id": lead.id,
                    "partner_id": partner.id,
                    "user_id": self.env.user.id,
                    "date": now,
                    "mail_message_id": message.id,
                }
                for material in materials
            ]
        )
        return {"type": "ir.actions.act_window_close"}


class CrmSalesMaterialSendLine(models.TransientModel):
    _name = "crm.sales.material.send.line"
    _description = "Send Sales Materials: proposed material"
    _order = "sequence, id"

    wizard_id = fields.Many2one("crm.sales.material.send", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    to_send = fields.Boolean(string="Send")
    material_id = fields.Many2one("crm.sales.material", required=True, ondelete="cascade")
    material_type = fields.Selection(related="material_id.material_type")
    lang = fields.Selection(related="material_id.lang")
    validity = fields.Selection(related="material_id.validity")
    expiration_date = fields.Date(related="material_id.expiration_date")
    attachment_count = fields.Integer(related="material_id.attachment_count", string="Files")
    lang_match = fields.Boolean(string="Customer's Language", compute="_compute_lang_match")

    @api.depends("material_id.lang", "wizard_id.customer_lang")
    def _compute_lang_match(self):
        for line in self:
            line.lang_match = bool(line.wizard_id.customer_lang) and line.lang == line.wizard_id.customer_lang
